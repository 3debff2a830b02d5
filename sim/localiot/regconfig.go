package localiot

import (
	"bytes"
	"encoding/json"
	"errors"

	"github.com/jitpsim/jitpsim/sim/localiot/template"
)

// RegistrationConfig is a CA certificate's JITP registration config as the API carries it:
// templateBody is the template as a JSON string (AWS's "stringified" form).
type RegistrationConfig struct {
	// TemplateBody is the provisioning template, a JSON object encoded as a string; nil for none.
	TemplateBody *string
	// RoleArn is the provisioning role; the stand-in records it and checks no permissions.
	RoleArn string
	// TemplateName names a provisioning template; the stand-in has none (CreateProvisioningTemplate
	// is not implemented), so a name is always ResourceNotFoundException.
	TemplateName string
}

// maxTemplateBody is AWS's limit on templateBody (characters).
const maxTemplateBody = 10240

// parse validates the config and returns the parsed template with the raw form to store
// ({"templateBody": "<the string as given>", "roleArn": ...}); both are nil without a template.
func (rc *RegistrationConfig) parse() (*template.Template, json.RawMessage, error) {
	if rc == nil {
		return nil, nil, nil
	}
	if rc.TemplateName != "" {
		return nil, nil, apiErr(ErrResourceNotFound, "The provisioning template %s does not exist (the local stand-in supports templateBody only)", rc.TemplateName)
	}
	if rc.TemplateBody == nil || *rc.TemplateBody == "" {
		return nil, nil, nil
	}
	if n := len([]rune(*rc.TemplateBody)); n > maxTemplateBody {
		return nil, nil, apiErr(ErrInvalidRequest, "1 validation error detected: Value at 'registrationConfig.templateBody' failed to satisfy constraint: Member must have length less than or equal to %d", maxTemplateBody)
	}
	stored := struct {
		TemplateBody string `json:"templateBody"`
		RoleArn      string `json:"roleArn,omitempty"`
	}{*rc.TemplateBody, rc.RoleArn}
	raw, err := json.Marshal(stored)
	if err != nil {
		return nil, nil, err
	}
	tmpl, err := template.Parse(raw)
	if err != nil {
		var te *template.InvalidTemplateError
		if errors.As(err, &te) {
			return nil, nil, &Error{Code: ErrInvalidRequest, Message: te.Error()}
		}
		return nil, nil, apiErr(ErrInvalidRequest, "Invalid registration template. %v", err)
	}
	return tmpl, raw, nil
}

// registrationConfigOf returns the registration config of a stored CA template: the template
// body string as it was registered through the API, or the compact body of a template given in
// the readable form (Server.RegisterCA). It returns nil for a CA without template.
func registrationConfigOf(raw json.RawMessage, tmpl *template.Template) *RegistrationConfig {
	if len(raw) == 0 {
		return nil
	}
	var stored struct {
		TemplateBody json.RawMessage `json:"templateBody"`
		RoleArn      string          `json:"roleArn"`
	}
	if err := json.Unmarshal(raw, &stored); err == nil && bytes.HasPrefix(bytes.TrimSpace(stored.TemplateBody), []byte(`"`)) {
		var body string
		if json.Unmarshal(stored.TemplateBody, &body) == nil {
			return &RegistrationConfig{TemplateBody: &body, RoleArn: stored.RoleArn}
		}
	}
	if tmpl == nil {
		return nil
	}
	body := tmpl.Body()
	return &RegistrationConfig{TemplateBody: &body, RoleArn: tmpl.RoleArn()}
}
