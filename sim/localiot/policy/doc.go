// Package policy parses and evaluates AWS IoT Core policy documents for the local AWS IoT
// stand-in.
//
// Parse accepts the JSON that CreatePolicy takes: Version, Id, and Statement as one object or
// a list; each statement has an Effect (Allow or Deny), Action or NotAction, Resource or
// NotResource (a string or a list) and an optional Condition. Errors are *MalformedError
// values, which the control-plane API maps to MalformedPolicyException.
//
// Evaluate follows IAM's rules as AWS IoT documents them: everything is denied unless a
// statement allows it, and an explicit Deny wins over any Allow. Actions match case-insensitively
// and resources case-sensitively; both may use the wildcards * (any run of characters, "/"
// included) and ? (one character). The MQTT wildcards + and # have no special meaning in a
// policy. With Version 2012-10-17, policy variables such as ${iot:ClientId},
// ${iot:Connection.Thing.ThingName} and ${iot:Certificate.Subject.CommonName} are replaced by
// the request's Variables (the values are matched literally, never as wildcards); a statement
// whose Resource or Condition uses a variable the request cannot resolve does not match, so it
// neither allows nor denies. ${*}, ${?} and ${$} stand for the literal characters. With Version
// 2008-10-17 (or none) variables are plain text, as in IAM.
//
// Conditions support the String*, Arn*, Numeric*, Bool and Null operators with the
// ForAnyValue: and ForAllValues: qualifiers and the IfExists suffix; condition keys are looked
// up in the request's Variables case-insensitively. Date and IP-address operators are rejected
// by Parse as unsupported. Multi-valued certificate fields are available as Name.1, Name.2, …
// (the plain name holds the first value); the .List form is not supported.
package policy
