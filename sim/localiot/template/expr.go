package template

import (
	"encoding/json"
	"fmt"
	"strings"
)

// Intrinsic function names understood by the stand-in: Ref and the five AWS documents for
// provisioning templates.
const (
	fnRef       = "Ref"
	fnJoin      = "Fn::Join"
	fnSelect    = "Fn::Select"
	fnSplit     = "Fn::Split"
	fnSub       = "Fn::Sub"
	fnFindInMap = "Fn::FindInMap"
)

// supportedFunctions is the list AWS-style error messages name.
const supportedFunctions = "[Fn::FindInMap, Fn::Join, Fn::Select, Fn::Split, Fn::Sub, Ref]"

// intrinsic reports whether v is an intrinsic function call: an object with the single key Ref or Fn::*.
func intrinsic(v any) (fn string, arg any, ok bool) {
	m, isMap := v.(map[string]any)
	if !isMap || len(m) != 1 {
		return "", nil, false
	}
	for k, a := range m {
		if k == fnRef || strings.HasPrefix(k, "Fn::") {
			return k, a, true
		}
	}
	return "", nil, false
}

// evaluator resolves expressions against the parameter values of one certificate.
type evaluator struct {
	params   map[string]string
	mappings map[string]any
}

// eval evaluates intrinsic functions anywhere inside v and returns the resolved value: a
// string, number, boolean, list or object. Errors are ClientError provisioning errors.
func (e *evaluator) eval(v any) (any, error) {
	if fn, arg, ok := intrinsic(v); ok {
		switch fn {
		case fnRef:
			name, _ := arg.(string)
			val, ok := e.params[name]
			if !ok {
				return nil, clientErr(fmt.Sprintf("parameter %s has no value", name))
			}
			return val, nil
		case fnJoin:
			return e.join(arg)
		case fnSelect:
			return e.selectFn(arg)
		case fnSplit:
			return e.split(arg)
		case fnSub:
			return e.sub(arg)
		case fnFindInMap:
			return e.findInMap(arg)
		default:
			return nil, clientErr("unsupported intrinsic function " + fn)
		}
	}
	switch x := v.(type) {
	case map[string]any:
		out := make(map[string]any, len(x))
		for k, sub := range x {
			r, err := e.eval(sub)
			if err != nil {
				return nil, err
			}
			out[k] = r
		}
		return out, nil
	case []any:
		out := make([]any, len(x))
		for i, sub := range x {
			r, err := e.eval(sub)
			if err != nil {
				return nil, err
			}
			out[i] = r
		}
		return out, nil
	}
	return v, nil
}

// evalString evaluates v and requires a string (or number) result; what names the value for errors.
func (e *evaluator) evalString(v any, what string) (string, error) {
	r, err := e.eval(v)
	if err != nil {
		return "", err
	}
	switch s := r.(type) {
	case string:
		return s, nil
	case json.Number:
		return s.String(), nil
	}
	return "", clientErr(what + " must evaluate to a string")
}

// evalList evaluates v and requires a list of strings; what names the value for errors.
func (e *evaluator) evalList(v any, what string) ([]string, error) {
	r, err := e.eval(v)
	if err != nil {
		return nil, err
	}
	items, ok := r.([]any)
	if !ok {
		return nil, clientErr(what + " must evaluate to a list")
	}
	out := make([]string, len(items))
	for i, it := range items {
		s, ok := scalarString(it)
		if !ok {
			return nil, clientErr(what + " must be a list of strings")
		}
		out[i] = s
	}
	return out, nil
}
