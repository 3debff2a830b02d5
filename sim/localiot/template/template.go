package template

import (
	"bytes"
	"encoding/json"
)

// maxBodyLen is AWS's limit on RegistrationConfig.templateBody (characters).
const maxBodyLen = 10240

// Template is a parsed JITP provisioning template; it is immutable and safe for concurrent use.
type Template struct {
	roleArn  string
	body     []byte
	params   []parameter
	mappings map[string]any
	thing    *thingResource
	cert     *certResource
	policies []policyResource
}

// parameter is one entry of the Parameters section.
type parameter struct {
	name       string
	hasDefault bool
	def        string
}

// RoleArn returns the registration config's roleArn, or "" for a bare template body.
func (t *Template) RoleArn() string { return t.roleArn }

// WithRoleArn returns a copy of the template with roleArn replaced.
func (t *Template) WithRoleArn(roleArn string) *Template {
	c := *t
	c.roleArn = roleArn
	return &c
}

// Body returns the template body as compact JSON text with every literal PolicyDocument as an
// escaped string: the string AWS keeps in RegistrationConfig.templateBody.
func (t *Template) Body() string { return string(t.body) }

// MarshalJSON returns the readable form {"templateBody": {...}, "roleArn": "..."}, which Parse accepts.
func (t *Template) MarshalJSON() ([]byte, error) {
	var buf bytes.Buffer
	buf.WriteString(`{"templateBody":`)
	buf.Write(t.body)
	if t.roleArn != "" {
		buf.WriteString(`,"roleArn":`)
		b, err := marshalNoEscape(t.roleArn)
		if err != nil {
			return nil, err
		}
		buf.Write(b)
	}
	buf.WriteByte('}')
	return buf.Bytes(), nil
}

// RegistrationConfig returns AWS's stringified registration config, indented for people:
// {"templateBody": "<body as an escaped JSON string>", "roleArn": "..."}, the file that
// aws iot register-ca-certificate --registration-config file://... takes. roleArn is
// omitted when the template has none.
func (t *Template) RegistrationConfig() ([]byte, error) {
	type config struct {
		TemplateBody string `json:"templateBody"`
		RoleArn      string `json:"roleArn,omitempty"`
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(config{TemplateBody: t.Body(), RoleArn: t.roleArn}); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// marshalNoEscape encodes v as compact JSON without HTML escaping.
func marshalNoEscape(v any) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimRight(buf.Bytes(), "\n"), nil
}
