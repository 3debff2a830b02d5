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

// parseBody validates a decoded template body and builds the Template.
func parseBody(obj map[string]any, roleArn string) (*Template, error) {
	body, err := marshalNoEscape(obj)
	if err != nil {
		return nil, invalid("Template format error: " + err.Error())
	}
	if len(body) > maxBodyLen {
		return nil, invalid(fmt.Sprintf("templateBody is %d characters long; the limit is %d", len(body), maxBodyLen))
	}
	t := &Template{roleArn: roleArn, body: body}
	if t.params, err = parseParameters(obj["Parameters"]); err != nil {
		return nil, err
	}
	declared := make(map[string]bool, len(t.params))
	for _, p := range t.params {
		declared[p.name] = true
	}
	raw, ok := obj["Resources"]
	if !ok || raw == nil {
		return nil, invalid("Template format error: the Resources section is missing")
	}
	resources, ok := raw.(map[string]any)
	if !ok {
		return nil, invalid("Template format error: Resources must be a JSON object")
	}
	ids := make([]string, 0, len(resources))
	for id := range resources {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	for _, id := range ids {
		if err := t.addResource(id, resources[id], declared); err != nil {
			return nil, err
		}
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
		return nil, invalid("Template format error: Parameters must be a JSON object")
	}
	params := make([]parameter, 0, len(obj))
	for name, v := range obj {
		decl, ok := v.(map[string]any)
		if !ok {
			return nil, invalid(fmt.Sprintf("Template format error: parameter %s must be a JSON object", name))
		}
		if typ, ok := decl["Type"]; ok {
			if s, ok := typ.(string); !ok || s != "String" {
				return nil, invalid(fmt.Sprintf("Template format error: parameter %s has Type %v; only String is supported", name, typ))
			}
		}
		p := parameter{name: name}
		if def, ok := decl["Default"]; ok {
			s, ok := scalarString(def)
			if !ok {
				return nil, invalid(fmt.Sprintf("Template format error: the Default of parameter %s must be a string", name))
			}
			p.hasDefault, p.def = true, s
		}
		params = append(params, p)
	}
	sort.Slice(params, func(i, j int) bool { return params[i].name < params[j].name })
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
