package scenario

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/jitpsim/jitpsim/report"
)

// Error is a scenario problem located in its file.
type Error struct {
	// File is the scenario file ("" when parsed from bytes without a name).
	File string
	// Line and Column locate the problem (1-based; 0 when unknown).
	Line, Column int
	// Field is the dotted path of the field, e.g. "devices.count".
	Field string
	// Msg says what is wrong and how to fix it.
	Msg string
}

// Error formats the problem as file:line:column: field: message.
func (e *Error) Error() string {
	var b strings.Builder
	file := e.File
	if file == "" {
		file = "scenario"
	}
	b.WriteString(file)
	if e.Line > 0 {
		fmt.Fprintf(&b, ":%d", e.Line)
		if e.Column > 0 {
			fmt.Fprintf(&b, ":%d", e.Column)
		}
	}
	b.WriteString(": ")
	if e.Field != "" {
		b.WriteString(e.Field)
		b.WriteString(": ")
	}
	b.WriteString(e.Msg)
	return b.String()
}

// Load reads, decodes and validates the scenario file at path.
func Load(path string) (*Scenario, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("scenario: %w", err)
	}
	return Parse(data, path)
}

// Parse decodes and validates a scenario; file names it in errors and is the
// base for relative paths inside it.
func Parse(data []byte, file string) (*Scenario, error) {
	d := &decoder{file: file, pos: map[string]*yaml.Node{}}
	var doc yaml.Node
	dec := yaml.NewDecoder(bytes.NewReader(data))
	if err := dec.Decode(&doc); err != nil {
		if errors.Is(err, io.EOF) {
			return nil, &Error{File: file, Msg: "empty scenario: want at least devices.count"}
		}
		return nil, d.yamlError(err)
	}
	if len(doc.Content) == 0 {
		return nil, &Error{File: file, Msg: "empty scenario: want at least devices.count"}
	}
	root := doc.Content[0]
	if err := d.substituteEnv(root, ""); err != nil {
		return nil, err
	}
	if err := d.checkKeys(root, reflect.TypeOf(Scenario{}), ""); err != nil {
		return nil, err
	}
	s := &Scenario{File: file}
	if file != "" {
		s.Dir = filepath.Dir(file)
	}
	if err := root.Decode(s); err != nil {
		return nil, d.yamlError(err)
	}
	if err := d.validate(s); err != nil {
		return nil, err
	}
	return s, nil
}

// decoder keeps the position of every field seen, so that validation errors
// can name the line they come from.
type decoder struct {
	file string
	pos  map[string]*yaml.Node
}

func (d *decoder) errAt(field, format string, args ...any) *Error {
	e := &Error{File: d.file, Field: field, Msg: fmt.Sprintf(format, args...)}
	// Walk up to the closest recorded parent so the error still has a line.
	for f := field; ; {
		if n, ok := d.pos[f]; ok {
			e.Line, e.Column = n.Line, n.Column
			break
		}
		i := strings.LastIndexAny(f, ".[")
		if i < 0 {
			break
		}
		f = f[:i]
	}
	return e
}

var yamlLine = regexp.MustCompile(`^(?:yaml: )?line (\d+): (.*)$`)

// yamlError turns a yaml.v3 error into one located Error, naming the field
// whose value sits on the reported line when it is known.
func (d *decoder) yamlError(err error) error {
	msg := err.Error()
	var te *yaml.TypeError
	if errors.As(err, &te) && len(te.Errors) > 0 {
		msg = te.Errors[0]
	}
	m := yamlLine.FindStringSubmatch(msg)
	if m == nil {
		return &Error{File: d.file, Msg: strings.TrimPrefix(msg, "yaml: ")}
	}
	line, _ := strconv.Atoi(m[1])
	e := &Error{File: d.file, Line: line, Msg: m[2]}
	for field, n := range d.pos {
		if n.Line == line && (e.Field == "" || len(field) > len(e.Field)) {
			e.Field, e.Column = field, n.Column
		}
	}
	if strings.Contains(e.Msg, "time.Duration") {
		e.Msg += ` (write a duration such as "250ms", "2s" or "1m")`
	}
	return e
}

// checkKeys walks the YAML node against the Go type, rejecting unknown keys
// (with a suggestion) and recording where each field is.
func (d *decoder) checkKeys(n *yaml.Node, t reflect.Type, path string) error {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if n.Kind == yaml.AliasNode && n.Alias != nil {
		n = n.Alias
	}
	switch t.Kind() {
	case reflect.Struct:
		if n.Kind != yaml.MappingNode {
			if n.Kind == yaml.ScalarNode && n.Tag == "!!null" {
				return nil
			}
			return d.located(n, path, "want a mapping of fields, got %s", kindName(n))
		}
		fields := yamlFields(t)
		for i := 0; i+1 < len(n.Content); i += 2 {
			k, v := n.Content[i], n.Content[i+1]
			sub := join(path, k.Value)
			ft, ok := fields[k.Value]
			if !ok {
				names := make([]string, 0, len(fields))
				for name := range fields {
					names = append(names, name)
				}
				msg := fmt.Sprintf("unknown field %q", k.Value)
				if s := suggest(k.Value, names); s != "" {
					msg += fmt.Sprintf(" (did you mean %q?)", s)
				} else {
					sort.Strings(names)
					msg += " (valid: " + strings.Join(names, ", ") + ")"
				}
				return d.located(k, path, "%s", msg)
			}
			if _, dup := d.pos[sub]; dup {
				return d.located(k, sub, "field set twice")
			}
			d.pos[sub] = v
			if err := d.checkKeys(v, ft, sub); err != nil {
				return err
			}
		}
	case reflect.Slice:
		if n.Kind != yaml.SequenceNode {
			if n.Kind == yaml.ScalarNode && n.Tag == "!!null" {
				return nil
			}
			return d.located(n, path, "want a list, got %s", kindName(n))
		}
		for i, v := range n.Content {
			sub := fmt.Sprintf("%s[%d]", path, i)
			d.pos[sub] = v
			if err := d.checkKeys(v, t.Elem(), sub); err != nil {
				return err
			}
		}
	}
	return nil
}

func (d *decoder) located(n *yaml.Node, field, format string, args ...any) *Error {
	return &Error{File: d.file, Line: n.Line, Column: n.Column, Field: field, Msg: fmt.Sprintf(format, args...)}
}

func kindName(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "a mapping"
	case yaml.SequenceNode:
		return "a list"
	default:
		return fmt.Sprintf("%q", n.Value)
	}
}

func join(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}

// yamlFields maps the YAML key of each decodable field of struct t to its type.
func yamlFields(t reflect.Type) map[string]reflect.Type {
	out := make(map[string]reflect.Type, t.NumField())
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		tag := strings.Split(f.Tag.Get("yaml"), ",")[0]
		if tag == "-" || !f.IsExported() {
			continue
		}
		if tag == "" {
			tag = strings.ToLower(f.Name)
		}
		out[tag] = f.Type
	}
	return out
}

// suggest returns the candidate closest to s when it is close enough to be a
// likely misspelling, or "".
func suggest(s string, candidates []string) string {
	sort.Strings(candidates)
	if best, ok := report.Closest(strings.ToLower(s), candidates); ok {
		return best
	}
	return ""
}

// TemplateJSON returns the provisioning template as JSON: the file's bytes, the
// inline template encoded, or nil when the scenario leaves it to the default.
func (s *Scenario) TemplateJSON() ([]byte, error) {
	switch {
	case s.Template.File != "":
		return os.ReadFile(s.Path(s.Template.File))
	case s.Template.Inline != nil:
		return json.Marshal(s.Template.Inline)
	}
	return nil, nil
}

// Path resolves a path written in the scenario against the scenario's directory.
func (s *Scenario) Path(p string) string {
	if p == "" || filepath.IsAbs(p) || s.Dir == "" {
		return p
	}
	return filepath.Join(s.Dir, p)
}
