package template

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
)

// Parse accepts (a) the readable form {"templateBody": {...}, "roleArn": "..."}
// where templateBody and any PolicyDocument may be JSON objects, (b) a bare
// template body {"Parameters": ..., "Resources": ...}, and (c) AWS's stringified
// registration config {"templateBody": "<escaped JSON>", "roleArn": "..."}.
// Errors are *InvalidTemplateError values worded like AWS's where known.
func Parse(data []byte) (*Template, error) {
	top, err := decodeObject(data)
	if err != nil {
		return nil, err
	}
	obj, ok := top.(map[string]any)
	if !ok {
		return nil, invalid("Template format error: the template must be a JSON object")
	}
	if raw, ok := obj["templateBody"]; ok {
		return parseRegistrationConfig(obj, raw)
	}
	if _, ok := obj["templateName"]; ok {
		return nil, invalid("templateName (a provisioning template created with --type JITP) is not supported by the local stand-in yet; pass templateBody")
	}
	if _, ok := obj["Resources"]; ok {
		return parseBody(obj, "")
	}
	if _, ok := obj["Parameters"]; ok {
		return parseBody(obj, "")
	}
	return nil, invalid("Template format error: neither templateBody nor Resources is present")
}

// parseRegistrationConfig handles forms (a) and (c): a registration config wrapping the body.
func parseRegistrationConfig(obj map[string]any, rawBody any) (*Template, error) {
	roleArn := ""
	if v, ok := obj["roleArn"]; ok && v != nil {
		s, ok := v.(string)
		if !ok {
			return nil, invalid("roleArn must be a string")
		}
		roleArn = s
	}
	switch b := rawBody.(type) {
	case map[string]any:
		return parseBody(b, roleArn)
	case string:
		inner, err := decodeObject([]byte(b))
		if err != nil {
			return nil, err
		}
		body, ok := inner.(map[string]any)
		if !ok {
			// A double-stringified body decodes to a string: AWS calls that not well-formed.
			return nil, invalid("Template format error: JSON not well-formed (templateBody must hold a JSON object)")
		}
		return parseBody(body, roleArn)
	default:
		return nil, invalid("Template format error: JSON not well-formed (templateBody must be a JSON object or an escaped JSON string)")
	}
}

// decodeObject decodes one JSON value with json.Number for numbers, reporting syntax errors in AWS's words.
func decodeObject(data []byte) (any, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, notWellFormed(data, err)
	}
	if rest := bytes.TrimSpace(data[dec.InputOffset():]); len(rest) > 0 {
		off := int64(len(data) - len(bytes.TrimLeft(data[dec.InputOffset():], " \t\r\n")))
		return nil, notWellFormedAt(data, off, errors.New("unexpected data after the JSON value"))
	}
	return v, nil
}

// notWellFormed wraps a JSON decoding error as AWS's "JSON not well-formed" message with a line and column.
func notWellFormed(data []byte, err error) error {
	var off int64 = -1
	var se *json.SyntaxError
	if errors.As(err, &se) && se.Offset > 0 {
		off = se.Offset - 1 // Offset counts the offending byte; point at it.
	}
	if off < 0 {
		off = int64(len(data))
	}
	return notWellFormedAt(data, off, err)
}

// notWellFormedAt builds the "JSON not well-formed" error for the 0-based byte offset of the offending byte.
func notWellFormedAt(data []byte, off int64, err error) error {
	line, col := lineCol(data, off)
	return invalid(fmt.Sprintf("Template format error: JSON not well-formed with location of [line: %d, column: %d]: %v", line, col, err))
}

// lineCol converts a byte offset into 1-based line and column numbers.
func lineCol(data []byte, off int64) (line, col int) {
	if off > int64(len(data)) {
		off = int64(len(data))
	}
	line, col = 1, 1
	for _, c := range data[:off] {
		if c == '\n' {
			line++
			col = 1
			continue
		}
		col++
	}
	return line, col
}
