package template

import (
	"encoding/json"
	"fmt"
	"sort"
	"strings"
)

// Intrinsic function names understood by the stand-in.
const (
	fnRef  = "Ref"
	fnJoin = "Fn::Join"
)

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

// checkRefs verifies that every Ref inside v names a declared parameter.
func checkRefs(v any, declared map[string]bool) error {
	if fn, arg, ok := intrinsic(v); ok && fn == fnRef {
		name, isStr := arg.(string)
		if !isStr {
			return fmt.Errorf("Ref must name a parameter")
		}
		if !declared[name] {
			return fmt.Errorf("unresolved resource dependencies [%s]", name)
		}
		return nil
	}
	switch x := v.(type) {
	case map[string]any:
		keys := make([]string, 0, len(x))
		for k := range x {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			if err := checkRefs(x[k], declared); err != nil {
				return err
			}
		}
	case []any:
		for _, e := range x {
			if err := checkRefs(e, declared); err != nil {
				return err
			}
		}
	}
	return nil
}

// evaluator resolves expressions against the parameter values of one certificate.
type evaluator struct {
	params map[string]string
}

// eval evaluates intrinsic functions anywhere inside v and returns the resolved value.
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

// join evaluates Fn::Join: ["delimiter", [values...]].
func (e *evaluator) join(arg any) (any, error) {
	args, ok := arg.([]any)
	if !ok || len(args) != 2 {
		return nil, clientErr("Fn::Join takes a list of a delimiter and a list of values")
	}
	delim, ok := args[0].(string)
	if !ok {
		return nil, clientErr("the Fn::Join delimiter must be a string")
	}
	list, err := e.eval(args[1])
	if err != nil {
		return nil, err
	}
	items, ok := list.([]any)
	if !ok {
		return nil, clientErr("the Fn::Join values must be a list")
	}
	parts := make([]string, len(items))
	for i, it := range items {
		s, ok := scalarString(it)
		if !ok {
			return nil, clientErr("Fn::Join values must be strings")
		}
		parts[i] = s
	}
	return strings.Join(parts, delim), nil
}

// evalString evaluates v and requires a string result; what names the property for errors.
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
