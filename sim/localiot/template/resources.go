package template

import (
	"fmt"
	"slices"
)

// thingResource is a parsed AWS::IoT::Thing resource; the properties are unevaluated expressions.
type thingResource struct {
	logicalID    string
	name         any
	attributes   map[string]any
	typeName     any
	groups       any
	billingGroup any
	overrides    ThingOverrides
}

// certResource is a parsed AWS::IoT::Certificate resource; status is nil when the template omits it.
type certResource struct {
	logicalID string
	id        any
	status    any
}

// policyResource is a parsed AWS::IoT::Policy resource; exactly one of name and document is set.
// A literal document is kept as compact JSON text.
type policyResource struct {
	logicalID string
	name      any
	document  any
}

// addResource validates one entry of Resources and records it on t. A PolicyDocument given
// as an object is replaced, in res, by its escaped-string form, as AWS keeps it.
func (t *Template) addResource(id string, raw any, c *checker) error {
	res, ok := raw.(map[string]any)
	if !ok {
		return formatError(fmt.Sprintf("resource %s must be a JSON object", id))
	}
	typ, _ := res["Type"].(string)
	props := map[string]any{}
	if p, ok := res["Properties"]; ok && p != nil {
		if props, ok = p.(map[string]any); !ok {
			return formatError(fmt.Sprintf("Properties of resource %s must be a JSON object", id))
		}
	}
	for _, name := range sortedKeys(props) {
		if name == "PolicyDocument" && typ == TypePolicy {
			if _, _, ok := intrinsic(props[name]); !ok {
				continue // a literal document, checked by addPolicy
			}
		}
		if err := c.check(props[name]); err != nil {
			return formatError(fmt.Sprintf("%v in property %s of resource %s", err, name, id))
		}
	}
	switch typ {
	case TypeThing:
		return t.addThing(id, props, res["OverrideSettings"])
	case TypeCertificate:
		if err := checkCertificateOverrides(id, res["OverrideSettings"]); err != nil {
			return err
		}
		return t.addCertificate(id, props)
	case TypePolicy:
		if res["OverrideSettings"] != nil {
			return formatError(fmt.Sprintf("OverrideSettings are not available for resource %s of type %s", id, TypePolicy))
		}
		return t.addPolicy(id, props)
	case "":
		return formatError(fmt.Sprintf("resource %s has no Type", id))
	default:
		return formatError(fmt.Sprintf("resource %s has unsupported Type %s", id, typ))
	}
}

// checkUnknown rejects properties outside allowed, naming unsupported ones explicitly.
func checkUnknown(id string, props map[string]any, allowed ...string) error {
	for _, name := range sortedKeys(props) {
		if !slices.Contains(allowed, name) {
			return invalid(fmt.Sprintf("property %s of resource %s is not supported by the local stand-in", name, id))
		}
	}
	return nil
}

// literalName validates a name property that is either a literal string or an expression.
func literalName(id, prop, what string, v any, valid func(string, string) error) error {
	if s, ok := v.(string); ok {
		if err := valid(what, s); err != nil {
			return invalid(fmt.Sprintf("%v in resource %s", err, id))
		}
		return nil
	}
	if _, _, ok := intrinsic(v); !ok {
		return invalid(fmt.Sprintf("%s of resource %s must be a string or an intrinsic function", prop, id))
	}
	return nil
}

// addThing records the template's thing resource.
func (t *Template) addThing(id string, props map[string]any, overrides any) error {
	if t.thing != nil {
		return formatError(fmt.Sprintf("resources %s and %s both declare %s; only one is allowed", t.thing.logicalID, id, TypeThing))
	}
	if err := checkUnknown(id, props, "ThingName", "AttributePayload", "ThingTypeName", "ThingGroups", "BillingGroup"); err != nil {
		return err
	}
	name, ok := props["ThingName"]
	if !ok || name == nil {
		return invalid(fmt.Sprintf("ThingName is missing from resource %s", id))
	}
	if err := literalName(id, "ThingName", "thing name", name, validName); err != nil {
		return err
	}
	th := &thingResource{logicalID: id, name: name}
	if raw, ok := props["AttributePayload"]; ok && raw != nil {
		attrs, ok := raw.(map[string]any)
		if _, _, isFn := intrinsic(raw); !ok || isFn {
			return invalid(fmt.Sprintf("AttributePayload of resource %s must be a JSON object of attribute names and values", id))
		}
		th.attributes = attrs
	}
	if v, ok := props["ThingTypeName"]; ok && v != nil {
		if err := literalName(id, "ThingTypeName", "thing type name", v, validName); err != nil {
			return err
		}
		th.typeName = v
	}
	if v, ok := props["BillingGroup"]; ok && v != nil {
		if err := literalName(id, "BillingGroup", "billing group name", v, validName); err != nil {
			return err
		}
		th.billingGroup = v
	}
	if v, ok := props["ThingGroups"]; ok && v != nil {
		if err := checkGroups(id, v); err != nil {
			return err
		}
		th.groups = v
	}
	o, err := parseThingOverrides(id, overrides)
	if err != nil {
		return err
	}
	th.overrides = o
	t.thing = th
	return nil
}

// checkGroups validates ThingGroups: a list of names or expressions, or one expression giving a list.
func checkGroups(id string, v any) error {
	if _, _, ok := intrinsic(v); ok {
		return nil
	}
	list, ok := v.([]any)
	if !ok {
		return invalid(fmt.Sprintf("ThingGroups of resource %s must be a list of thing group names", id))
	}
	for _, g := range list {
		if err := literalName(id, "ThingGroups", "thing group name", g, validName); err != nil {
			return err
		}
	}
	return nil
}

// addCertificate records the template's certificate resource.
func (t *Template) addCertificate(id string, props map[string]any) error {
	if t.cert != nil {
		return formatError(fmt.Sprintf("resources %s and %s both declare %s; only one is allowed", t.cert.logicalID, id, TypeCertificate))
	}
	for _, p := range []string{"CertificateSigningRequest", "CertificatePem", "CACertificatePem"} {
		if _, ok := props[p]; ok {
			return invalid(fmt.Sprintf("resource %s uses %s: you must use CertificateId in a template that's used for JIT provisioning", id, p))
		}
	}
	if err := checkUnknown(id, props, "CertificateId", "Status"); err != nil {
		return err
	}
	cid, ok := props["CertificateId"]
	if !ok || cid == nil {
		return invalid(fmt.Sprintf("CertificateId is missing from resource %s: you must use CertificateId in a template that's used for JIT provisioning", id))
	}
	c := &certResource{logicalID: id, id: cid}
	if st, ok := props["Status"]; ok && st != nil {
		if s, ok := st.(string); ok {
			if _, err := normalStatus(s); err != nil {
				return invalid(fmt.Sprintf("%v in resource %s", err, id))
			}
		}
		c.status = st
	}
	t.cert = c
	return nil
}

// addPolicy records one policy resource; a literal PolicyDocument object becomes its string form in props.
func (t *Template) addPolicy(id string, props map[string]any) error {
	if err := checkUnknown(id, props, "PolicyName", "PolicyDocument"); err != nil {
		return err
	}
	name, hasName := props["PolicyName"]
	doc, hasDoc := props["PolicyDocument"]
	hasName, hasDoc = hasName && name != nil, hasDoc && doc != nil
	switch {
	case !hasName && !hasDoc:
		return invalid("Neither policyName nor policyDocument is present in the Template.")
	case hasName && hasDoc:
		return invalid("Both policyName and policyDocument are present in the Template.")
	}
	p := policyResource{logicalID: id}
	if hasName {
		if err := literalName(id, "PolicyName", "policy name", name, func(_, s string) error { return validPolicyName(s) }); err != nil {
			return err
		}
		p.name = name
	} else {
		d, err := literalDocument(id, doc)
		if err != nil {
			return err
		}
		if s, ok := d.(string); ok {
			props["PolicyDocument"] = s
		}
		p.document = d
	}
	t.policies = append(t.policies, p)
	return nil
}
