package template

import (
	"fmt"
)

// checker validates expressions when a template is parsed, so that errors AWS would report at
// registration (an undeclared parameter, an unknown function, a malformed call) surface then.
type checker struct {
	declared map[string]bool
	mappings map[string]any
}

// check validates every expression inside v.
func (c *checker) check(v any) error {
	if fn, arg, ok := intrinsic(v); ok {
		return c.checkCall(fn, arg)
	}
	switch x := v.(type) {
	case map[string]any:
		for _, k := range sortedKeys(x) {
			if err := c.check(x[k]); err != nil {
				return err
			}
		}
	case []any:
		for _, e := range x {
			if err := c.check(e); err != nil {
				return err
			}
		}
	}
	return nil
}

// checkCall validates one intrinsic function call.
func (c *checker) checkCall(fn string, arg any) error {
	switch fn {
	case fnRef:
		name, ok := arg.(string)
		if !ok {
			return fmt.Errorf("Ref must name a parameter")
		}
		if !c.declared[name] {
			return fmt.Errorf("Unresolved resource dependencies [%s] in the Resources block of the template", name)
		}
		return nil
	case fnJoin:
		args, err := listArgs(fn, arg, 2, "a delimiter and a list of values")
		if err != nil {
			return err
		}
		if _, ok := args[0].(string); !ok {
			return fmt.Errorf("the Fn::Join delimiter must be a string")
		}
		return c.checkList(fn, args[1])
	case fnSelect:
		args, err := listArgs(fn, arg, 2, "an index and a list of values")
		if err != nil {
			return err
		}
		if err := selectIndexLiteral(args[0]); err != nil {
			return err
		}
		if err := c.check(args[0]); err != nil {
			return err
		}
		return c.checkList(fn, args[1])
	case fnSplit:
		args, err := listArgs(fn, arg, 2, "a delimiter and a source string")
		if err != nil {
			return err
		}
		if d, ok := args[0].(string); !ok || d == "" {
			return fmt.Errorf("the Fn::Split delimiter must be a non-empty string")
		}
		return c.checkText(fn, args[1])
	case fnSub:
		return c.checkSub(arg)
	case fnFindInMap:
		return c.checkFindInMap(arg)
	}
	return fmt.Errorf("Encountered unsupported function: %s Supported functions are: %s", fn, supportedFunctions)
}

// listArgs requires arg to be a list of n arguments.
func listArgs(fn string, arg any, n int, what string) ([]any, error) {
	args, ok := arg.([]any)
	if !ok || len(args) != n {
		return nil, fmt.Errorf("%s takes a list of %s", fn, what)
	}
	return args, nil
}

// checkList requires v to be a list or a function (whose result is checked when provisioning).
func (c *checker) checkList(fn string, v any) error {
	if _, _, ok := intrinsic(v); !ok {
		if _, ok := v.([]any); !ok {
			return fmt.Errorf("the %s values must be a list", fn)
		}
	}
	return c.check(v)
}

// checkText requires v to be a string or a function.
func (c *checker) checkText(fn string, v any) error {
	if _, _, ok := intrinsic(v); !ok {
		if _, ok := scalarString(v); !ok {
			return fmt.Errorf("the %s source must be a string", fn)
		}
	}
	return c.check(v)
}

// checkSub validates Fn::Sub: every ${name} must be a declared parameter or a key of the
// variable map.
func (c *checker) checkSub(arg any) error {
	text, vars, err := subArgs(arg)
	if err != nil {
		return err
	}
	for _, name := range sortedKeys(vars) {
		if err := c.check(vars[name]); err != nil {
			return err
		}
	}
	for _, name := range subVarNames(text) {
		if _, ok := vars[name]; !ok && !c.declared[name] {
			return fmt.Errorf("Unresolved resource dependencies [%s] in the Resources block of the template", name)
		}
	}
	return nil
}

// checkFindInMap validates Fn::FindInMap; literal names must exist in Mappings.
func (c *checker) checkFindInMap(arg any) error {
	args, err := listArgs(fnFindInMap, arg, 3, "a map name, a top-level key and a second-level key")
	if err != nil {
		return err
	}
	for _, a := range args {
		if err := c.checkText(fnFindInMap, a); err != nil {
			return err
		}
	}
	name, ok := args[0].(string)
	if !ok {
		return nil
	}
	top, ok := c.mappings[name].(map[string]any)
	if !ok {
		return fmt.Errorf("Mapping named '%s' is not present in the 'Mappings' section of template", name)
	}
	k1, ok1 := args[1].(string)
	k2, ok2 := args[2].(string)
	if ok1 && ok2 {
		second, ok := top[k1].(map[string]any)
		if !ok {
			return fmt.Errorf("mapping %s has no key %s", name, k1)
		}
		if _, ok := second[k2]; !ok {
			return fmt.Errorf("mapping %s has no key %s.%s", name, k1, k2)
		}
	}
	return nil
}
