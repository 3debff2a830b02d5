package awsiot

import (
	"context"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iot"
	"github.com/aws/aws-sdk-go-v2/service/iot/types"
)

// The per-device operations of verify and cleanup; list operations follow
// every page.

// describeCertificate returns a device certificate and the ID of its CA.
func (c *Client) describeCertificate(ctx context.Context, id string) (cert Certificate, caID string, err error) {
	var out *iot.DescribeCertificateOutput
	err = c.call(ctx, "DescribeCertificate", func(ctx context.Context) (err error) {
		out, err = c.api.DescribeCertificate(ctx, &iot.DescribeCertificateInput{CertificateId: aws.String(id)})
		return err
	})
	if err != nil || out.CertificateDescription == nil {
		return Certificate{}, "", err
	}
	d := out.CertificateDescription
	return Certificate{ID: aws.ToString(d.CertificateId), ARN: aws.ToString(d.CertificateArn), Status: string(d.Status)},
		aws.ToString(d.CaCertificateId), nil
}

// thingsOf returns the things attached to a certificate.
func (c *Client) thingsOf(ctx context.Context, certARN string) ([]string, error) {
	var out []string
	var token *string
	for {
		var page *iot.ListPrincipalThingsOutput
		err := c.call(ctx, "ListPrincipalThings", func(ctx context.Context) (err error) {
			page, err = c.api.ListPrincipalThings(ctx, &iot.ListPrincipalThingsInput{Principal: aws.String(certARN), NextToken: token})
			return err
		})
		if err != nil {
			return nil, err
		}
		out = append(out, page.Things...)
		if token = page.NextToken; aws.ToString(token) == "" {
			return out, nil
		}
	}
}

// principalsOf returns the principals attached to a thing.
func (c *Client) principalsOf(ctx context.Context, thing string) ([]string, error) {
	var out []string
	var token *string
	for {
		var page *iot.ListThingPrincipalsOutput
		err := c.call(ctx, "ListThingPrincipals", func(ctx context.Context) (err error) {
			page, err = c.api.ListThingPrincipals(ctx, &iot.ListThingPrincipalsInput{ThingName: aws.String(thing), NextToken: token})
			return err
		})
		if err != nil {
			return nil, err
		}
		out = append(out, page.Principals...)
		if token = page.NextToken; aws.ToString(token) == "" {
			return out, nil
		}
	}
}

// policiesOf returns the names of the policies attached to a certificate.
func (c *Client) policiesOf(ctx context.Context, certARN string) ([]string, error) {
	var out []string
	var marker *string
	for {
		var page *iot.ListAttachedPoliciesOutput
		err := c.call(ctx, "ListAttachedPolicies", func(ctx context.Context) (err error) {
			page, err = c.api.ListAttachedPolicies(ctx, &iot.ListAttachedPoliciesInput{
				Target: aws.String(certARN), Marker: marker, PageSize: aws.Int32(listPageSize),
			})
			return err
		})
		if err != nil {
			return nil, err
		}
		for _, p := range page.Policies {
			out = append(out, aws.ToString(p.PolicyName))
		}
		if marker = page.NextMarker; aws.ToString(marker) == "" {
			return out, nil
		}
	}
}

// thing is what verify reads of a thing.
type thing struct {
	typeName   string
	attributes map[string]string
}

// describeThing returns a thing's type and attributes.
func (c *Client) describeThing(ctx context.Context, name string) (thing, error) {
	var out *iot.DescribeThingOutput
	err := c.call(ctx, "DescribeThing", func(ctx context.Context) (err error) {
		out, err = c.api.DescribeThing(ctx, &iot.DescribeThingInput{ThingName: aws.String(name)})
		return err
	})
	if err != nil {
		return thing{}, err
	}
	return thing{typeName: aws.ToString(out.ThingTypeName), attributes: out.Attributes}, nil
}

// deactivate sets a certificate INACTIVE.
func (c *Client) deactivate(ctx context.Context, id string) error {
	return c.call(ctx, "UpdateCertificate", func(ctx context.Context) error {
		_, err := c.api.UpdateCertificate(ctx, &iot.UpdateCertificateInput{CertificateId: aws.String(id), NewStatus: types.CertificateStatusInactive})
		return err
	})
}

// detachPolicy detaches a policy from a certificate.
func (c *Client) detachPolicy(ctx context.Context, policy, certARN string) error {
	return c.call(ctx, "DetachPolicy", func(ctx context.Context) error {
		_, err := c.api.DetachPolicy(ctx, &iot.DetachPolicyInput{PolicyName: aws.String(policy), Target: aws.String(certARN)})
		return err
	})
}

// detachThing detaches a certificate from a thing.
func (c *Client) detachThing(ctx context.Context, thing, certARN string) error {
	return c.call(ctx, "DetachThingPrincipal", func(ctx context.Context) error {
		_, err := c.api.DetachThingPrincipal(ctx, &iot.DetachThingPrincipalInput{ThingName: aws.String(thing), Principal: aws.String(certARN)})
		return err
	})
}

// deleteCertificate deletes an inactive, detached certificate. AWS detaches
// asynchronously ("several seconds"), so a conflict is retried with backoff.
func (c *Client) deleteCertificate(ctx context.Context, id string) error {
	stillAttached := func(err error) bool { return hasCode(err, "DeleteConflictException") }
	return c.callRetrying(ctx, "DeleteCertificate", stillAttached, func(ctx context.Context) error {
		_, err := c.api.DeleteCertificate(ctx, &iot.DeleteCertificateInput{CertificateId: aws.String(id)})
		return err
	})
}

// deleteThing deletes a thing; a thing that no longer exists is no error.
// A principal whose detach has not landed yet is retried with backoff.
func (c *Client) deleteThing(ctx context.Context, name string) error {
	stillAttached := func(err error) bool { return hasCode(err, "InvalidRequestException") }
	return c.callRetrying(ctx, "DeleteThing", stillAttached, func(ctx context.Context) error {
		_, err := c.api.DeleteThing(ctx, &iot.DeleteThingInput{ThingName: aws.String(name)})
		return err
	})
}
