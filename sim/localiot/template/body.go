package template

import (
	"encoding/json"
	"fmt"
	"sort"
)

// Resource types a JITP template may declare.
const (
	// TypeThing declares a thing.
	TypeThing = "AWS::IoT::Thing"
	// TypeCertificate declares the device certificate being provisioned.
	TypeCertificate = "AWS::IoT::Certificate"
	// TypePolicy declares a policy to create or reuse and attach to the certificate.
	TypePolicy = "AWS::IoT::Policy"
)

// parseBody validates a decoded template body and builds the Template. Literal policy
// documents are turned into escaped strings first, so Body returns the form AWS keeps.
func parseBody(obj map[string]any, roleArn string) (*Template, error) {
	t := &Template{roleArn: roleArn}
	var err error
	if t.params, err = parseParameters(obj["Parameters"]); err != nil {
		return nil, err
	}
	if t.mappings, err = parseMappings(obj["Mappings"]); err != nil {
		return nil, err
	}
	c := &checker{declared: make(map[string]bool, len(t.params)), mappings: t.mappings}
	for _, p := range t.params {
		c.declared[p.name] = true
	}
	raw, ok := obj["Resources"]
	if !ok || raw == nil {
		return nil, formatError("the Resources section is missing")
	}
	resources, ok := raw.(map[string]any)
	if !ok {
		return nil, formatError("Resources must be a JSON object")
	}
	for _, id := range sortedKeys(resources) {
		if err := t.addResource(id, resources[id], c); err != nil {
			return nil, err
		}
	}
	if t.body, err = marshalNoEscape(obj); err != nil {
		return nil, formatError(err.Error())
	}
	if len(t.body) > maxBodyLen {
		return nil, invalid(fmt.Sprintf("templateBody is %d characters long; the limit is %d", len(t.body), maxBodyLen))
	}
	return t, nil
}

// parseParameters reads the Parameters section into a list sorted by name.
func parseParameters(raw any) ([]parameter, error) {
	if raw == nil {
		return nil, nil
	}
	obj, ok := raw.(map[string]any)
	if !ok {
		return nil, formatError("Parameters must be a JSON object")
	}
	params := make([]parameter, 0, len(obj))
	for _, name := range sortedKeys(obj) {
		decl, ok := obj[name].(map[string]any)
		if !ok {
			return nil, formatError(fmt.Sprintf("parameter %s must be a JSON object", name))
		}
		if typ, ok := decl["Type"]; ok {
			if s, ok := typ.(string); !ok || s != "String" {
				return nil, formatError(fmt.Sprintf("parameter %s has Type %v; only String is supported", name, typ))
			}
		}
		p := parameter{name: name}
		if def, ok := decl["Default"]; ok {
			s, ok := scalarString(def)
			if !ok {
				return nil, formatError(fmt.Sprintf("the Default of parameter %s must be a string", name))
			}
			p.hasDefault, p.def = true, s
		}
		params = append(params, p)
	}
	return params, nil
}

// scalarString converts a JSON string, number or boolean to its text.
func scalarString(v any) (string, bool) {
	switch x := v.(type) {
	case string:
		return x, true
	case json.Number:
		return x.String(), true
	case bool:
		if x {
			return "true", true
		}
		return "false", true
	}
	return "", false
}

// sortedKeys returns the keys of m in order, so that parsing and its errors are deterministic.
func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
