package template

import (
	"bytes"
	"encoding/json"
	"fmt"
	"sort"
)

// thingResource is a parsed AWS::IoT::Thing resource; name and attributes are unevaluated expressions.
type thingResource struct {
	logicalID  string
	name       any
	attributes map[string]any
}

// certResource is a parsed AWS::IoT::Certificate resource; status is nil when the template omits it.
type certResource struct {
	logicalID string
	id        any
	status    any
}

// policyResource is a parsed AWS::IoT::Policy resource; exactly one of name and document is set.
type policyResource struct {
	logicalID string
	name      any
	document  any
}

// overrideValues are the values AWS documents for OverrideSettings.
var overrideValues = map[string]bool{"DO_NOTHING": true, "REPLACE": true, "FAIL": true, "MERGE": true}

// addResource validates one entry of Resources and records it on t.
func (t *Template) addResource(id string, raw any, declared map[string]bool) error {
	res, ok := raw.(map[string]any)
	if !ok {
		return invalid(fmt.Sprintf("Template format error: resource %s must be a JSON object", id))
	}
	typ, _ := res["Type"].(string)
	props := map[string]any{}
	if p, ok := res["Properties"]; ok && p != nil {
		if props, ok = p.(map[string]any); !ok {
			return invalid(fmt.Sprintf("Template format error: Properties of resource %s must be a JSON object", id))
		}
	}
	if err := checkOverrides(id, res["OverrideSettings"]); err != nil {
		return err
	}
	for name, v := range props {
		if err := checkRefs(v, declared); err != nil {
			return invalid(fmt.Sprintf("Template format error: %v in property %s of resource %s", err, name, id))
		}
	}
	switch typ {
	case TypeThing:
		return t.addThing(id, props)
	case TypeCertificate:
		return t.addCertificate(id, props)
	case TypePolicy:
		return t.addPolicy(id, props)
	case "":
		return invalid(fmt.Sprintf("Template format error: resource %s has no Type", id))
	default:
		return invalid(fmt.Sprintf("Template format error: resource %s has unsupported Type %s", id, typ))
	}
}

// checkOverrides validates an OverrideSettings object; the stand-in accepts it and applies DO_NOTHING.
func checkOverrides(id string, raw any) error {
	if raw == nil {
		return nil
	}
	obj, ok := raw.(map[string]any)
	if !ok {
		return invalid(fmt.Sprintf("Template format error: OverrideSettings of resource %s must be a JSON object", id))
	}
	for k, v := range obj {
		s, _ := v.(string)
		if !overrideValues[s] {
			return invalid(fmt.Sprintf("Template format error: OverrideSettings %s of resource %s must be DO_NOTHING, REPLACE, FAIL or MERGE", k, id))
		}
	}
	return nil
}

// checkUnknown rejects properties outside allowed, naming unsupported ones explicitly.
func checkUnknown(id string, props map[string]any, allowed ...string) error {
	names := make([]string, 0, len(props))
	for name := range props {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		known := false
		for _, a := range allowed {
			known = known || a == name
		}
		if !known {
			return invalid(fmt.Sprintf("property %s of resource %s is not supported by the local stand-in", name, id))
		}
	}
	return nil
}

// addThing records the template's thing resource.
func (t *Template) addThing(id string, props map[string]any) error {
	if t.thing != nil {
		return invalid(fmt.Sprintf("Template format error: resources %s and %s both declare %s; only one is allowed", t.thing.logicalID, id, TypeThing))
	}
	if err := checkUnknown(id, props, "ThingName", "AttributePayload"); err != nil {
		return err
	}
	name, ok := props["ThingName"]
	if !ok || name == nil {
		return invalid(fmt.Sprintf("ThingName is missing from resource %s", id))
	}
	if s, ok := name.(string); ok {
		if err := validThingName(s); err != nil {
			return invalid(err.Error())
		}
	} else if _, _, ok := intrinsic(name); !ok {
		return invalid(fmt.Sprintf("ThingName of resource %s must be a string or an intrinsic function", id))
	}
	th := &thingResource{logicalID: id, name: name}
	if raw, ok := props["AttributePayload"]; ok && raw != nil {
		attrs, ok := raw.(map[string]any)
		if _, _, isFn := intrinsic(raw); !ok || isFn {
			return invalid(fmt.Sprintf("AttributePayload of resource %s must be a JSON object of attribute names and values", id))
		}
		th.attributes = attrs
	}
	t.thing = th
	return nil
}

// addCertificate records the template's certificate resource.
func (t *Template) addCertificate(id string, props map[string]any) error {
	if t.cert != nil {
		return invalid(fmt.Sprintf("Template format error: resources %s and %s both declare %s; only one is allowed", t.cert.logicalID, id, TypeCertificate))
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

// addPolicy records one policy resource.
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
		if s, ok := name.(string); ok {
			if err := validPolicyName(s); err != nil {
				return invalid(err.Error())
			}
		} else if _, _, ok := intrinsic(name); !ok {
			return invalid(fmt.Sprintf("PolicyName of resource %s must be a string", id))
		}
		p.name = name
	} else {
		d, err := literalDocument(id, doc)
		if err != nil {
			return err
		}
		p.document = d
	}
	t.policies = append(t.policies, p)
	return nil
}

// literalDocument normalises a PolicyDocument given as an escaped string or a JSON object to
// compact JSON text; an intrinsic function is kept as an expression for Provision.
func literalDocument(id string, doc any) (any, error) {
	if _, _, ok := intrinsic(doc); ok {
		return doc, nil
	}
	switch d := doc.(type) {
	case string:
		s, err := compactDocument(d)
		if err != nil {
			return nil, invalid(fmt.Sprintf("PolicyDocument of resource %s is not a JSON object: %v", id, err))
		}
		return s, nil
	case map[string]any:
		b, err := marshalNoEscape(d)
		if err != nil {
			return nil, invalid(fmt.Sprintf("PolicyDocument of resource %s: %v", id, err))
		}
		return string(b), nil
	}
	return nil, invalid(fmt.Sprintf("PolicyDocument of resource %s must be a JSON object or an escaped JSON string", id))
}

// compactDocument checks that s holds one JSON object and returns it compacted.
func compactDocument(s string) (string, error) {
	var v any
	if err := json.Unmarshal([]byte(s), &v); err != nil {
		return "", err
	}
	if _, ok := v.(map[string]any); !ok {
		return "", fmt.Errorf("a policy document must be a JSON object")
	}
	var buf bytes.Buffer
	if err := json.Compact(&buf, []byte(s)); err != nil {
		return "", err
	}
	return buf.String(), nil
}
