package awsiot

import (
	"context"
	"fmt"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iot"
	"github.com/aws/aws-sdk-go-v2/service/iot/types"
)

// CA is a registered CA certificate as DescribeCACertificate shows it.
type CA struct {
	// ID and ARN identify the CA certificate.
	ID, ARN string
	// Status is ACTIVE or INACTIVE.
	Status string
	// AutoRegistration is ENABLE or DISABLE.
	AutoRegistration string
	// Mode is DEFAULT or SNI_ONLY.
	Mode string
	// TemplateBody and RoleArn are the registration config; TemplateBody is "" without a template.
	TemplateBody, RoleArn string
}

// Ready reports whether JITP runs for the CA's certificates: ACTIVE, with
// auto-registration and a template.
func (ca CA) Ready() bool {
	return ca.Status == string(types.CACertificateStatusActive) &&
		ca.AutoRegistration == string(types.AutoRegistrationStatusEnable) && ca.TemplateBody != ""
}

// CertificateARN returns the ARN of the device certificate with the given
// ID in the CA's account and region (the CA's ARN with cacert/ replaced).
func (ca CA) CertificateARN(certID string) string {
	prefix, _, _ := strings.Cut(ca.ARN, ":cacert/")
	return prefix + ":cert/" + certID
}

// Endpoint returns the account's MQTT endpoint host (DescribeEndpoint iot:Data-ATS).
func (c *Client) Endpoint(ctx context.Context) (string, error) {
	var out *iot.DescribeEndpointOutput
	err := c.call(ctx, "DescribeEndpoint", func(ctx context.Context) (err error) {
		out, err = c.api.DescribeEndpoint(ctx, &iot.DescribeEndpointInput{EndpointType: aws.String("iot:Data-ATS")})
		return err
	})
	if err != nil {
		return "", err
	}
	return aws.ToString(out.EndpointAddress), nil
}

// RegistrationCode returns the account's registration code, the CN of a
// verification certificate.
func (c *Client) RegistrationCode(ctx context.Context) (string, error) {
	var out *iot.GetRegistrationCodeOutput
	err := c.call(ctx, "GetRegistrationCode", func(ctx context.Context) (err error) {
		out, err = c.api.GetRegistrationCode(ctx, &iot.GetRegistrationCodeInput{})
		return err
	})
	if err != nil {
		return "", err
	}
	return aws.ToString(out.RegistrationCode), nil
}

// DescribeCA returns the CA certificate with the given ID, or ok=false when
// the account has no such CA.
func (c *Client) DescribeCA(ctx context.Context, id string) (ca CA, ok bool, err error) {
	var out *iot.DescribeCACertificateOutput
	err = c.call(ctx, "DescribeCACertificate", func(ctx context.Context) (err error) {
		out, err = c.api.DescribeCACertificate(ctx, &iot.DescribeCACertificateInput{CertificateId: aws.String(id)})
		return err
	})
	if IsNotFound(err) {
		return CA{}, false, nil
	}
	if err != nil {
		return CA{}, false, err
	}
	d := out.CertificateDescription
	if d == nil {
		return CA{}, false, fmt.Errorf("DescribeCACertificate %s: the answer has no certificate description", id)
	}
	ca = CA{ID: aws.ToString(d.CertificateId), ARN: aws.ToString(d.CertificateArn), Status: string(d.Status),
		AutoRegistration: string(d.AutoRegistrationStatus), Mode: string(d.CertificateMode)}
	if rc := out.RegistrationConfig; rc != nil {
		ca.TemplateBody, ca.RoleArn = aws.ToString(rc.TemplateBody), aws.ToString(rc.RoleArn)
	}
	if ca.Mode == "" {
		ca.Mode = string(types.CertificateModeDefault)
	}
	return ca, true, nil
}

// RegisterCAInput is what RegisterCA registers.
type RegisterCAInput struct {
	// CertificatePEM is the CA certificate.
	CertificatePEM string
	// VerificationPEM is the verification certificate (DEFAULT mode); "" in SNI_ONLY mode.
	VerificationPEM string
	// Mode is DEFAULT or SNI_ONLY.
	Mode string
	// TemplateBody is the provisioning template as AWS keeps it (a JSON string).
	TemplateBody string
	// RoleArn is the provisioning role; "" sends none.
	RoleArn string
}

// RegisterCA registers a CA certificate ACTIVE with auto-registration and
// the template, and returns its ID.
func (c *Client) RegisterCA(ctx context.Context, in RegisterCAInput) (string, error) {
	req := &iot.RegisterCACertificateInput{
		CaCertificate:         aws.String(in.CertificatePEM),
		SetAsActive:           true,
		AllowAutoRegistration: true,
		CertificateMode:       types.CertificateMode(in.Mode),
		RegistrationConfig:    registrationConfig(in.TemplateBody, in.RoleArn),
	}
	if in.VerificationPEM != "" {
		req.VerificationCertificate = aws.String(in.VerificationPEM)
	}
	var out *iot.RegisterCACertificateOutput
	err := c.call(ctx, "RegisterCACertificate", func(ctx context.Context) (err error) {
		out, err = c.api.RegisterCACertificate(ctx, req)
		return err
	})
	if err != nil {
		return "", err
	}
	return aws.ToString(out.CertificateId), nil
}

// UpdateCA sets the CA ACTIVE with auto-registration and replaces its
// registration config.
func (c *Client) UpdateCA(ctx context.Context, id, templateBody, roleArn string) error {
	return c.call(ctx, "UpdateCACertificate", func(ctx context.Context) error {
		_, err := c.api.UpdateCACertificate(ctx, &iot.UpdateCACertificateInput{
			CertificateId:             aws.String(id),
			NewStatus:                 types.CACertificateStatusActive,
			NewAutoRegistrationStatus: types.AutoRegistrationStatusEnable,
			RegistrationConfig:        registrationConfig(templateBody, roleArn),
		})
		return err
	})
}

// registrationConfig builds the SDK's registration config.
func registrationConfig(body, roleArn string) *types.RegistrationConfig {
	rc := &types.RegistrationConfig{TemplateBody: aws.String(body)}
	if roleArn != "" {
		rc.RoleArn = aws.String(roleArn)
	}
	return rc
}
