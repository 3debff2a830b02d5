package awsiot

import (
	"context"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iot"
)

// listPageSize is the largest page AWS serves for list operations.
const listPageSize = 250

// Certificate is a device certificate as ListCertificatesByCA shows it.
type Certificate struct {
	// ID and ARN identify the certificate.
	ID, ARN string
	// Status is ACTIVE, INACTIVE, PENDING_ACTIVATION, REVOKED, ...
	Status string
}

// CertificatesByCA returns every device certificate the CA signed that is
// registered, 250 per call.
func (c *Client) CertificatesByCA(ctx context.Context, caID string) ([]Certificate, error) {
	var out []Certificate
	var marker *string
	for {
		var page *iot.ListCertificatesByCAOutput
		err := c.call(ctx, "ListCertificatesByCA", func(ctx context.Context) (err error) {
			page, err = c.api.ListCertificatesByCA(ctx, &iot.ListCertificatesByCAInput{
				CaCertificateId: aws.String(caID), PageSize: aws.Int32(listPageSize), Marker: marker, AscendingOrder: true,
			})
			return err
		})
		if err != nil {
			return nil, err
		}
		for _, cert := range page.Certificates {
			out = append(out, Certificate{ID: aws.ToString(cert.CertificateId), ARN: aws.ToString(cert.CertificateArn), Status: string(cert.Status)})
		}
		if aws.ToString(page.NextMarker) == "" {
			return out, nil
		}
		marker = page.NextMarker
	}
}
