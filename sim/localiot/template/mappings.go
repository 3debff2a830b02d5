package template

import (
	"fmt"
	"slices"
)

// parseMappings validates the Mappings section: map name -> top-level key -> second-level key
// -> a string, number or boolean, or a list of them.
func parseMappings(raw any) (map[string]any, error) {
	if raw == nil {
		return nil, nil
	}
	maps, ok := raw.(map[string]any)
	if !ok {
		return nil, formatError("Mappings must be a JSON object")
	}
	for _, name := range sortedKeys(maps) {
		top, ok := maps[name].(map[string]any)
		if !ok {
			return nil, formatError(fmt.Sprintf("mapping %s must be a JSON object", name))
		}
		for _, k1 := range sortedKeys(top) {
			second, ok := top[k1].(map[string]any)
			if !ok {
				return nil, formatError(fmt.Sprintf("key %s of mapping %s must be a JSON object", k1, name))
			}
			for _, k2 := range sortedKeys(second) {
				if !mappingValue(second[k2]) {
					return nil, formatError(fmt.Sprintf("value %s.%s of mapping %s must be a string or a list of strings", k1, k2, name))
				}
			}
		}
	}
	return maps, nil
}

// mappingValue reports whether v may be a Mappings value.
func mappingValue(v any) bool {
	if _, ok := scalarString(v); ok {
		return true
	}
	list, ok := v.([]any)
	if !ok {
		return false
	}
	for _, e := range list {
		if _, ok := scalarString(e); !ok {
			return false
		}
	}
	return true
}

// findInMap evaluates Fn::FindInMap: ["MapName", "TopLevelKey", "SecondLevelKey"]; any of
// the three may be a function. A key that is not in the mapping is a provisioning error.
func (e *evaluator) findInMap(arg any) (any, error) {
	args, ok := arg.([]any)
	if !ok || len(args) != 3 {
		return nil, clientErr("Fn::FindInMap takes a list of a map name, a top-level key and a second-level key")
	}
	var keys [3]string
	for i, a := range args {
		s, err := e.evalString(a, "an Fn::FindInMap argument")
		if err != nil {
			return nil, err
		}
		keys[i] = s
	}
	top, ok := e.mappings[keys[0]].(map[string]any)
	if !ok {
		return nil, clientErr(fmt.Sprintf("Fn::FindInMap: mapping %s does not exist", keys[0]))
	}
	second, ok := top[keys[1]].(map[string]any)
	if !ok {
		return nil, clientErr(fmt.Sprintf("Fn::FindInMap: mapping %s has no key %s", keys[0], keys[1]))
	}
	v, ok := second[keys[2]]
	if !ok {
		return nil, clientErr(fmt.Sprintf("Fn::FindInMap: mapping %s has no key %s.%s", keys[0], keys[1], keys[2]))
	}
	if list, ok := v.([]any); ok {
		return slices.Clone(list), nil
	}
	return v, nil
}
