package template

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
)

// join evaluates Fn::Join: ["delimiter", [values...]]; the values may come from a function
// returning a list, such as Fn::Split.
func (e *evaluator) join(arg any) (any, error) {
	args, ok := arg.([]any)
	if !ok || len(args) != 2 {
		return nil, clientErr("Fn::Join takes a list of a delimiter and a list of values")
	}
	delim, ok := args[0].(string)
	if !ok {
		return nil, clientErr("the Fn::Join delimiter must be a string")
	}
	parts, err := e.evalList(args[1], "the Fn::Join values")
	if err != nil {
		return nil, err
	}
	return strings.Join(parts, delim), nil
}

// selectFn evaluates Fn::Select: [index, [values...]]. As AWS documents, an index out of
// range or a null value is a provisioning error.
func (e *evaluator) selectFn(arg any) (any, error) {
	args, ok := arg.([]any)
	if !ok || len(args) != 2 {
		return nil, clientErr("Fn::Select takes a list of an index and a list of values")
	}
	idxText, err := e.evalString(args[0], "the Fn::Select index")
	if err != nil {
		return nil, err
	}
	idx, err := strconv.Atoi(idxText)
	if err != nil {
		return nil, clientErr(fmt.Sprintf("the Fn::Select index %q is not an integer", idxText))
	}
	list, err := e.eval(args[1])
	if err != nil {
		return nil, err
	}
	items, ok := list.([]any)
	if !ok {
		return nil, clientErr("the Fn::Select values must be a list")
	}
	if idx < 0 || idx >= len(items) {
		return nil, clientErr(fmt.Sprintf("Fn::Select index %d is out of range for a list of %d values", idx, len(items)))
	}
	if items[idx] == nil {
		return nil, clientErr(fmt.Sprintf("Fn::Select index %d selects a null value", idx))
	}
	return items[idx], nil
}

// split evaluates Fn::Split: ["delimiter", "source string"] into a list of strings.
func (e *evaluator) split(arg any) (any, error) {
	args, ok := arg.([]any)
	if !ok || len(args) != 2 {
		return nil, clientErr("Fn::Split takes a list of a delimiter and a source string")
	}
	delim, ok := args[0].(string)
	if !ok || delim == "" {
		return nil, clientErr("the Fn::Split delimiter must be a non-empty string")
	}
	src, err := e.evalString(args[1], "the Fn::Split source")
	if err != nil {
		return nil, err
	}
	parts := strings.Split(src, delim)
	out := make([]any, len(parts))
	for i, p := range parts {
		out[i] = p
	}
	return out, nil
}

// selectIndexLiteral checks a literal Fn::Select index at parse time.
func selectIndexLiteral(v any) error {
	var text string
	switch x := v.(type) {
	case string:
		text = x
	case json.Number:
		text = x.String()
	default:
		if _, _, ok := intrinsic(v); ok {
			return nil
		}
		return fmt.Errorf("the Fn::Select index must be a string, a number or a function")
	}
	if n, err := strconv.Atoi(text); err != nil || n < 0 {
		return fmt.Errorf("the Fn::Select index %q is not a non-negative integer", text)
	}
	return nil
}
