// Package api serves the local AWS IoT stand-in's control plane over HTTP in AWS IoT's REST-JSON
// wire format, so aws-sdk-go-v2 (iot.Options.BaseEndpoint), the AWS CLI (--endpoint-url) and any
// other AWS SDK work against it unchanged.
//
// Every request must carry a valid Signature Version 4 (AWS4-HMAC-SHA256) signature made with
// the configured access key ID and secret for service "iot" (or "execute-api", the signing name
// of older AWS models that the AWS CLI 2.9 of Debian 12 still uses, which AWS IoT accepts too);
// the region may be any and is recorded. The server rebuilds the canonical request (double-escaped path, sorted query, the
// signed headers), the string to sign and the HMAC chain, and allows 15 minutes of clock skew as
// AWS does. Failures are 403 responses typed MissingAuthenticationTokenException,
// IncompleteSignatureException, UnrecognizedClientException (unknown access key) or
// InvalidSignatureException (wrong signature, wrong service, expired).
//
// Responses are application/json. Errors carry the exception name in X-Amzn-ErrorType and
// {"message": ...} in the body (ResourceAlreadyExistsException adds resourceId and resourceArn),
// with the HTTP status AWS's model gives each exception. Timestamps are epoch seconds (JSON
// numbers). List operations page with marker/nextMarker or nextToken as each operation defines,
// 25 results per page by default; the tokens are opaque base64 strings.
//
// Operations: RegisterCACertificate, DescribeCACertificate, UpdateCACertificate,
// DeleteCACertificate, ListCACertificates, GetRegistrationCode, DescribeEndpoint, CreateThing,
// DescribeThing, ListThings, DeleteThing, DescribeCertificate, UpdateCertificate,
// DeleteCertificate, ListCertificatesByCA, ListThingPrincipals, AttachThingPrincipal,
// DetachThingPrincipal, ListPrincipalThings, CreatePolicy, GetPolicy, AttachPolicy,
// DetachPolicy, ListAttachedPolicies, and CreateThingType, CreateThingGroup and
// CreateBillingGroup (so CreateThing and templates can name them). Any other request gets a 404
// UnknownOperationException naming the method and path.
//
// With AWS-like limits on (`jitpsim serve --aws-limits`, localiot.Config.AWSLimits) every
// operation has a token bucket of its published rate (localiot.DefaultAPIRates, one second's
// worth of burst); a call beyond it gets ThrottlingException with HTTP 400, the status AWS IoT's
// model gives that exception (not 429), and counts in Stats.APIThrottled.
//
// DescribeEndpoint returns the stand-in's MQTT host name (Config.EndpointAddress, "localhost"
// by default) for every endpoint type; the port is the one the MQTT listener is bound to, which
// `jitpsim serve` prints (8883 by default, as AWS).
package api
