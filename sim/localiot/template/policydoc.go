package template

import (
	"bytes"
	"encoding/json"
	"fmt"

	"github.com/jitpsim/jitpsim/sim/localiot/policy"
)

// literalDocument normalises a PolicyDocument given as an escaped string or a JSON object to
// compact JSON text and checks that it is a valid AWS IoT policy; an intrinsic function is
// kept as an expression for Provision.
func literalDocument(id string, doc any) (any, error) {
	if _, _, ok := intrinsic(doc); ok {
		return doc, nil
	}
	var text string
	switch d := doc.(type) {
	case string:
		text = d
	case map[string]any:
		b, err := marshalNoEscape(d)
		if err != nil {
			return nil, invalid(fmt.Sprintf("PolicyDocument of resource %s: %v", id, err))
		}
		text = string(b)
	default:
		return nil, invalid(fmt.Sprintf("PolicyDocument of resource %s must be a JSON object or an escaped JSON string", id))
	}
	s, err := compactDocument(text)
	if err != nil {
		return nil, invalid(fmt.Sprintf("PolicyDocument of resource %s is not a JSON object: %v", id, err))
	}
	if _, err := policy.Parse([]byte(s)); err != nil {
		return nil, invalid(fmt.Sprintf("PolicyDocument of resource %s: %v", id, err))
	}
	return s, nil
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
