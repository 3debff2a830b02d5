package scenario

import (
	"fmt"
	"strconv"
	"strings"
)

// Expand fills the placeholders of a pattern: {index} (the device index),
// {index:0N} (zero-padded to N digits) and {name} (the device name). The
// pattern must have passed CheckPattern.
func Expand(pattern string, index int, name string) string {
	if !strings.Contains(pattern, "{") {
		return pattern
	}
	var b strings.Builder
	b.Grow(len(pattern) + 8)
	rest := pattern
	for {
		open := strings.IndexByte(rest, '{')
		if open < 0 {
			b.WriteString(rest)
			return b.String()
		}
		end := strings.IndexByte(rest[open:], '}')
		if end < 0 {
			b.WriteString(rest)
			return b.String()
		}
		b.WriteString(rest[:open])
		b.WriteString(placeholder(rest[open+1:open+end], index, name))
		rest = rest[open+end+1:]
	}
}

func placeholder(key string, index int, name string) string {
	switch {
	case key == "name":
		return name
	case key == "index":
		return strconv.Itoa(index)
	case strings.HasPrefix(key, "index:"):
		width, _ := strconv.Atoi(strings.TrimPrefix(key, "index:0"))
		return fmt.Sprintf("%0*d", width, index)
	}
	return "{" + key + "}"
}

// CheckPattern reports a pattern with an unknown or malformed placeholder.
// allowName says whether {name} may be used.
func CheckPattern(pattern string, allowName bool) error {
	rest := pattern
	for {
		open := strings.IndexByte(rest, '{')
		if open < 0 {
			if strings.IndexByte(rest, '}') >= 0 {
				return fmt.Errorf("unmatched '}' in %q", pattern)
			}
			return nil
		}
		if strings.IndexByte(rest[:open], '}') >= 0 {
			return fmt.Errorf("unmatched '}' in %q", pattern)
		}
		end := strings.IndexByte(rest[open:], '}')
		if end < 0 {
			return fmt.Errorf("unclosed '{' in %q", pattern)
		}
		key := rest[open+1 : open+end]
		switch {
		case key == "index":
		case key == "name" && allowName:
		case strings.HasPrefix(key, "index:0"):
			w, err := strconv.Atoi(strings.TrimPrefix(key, "index:0"))
			if err != nil || w < 1 || w > 20 {
				return fmt.Errorf("bad width in {%s}: want {index:0N} with N from 1 to 20", key)
			}
		default:
			valid := "{index} or {index:0N}"
			if allowName {
				valid = "{index}, {index:0N} or {name}"
			}
			return fmt.Errorf("unknown placeholder {%s} in %q (valid: %s)", key, pattern, valid)
		}
		rest = rest[open+end+1:]
	}
}
