package template

import (
	"fmt"
	"strings"
)

// sub evaluates Fn::Sub: "text with ${Param}" or ["text with ${Var}", {"Var": value}]. A
// variable is looked up in the map first, then among the parameters; ${!Literal} stands for
// the text ${Literal}.
func (e *evaluator) sub(arg any) (any, error) {
	text, varsRaw, err := subArgs(arg)
	if err != nil {
		return nil, clientErr(err.Error())
	}
	vars := make(map[string]string, len(varsRaw))
	for name, v := range varsRaw {
		s, err := e.evalString(v, "Fn::Sub variable "+name)
		if err != nil {
			return nil, err
		}
		vars[name] = s
	}
	var missing string
	out := substitute(text, func(name string) (string, bool) {
		if v, ok := vars[name]; ok {
			return v, true
		}
		if v, ok := e.params[name]; ok {
			return v, true
		}
		missing = name
		return "", false
	})
	if missing != "" {
		return nil, clientErr(fmt.Sprintf("Fn::Sub variable %s has no value", missing))
	}
	return out, nil
}

// subArgs splits the argument of Fn::Sub into its text and its variable map (nil in the one-argument form).
func subArgs(arg any) (string, map[string]any, error) {
	switch a := arg.(type) {
	case string:
		return a, nil, nil
	case []any:
		if len(a) == 2 {
			text, ok1 := a[0].(string)
			vars, ok2 := a[1].(map[string]any)
			if ok1 && ok2 {
				return text, vars, nil
			}
		}
	}
	return "", nil, fmt.Errorf("Fn::Sub takes a string, or a list of a string and an object of variables")
}

// substitute replaces every ${name} in text using lookup and turns ${!x} into ${x}; it stops
// at the first name lookup cannot resolve. A "${" without "}" is kept as text.
func substitute(text string, lookup func(string) (string, bool)) string {
	var b strings.Builder
	for {
		i := strings.Index(text, "${")
		if i < 0 {
			b.WriteString(text)
			return b.String()
		}
		b.WriteString(text[:i])
		rest := text[i+2:]
		if strings.HasPrefix(rest, "!") {
			b.WriteString("${")
			text = rest[1:]
			continue
		}
		end := strings.IndexByte(rest, '}')
		if end < 0 {
			b.WriteString(text[i:])
			return b.String()
		}
		v, ok := lookup(strings.TrimSpace(rest[:end]))
		if !ok {
			return b.String()
		}
		b.WriteString(v)
		text = rest[end+1:]
	}
}

// subVarNames returns the variable names an Fn::Sub text refers to, for parse-time checks.
func subVarNames(text string) []string {
	var names []string
	substitute(text, func(name string) (string, bool) {
		names = append(names, name)
		return "", true
	})
	return names
}
