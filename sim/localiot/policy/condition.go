package policy

import (
	"fmt"
	"sort"
	"strconv"
	"strings"
)

// opKind groups condition operators by how they compare.
type opKind uint8

// Operator kinds.
const (
	opString  opKind = iota // String*, Arn*: text comparison
	opNumeric               // Numeric*: numbers
	opBool                  // Bool: "true" / "false"
	opNull                  // Null: whether the key is present
)

// operator describes one condition operator.
type operator struct {
	kind   opKind
	fold   bool   // compare ignoring case
	like   bool   // values may use * and ?
	negate bool   // the Not form: true when no value matches
	cmp    string // numeric comparison: = < <= > >=
}

// operators are the supported condition operators, by lower-case name without qualifier or IfExists.
var operators = map[string]operator{
	"stringequals":              {kind: opString},
	"stringnotequals":           {kind: opString, negate: true},
	"stringequalsignorecase":    {kind: opString, fold: true},
	"stringnotequalsignorecase": {kind: opString, fold: true, negate: true},
	"stringlike":                {kind: opString, like: true},
	"stringnotlike":             {kind: opString, like: true, negate: true},
	"arnequals":                 {kind: opString, like: true},
	"arnlike":                   {kind: opString, like: true},
	"arnnotequals":              {kind: opString, like: true, negate: true},
	"arnnotlike":                {kind: opString, like: true, negate: true},
	"numericequals":             {kind: opNumeric, cmp: "="},
	"numericnotequals":          {kind: opNumeric, cmp: "=", negate: true},
	"numericlessthan":           {kind: opNumeric, cmp: "<"},
	"numericlessthanequals":     {kind: opNumeric, cmp: "<="},
	"numericgreaterthan":        {kind: opNumeric, cmp: ">"},
	"numericgreaterthanequals":  {kind: opNumeric, cmp: ">="},
	"bool":                      {kind: opBool},
	"null":                      {kind: opNull},
}

// qualifier is the set operator prefix of a condition.
type qualifier uint8

// Qualifiers.
const (
	qualNone qualifier = iota
	qualAny            // ForAnyValue:
	qualAll            // ForAllValues:
)

// condition is one key of one operator of a Condition block.
type condition struct {
	name     string // operator as written, for errors
	op       operator
	qual     qualifier
	ifExists bool
	key      string
	values   []pattern
}

// parseConditions reads a Condition block: {"Operator": {"key": value or [values]}}.
func parseConditions(raw any, vars bool) ([]condition, error) {
	block, ok := raw.(map[string]any)
	if !ok {
		return nil, malformed("Condition must be a JSON object")
	}
	var out []condition
	for _, name := range sortedKeys(block) {
		op, qual, ifExists, err := parseOperator(name)
		if err != nil {
			return nil, err
		}
		keys, ok := block[name].(map[string]any)
		if !ok {
			return nil, malformed(fmt.Sprintf("condition operator %s must map keys to values", name))
		}
		for _, key := range sortedKeys(keys) {
			vals, err := stringList(keys[key], "value of condition key "+key)
			if err != nil {
				return nil, err
			}
			c := condition{name: name, op: op, qual: qual, ifExists: ifExists, key: key}
			for _, v := range vals {
				p := compile(v, op.like, vars)
				if err := c.checkValue(p); err != nil {
					return nil, err
				}
				c.values = append(c.values, p)
			}
			out = append(out, c)
		}
	}
	return out, nil
}

// parseOperator splits "ForAnyValue:StringLikeIfExists" into its parts.
func parseOperator(name string) (operator, qualifier, bool, error) {
	base, qual := name, qualNone
	if q, rest, found := strings.Cut(name, ":"); found {
		switch strings.ToLower(q) {
		case "foranyvalue":
			qual = qualAny
		case "forallvalues":
			qual = qualAll
		default:
			return operator{}, 0, false, malformed("unknown condition qualifier " + q)
		}
		base = rest
	}
	lower := strings.ToLower(base)
	ifExists := strings.HasSuffix(lower, "ifexists") && lower != "ifexists"
	if ifExists {
		lower = strings.TrimSuffix(lower, "ifexists")
	}
	op, ok := operators[lower]
	if !ok {
		return operator{}, 0, false, malformed("condition operator " + name + " is not supported by the local stand-in")
	}
	if op.kind == opNull && (ifExists || qual != qualNone) {
		return operator{}, 0, false, malformed("condition operator " + name + " is not valid")
	}
	return op, qual, ifExists, nil
}

// checkValue rejects literal values the operator cannot compare.
func (c *condition) checkValue(p pattern) error {
	if p.hasVars {
		return nil
	}
	s, _ := p.text(nil)
	switch c.op.kind {
	case opNumeric:
		if _, err := strconv.ParseFloat(s, 64); err != nil {
			return malformed(fmt.Sprintf("value %q of condition %s is not a number", s, c.name))
		}
	case opBool, opNull:
		if !strings.EqualFold(s, "true") && !strings.EqualFold(s, "false") {
			return malformed(fmt.Sprintf("value %q of condition %s must be true or false", s, c.name))
		}
	}
	return nil
}

// eval reports whether the condition holds for vars; ok is false when a value uses a variable
// that vars cannot resolve, which makes the whole statement not match.
func (c *condition) eval(vars Variables) (holds, ok bool) {
	ctx, present := vars.Lookup(c.key)
	if c.op.kind == opNull {
		want, _ := c.values[0].text(vars)
		return strings.EqualFold(want, "true") != present, true
	}
	if !present {
		switch {
		case c.ifExists, c.qual == qualAll:
			return true, true
		case c.qual == qualAny:
			return false, true
		default:
			return c.op.negate, true
		}
	}
	// The context is single-valued, so ForAnyValue and ForAllValues reduce to one comparison.
	matched, ok := c.anyValueMatches(ctx, vars)
	if !ok {
		return false, false
	}
	return matched != c.op.negate, true
}

// anyValueMatches reports whether ctx matches at least one of the condition's values.
func (c *condition) anyValueMatches(ctx string, vars Variables) (bool, bool) {
	for i := range c.values {
		v := &c.values[i]
		switch c.op.kind {
		case opString:
			if c.op.like {
				m, ok := v.matches(ctx, vars, c.op.fold)
				if !ok {
					return false, false
				}
				if m {
					return true, true
				}
				continue
			}
			s, ok := v.text(vars)
			if !ok {
				return false, false
			}
			if s == ctx || (c.op.fold && strings.EqualFold(s, ctx)) {
				return true, true
			}
		case opBool:
			s, ok := v.text(vars)
			if !ok {
				return false, false
			}
			if strings.EqualFold(s, ctx) {
				return true, true
			}
		case opNumeric:
			s, ok := v.text(vars)
			if !ok {
				return false, false
			}
			if numericHolds(c.op.cmp, ctx, s) {
				return true, true
			}
		}
	}
	return false, true
}

// numericHolds compares the context value with a condition value; non-numbers never match.
func numericHolds(cmp, ctx, val string) bool {
	a, err1 := strconv.ParseFloat(ctx, 64)
	b, err2 := strconv.ParseFloat(val, 64)
	if err1 != nil || err2 != nil {
		return false
	}
	switch cmp {
	case "<":
		return a < b
	case "<=":
		return a <= b
	case ">":
		return a > b
	case ">=":
		return a >= b
	}
	return a == b
}

// sortedKeys returns the keys of m in order, so parsing and errors are deterministic.
func sortedKeys(m map[string]any) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
