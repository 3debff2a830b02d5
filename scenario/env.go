package scenario

import (
	"fmt"
	"os"
	"strings"

	"gopkg.in/yaml.v3"
)

// lookupEnv reads the environment for ${VAR} substitution; tests replace it.
var lookupEnv = os.LookupEnv

// substituteEnv replaces ${VAR} and ${VAR:-default} in every scalar value of
// the YAML tree, never in keys, before the tree is decoded, so endpoints and
// secrets can come from the environment. An unset variable without a default
// is an error naming the value's line and field. A substituted plain scalar
// is typed again from its new text, so rate: ${RATE} decodes as a number.
func (d *decoder) substituteEnv(n *yaml.Node, path string) error {
	switch n.Kind {
	case yaml.DocumentNode:
		for _, c := range n.Content {
			if err := d.substituteEnv(c, path); err != nil {
				return err
			}
		}
	case yaml.MappingNode:
		for i := 0; i+1 < len(n.Content); i += 2 {
			if err := d.substituteEnv(n.Content[i+1], join(path, n.Content[i].Value)); err != nil {
				return err
			}
		}
	case yaml.SequenceNode:
		for i, c := range n.Content {
			if err := d.substituteEnv(c, fmt.Sprintf("%s[%d]", path, i)); err != nil {
				return err
			}
		}
	case yaml.ScalarNode:
		if !strings.Contains(n.Value, "${") {
			return nil
		}
		v, err := expandVars(n.Value, lookupEnv)
		if err != nil {
			return d.located(n, path, "%v", err)
		}
		n.Value = v
		if n.Style&(yaml.TaggedStyle|yaml.DoubleQuotedStyle|yaml.SingleQuotedStyle|yaml.LiteralStyle|yaml.FoldedStyle) == 0 {
			n.Tag = "" // resolve the type again from the substituted text
		}
	}
	return nil
}

// expandVars replaces ${NAME} with the variable's value and ${NAME:-default}
// with the value, or default when the variable is unset or empty. NAME is a
// letter or underscore followed by letters, digits or underscores; anything
// else after ${ (such as an AWS IoT policy variable ${iot:ClientId}) is kept
// as written, and $${ writes a literal ${.
func expandVars(s string, lookup func(string) (string, bool)) (string, error) {
	var b strings.Builder
	for {
		i := strings.Index(s, "${")
		if i < 0 {
			b.WriteString(s)
			return b.String(), nil
		}
		if i > 0 && s[i-1] == '$' { // $${ is an escaped ${
			b.WriteString(s[:i-1])
			b.WriteString("${")
			s = s[i+2:]
			continue
		}
		b.WriteString(s[:i])
		rest := s[i+2:]
		n := nameLen(rest)
		if n == 0 {
			b.WriteString("${")
			s = rest
			continue
		}
		name, after := rest[:n], rest[n:]
		switch {
		case strings.HasPrefix(after, "}"):
			v, ok := lookup(name)
			if !ok {
				return "", fmt.Errorf("environment variable %s is not set (set it, or give a default: ${%s:-value})", name, name)
			}
			b.WriteString(v)
			s = after[1:]
		case strings.HasPrefix(after, ":-"):
			end := strings.IndexByte(after, '}')
			if end < 0 {
				return "", fmt.Errorf("unclosed ${%s:-...: add the closing }", name)
			}
			v, ok := lookup(name)
			if !ok || v == "" {
				v = after[2:end]
			}
			b.WriteString(v)
			s = after[end+1:]
		case after == "":
			return "", fmt.Errorf("unclosed ${%s: add the closing }", name)
		default: // not our syntax, such as ${iot:ClientId}: keep it
			b.WriteString("${")
			s = rest
		}
	}
}

// nameLen returns the length of the variable name at the start of s, or 0.
func nameLen(s string) int {
	for i := 0; i < len(s); i++ {
		c := s[i]
		letter := c == '_' || c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z'
		if !letter && (i == 0 || c < '0' || c > '9') {
			return i
		}
	}
	return len(s)
}
