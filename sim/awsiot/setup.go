package awsiot

import (
	"context"
	"encoding/json"
	"encoding/pem"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/service/iot/types"

	"github.com/jitpsim/jitpsim/sim/localiot/template"
	"github.com/jitpsim/jitpsim/sim/pki"
)

// What Setup did with the CA.
const (
	// SetupRegistered means the CA was not registered and now is.
	SetupRegistered = "registered"
	// SetupUpdated means the CA was registered and its status, auto-registration or template was changed.
	SetupUpdated = "updated"
	// SetupUnchanged means the CA was registered exactly as wanted.
	SetupUnchanged = "unchanged"
)

// SetupInput is the CA and template Setup registers.
type SetupInput struct {
	// CA is the device CA; its key signs the verification certificate.
	CA *pki.CA
	// Template is the provisioning template, with the role ARN to register.
	Template *template.Template
	// Mode is DEFAULT (a verification certificate proves the CA key) or SNI_ONLY.
	Mode string
}

// SetupResult says what Setup found and did.
type SetupResult struct {
	// CA is the CA as registered now.
	CA CA
	// Action is SetupRegistered, SetupUpdated or SetupUnchanged.
	Action string
	// Changes lists what an update changed.
	Changes []string
	// Warnings lists differences Setup cannot change, such as the mode.
	Warnings []string
}

// Setup registers the CA ACTIVE with auto-registration and the template, or,
// when it is registered already, compares it and updates what differs: the
// status, auto-registration and the registration config. It is idempotent.
func (c *Client) Setup(ctx context.Context, in SetupInput) (SetupResult, error) {
	id := pki.CertificateID(in.CA.Cert.Raw)
	have, ok, err := c.DescribeCA(ctx, id)
	if err != nil {
		return SetupResult{}, err
	}
	if !ok {
		err := c.register(ctx, in)
		if err == nil {
			ca, _, err := c.DescribeCA(ctx, id)
			return SetupResult{CA: ca, Action: SetupRegistered}, err
		}
		if !hasCode(err, "ResourceAlreadyExistsException") {
			return SetupResult{}, err
		}
		// Registered meanwhile by someone else: compare what is there.
		if have, _, err = c.DescribeCA(ctx, id); err != nil {
			return SetupResult{}, err
		}
	}
	res := SetupResult{CA: have, Action: SetupUnchanged}
	if have.Status != string(types.CACertificateStatusActive) {
		res.Changes = append(res.Changes, fmt.Sprintf("status %s -> ACTIVE", have.Status))
	}
	if have.AutoRegistration != string(types.AutoRegistrationStatusEnable) {
		res.Changes = append(res.Changes, fmt.Sprintf("auto-registration %s -> ENABLE", have.AutoRegistration))
	}
	if !SameTemplate(have, in.Template) {
		res.Changes = append(res.Changes, "registration config (template or role ARN)")
	}
	if have.Mode != in.Mode {
		res.Warnings = append(res.Warnings, fmt.Sprintf("the CA is registered in %s mode, not %s; AWS cannot change the mode of a registered CA "+
			"(deactivate and delete it, then run setup again)", have.Mode, in.Mode))
	}
	if len(res.Changes) == 0 {
		return res, nil
	}
	if err := c.UpdateCA(ctx, id, in.Template.Body(), in.Template.RoleArn()); err != nil {
		return SetupResult{}, err
	}
	res.Action = SetupUpdated
	res.CA, _, err = c.DescribeCA(ctx, id)
	return res, err
}

// register makes the verification certificate (DEFAULT mode) and registers the CA.
func (c *Client) register(ctx context.Context, in SetupInput) error {
	reg := RegisterCAInput{
		CertificatePEM: string(in.CA.CertPEM),
		Mode:           in.Mode,
		TemplateBody:   in.Template.Body(),
		RoleArn:        in.Template.RoleArn(),
	}
	if len(in.CA.CertPEM) == 0 {
		reg.CertificatePEM = string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: in.CA.Cert.Raw}))
	}
	if in.Mode != string(types.CertificateModeSniOnly) {
		code, err := c.RegistrationCode(ctx)
		if err != nil {
			return err
		}
		verification, err := in.CA.VerificationCertificate(code)
		if err != nil {
			return err
		}
		reg.VerificationPEM = string(verification)
	}
	_, err := c.RegisterCA(ctx, reg)
	return err
}

// SameTemplate reports whether the CA's registration config is want's: the
// same template body (compared in canonical form) and role ARN.
func SameTemplate(have CA, want *template.Template) bool {
	if have.TemplateBody == "" {
		return false
	}
	raw, err := json.Marshal(struct {
		TemplateBody string `json:"templateBody"`
		RoleArn      string `json:"roleArn,omitempty"`
	}{have.TemplateBody, have.RoleArn})
	if err != nil {
		return false
	}
	got, err := template.Parse(raw)
	if err != nil {
		return false
	}
	return got.Body() == want.Body() && got.RoleArn() == want.RoleArn()
}
