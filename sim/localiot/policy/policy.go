package policy

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
)

// Policy language versions.
const (
	// Version2012 enables policy variables.
	Version2012 = "2012-10-17"
	// Version2008 is the older language without policy variables.
	Version2008 = "2008-10-17"
)

// Policy is a parsed AWS IoT policy document; it is immutable and safe for concurrent use.
type Policy struct {
	version    string
	statements []statement
}

// statement is one parsed Statement entry.
type statement struct {
	sid         string
	deny        bool
	notAction   bool
	actions     []pattern
	notResource bool
	resources   []pattern
	conditions  []condition
}

// Version returns the document's Version, or "" when it has none.
func (p *Policy) Version() string { return p.version }

// Statements returns the number of statements in the document.
func (p *Policy) Statements() int { return len(p.statements) }

// Parse parses a policy document. Errors are *MalformedError values.
func Parse(doc []byte) (*Policy, error) {
	dec := json.NewDecoder(bytes.NewReader(doc))
	dec.UseNumber()
	var top any
	if err := dec.Decode(&top); err != nil {
		return nil, malformed("not valid JSON: " + err.Error())
	}
	if len(bytes.TrimSpace(doc[dec.InputOffset():])) > 0 {
		return nil, malformed("unexpected data after the JSON object")
	}
	obj, ok := top.(map[string]any)
	if !ok {
		return nil, malformed("the document must be a JSON object")
	}
	p := &Policy{}
	for _, k := range sortedKeys(obj) {
		switch k {
		case "Version":
			v, ok := obj[k].(string)
			if !ok || (v != Version2012 && v != Version2008) {
				return nil, malformed(fmt.Sprintf("Version must be %q or %q", Version2012, Version2008))
			}
			p.version = v
		case "Id", "Statement":
		default:
			return nil, malformed("unknown element " + k)
		}
	}
	raw, ok := obj["Statement"]
	if !ok {
		return nil, malformed("the Statement element is missing")
	}
	var list []any
	switch s := raw.(type) {
	case []any:
		list = s
	case map[string]any:
		list = []any{s}
	default:
		return nil, malformed("Statement must be an object or a list of objects")
	}
	vars := p.version == Version2012
	for i, s := range list {
		st, err := parseStatement(s, vars)
		if err != nil {
			if me, ok := err.(*MalformedError); ok {
				return nil, malformed(fmt.Sprintf("statement %d: %s", i+1, me.Msg))
			}
			return nil, err
		}
		p.statements = append(p.statements, st)
	}
	return p, nil
}

// parseStatement reads one statement object.
func parseStatement(raw any, vars bool) (statement, error) {
	obj, ok := raw.(map[string]any)
	if !ok {
		return statement{}, malformed("a statement must be a JSON object")
	}
	var st statement
	for _, k := range sortedKeys(obj) {
		switch k {
		case "Sid", "Effect", "Action", "NotAction", "Resource", "NotResource", "Condition":
		default:
			return statement{}, malformed("unknown element " + k)
		}
	}
	if sid, ok := obj["Sid"]; ok {
		if st.sid, ok = sid.(string); !ok {
			return statement{}, malformed("Sid must be a string")
		}
	}
	switch obj["Effect"] {
	case "Allow":
	case "Deny":
		st.deny = true
	default:
		return statement{}, malformed(`Effect must be "Allow" or "Deny"`)
	}

	actions, notAction, err := exclusive(obj, "Action", "NotAction")
	if err != nil {
		return statement{}, err
	}
	st.notAction = notAction
	for _, a := range actions {
		if a != "*" && !strings.Contains(a, ":") {
			return statement{}, malformed(fmt.Sprintf("action %q must be \"*\" or service:action", a))
		}
		st.actions = append(st.actions, compile(a, true, false))
	}

	resources, notResource, err := exclusive(obj, "Resource", "NotResource")
	if err != nil {
		return statement{}, err
	}
	st.notResource = notResource
	for _, r := range resources {
		st.resources = append(st.resources, compile(r, true, vars))
	}

	if c, ok := obj["Condition"]; ok {
		if st.conditions, err = parseConditions(c, vars); err != nil {
			return statement{}, err
		}
	}
	return st, nil
}

// exclusive reads exactly one of two list elements, such as Action and NotAction.
func exclusive(obj map[string]any, name, notName string) (vals []string, not bool, err error) {
	v, has := obj[name]
	nv, hasNot := obj[notName]
	switch {
	case has && hasNot:
		return nil, false, malformed(name + " and " + notName + " cannot both be present")
	case hasNot:
		vals, err = stringList(nv, notName)
		return vals, true, err
	case has:
		vals, err = stringList(v, name)
		return vals, false, err
	}
	return nil, false, malformed(name + " is missing")
}

// stringList reads a JSON string, number or boolean, or a non-empty list of them.
func stringList(raw any, what string) ([]string, error) {
	if s, ok := scalar(raw); ok {
		return []string{s}, nil
	}
	list, ok := raw.([]any)
	if !ok || len(list) == 0 {
		return nil, malformed(what + " must be a string or a non-empty list of strings")
	}
	out := make([]string, len(list))
	for i, e := range list {
		s, ok := scalar(e)
		if !ok {
			return nil, malformed(what + " must be a string or a non-empty list of strings")
		}
		out[i] = s
	}
	return out, nil
}

// scalar converts a JSON string, number or boolean to text.
func scalar(v any) (string, bool) {
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
