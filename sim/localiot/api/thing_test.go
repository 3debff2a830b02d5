package api

import (
	"fmt"
	"net/http"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iot"
	"github.com/aws/aws-sdk-go-v2/service/iot/types"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/jitpsim/jitpsim/sim/localiot"
)

func TestCreateDescribeDeleteThing(t *testing.T) {
	e := newEnv(t, localiot.Config{})
	attrs := &types.AttributePayload{Attributes: map[string]string{"version": "v1"}}
	out, err := e.cli.CreateThing(ctx(t), &iot.CreateThingInput{ThingName: aws.String("lamp-1"), AttributePayload: attrs})
	require.NoError(t, err)
	assert.Equal(t, "lamp-1", *out.ThingName)
	assert.Equal(t, localiot.ThingARN("lamp-1"), *out.ThingArn)
	assert.Len(t, *out.ThingId, 36)

	again, err := e.cli.CreateThing(ctx(t), &iot.CreateThingInput{ThingName: aws.String("lamp-1"), AttributePayload: attrs})
	require.NoError(t, err, "same configuration: idempotent")
	assert.Equal(t, *out.ThingId, *again.ThingId)

	_, err = e.cli.CreateThing(ctx(t), &iot.CreateThingInput{ThingName: aws.String("lamp-1")})
	var exists *types.ResourceAlreadyExistsException
	require.ErrorAs(t, err, &exists, "different configuration")
	assert.Equal(t, *out.ThingId, *exists.ResourceId)
	assert.Equal(t, *out.ThingArn, *exists.ResourceArn)

	d, err := e.cli.DescribeThing(ctx(t), &iot.DescribeThingInput{ThingName: aws.String("lamp-1")})
	require.NoError(t, err)
	assert.Equal(t, "lamp-1", *d.DefaultClientId)
	assert.Equal(t, *out.ThingId, *d.ThingId)
	assert.Equal(t, map[string]string{"version": "v1"}, d.Attributes)
	assert.Equal(t, int64(1), d.Version)

	tests := []struct {
		name   string
		call   func() error
		code   string
		status int
	}{
		{"describe missing", func() error {
			_, err := e.cli.DescribeThing(ctx(t), &iot.DescribeThingInput{ThingName: aws.String("nope")})
			return err
		}, localiot.ErrResourceNotFound, http.StatusNotFound},
		{"bad name", func() error {
			_, err := e.cli.CreateThing(ctx(t), &iot.CreateThingInput{ThingName: aws.String("has space")})
			return err
		}, localiot.ErrInvalidRequest, http.StatusBadRequest},
		{"bad attribute", func() error {
			_, err := e.cli.CreateThing(ctx(t), &iot.CreateThingInput{ThingName: aws.String("x"), AttributePayload: &types.AttributePayload{Attributes: map[string]string{"a": "b c"}}})
			return err
		}, localiot.ErrInvalidRequest, http.StatusBadRequest},
		{"unknown thing type", func() error {
			_, err := e.cli.CreateThing(ctx(t), &iot.CreateThingInput{ThingName: aws.String("x"), ThingTypeName: aws.String("lightBulb")})
			return err
		}, localiot.ErrResourceNotFound, http.StatusNotFound},
		{"unknown billing group", func() error {
			_, err := e.cli.CreateThing(ctx(t), &iot.CreateThingInput{ThingName: aws.String("x"), BillingGroupName: aws.String("bg")})
			return err
		}, localiot.ErrResourceNotFound, http.StatusNotFound},
		{"delete with wrong version", func() error {
			_, err := e.cli.DeleteThing(ctx(t), &iot.DeleteThingInput{ThingName: aws.String("lamp-1"), ExpectedVersion: aws.Int64(7)})
			return err
		}, localiot.ErrVersionConflict, http.StatusConflict},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			requireAPIError(t, tc.call(), tc.code, tc.status)
		})
	}

	_, err = e.cli.DeleteThing(ctx(t), &iot.DeleteThingInput{ThingName: aws.String("lamp-1"), ExpectedVersion: aws.Int64(1)})
	require.NoError(t, err)
	_, err = e.cli.DeleteThing(ctx(t), &iot.DeleteThingInput{ThingName: aws.String("lamp-1")})
	require.NoError(t, err, "deleting a missing thing succeeds")
	_, err = e.cli.DescribeThing(ctx(t), &iot.DescribeThingInput{ThingName: aws.String("lamp-1")})
	requireAPIError(t, err, localiot.ErrResourceNotFound, http.StatusNotFound)
}

func TestListThings(t *testing.T) {
	e := newEnv(t, localiot.Config{})
	for i := range 7 {
		color := "red"
		if i%2 == 1 {
			color = "green"
		}
		_, err := e.cli.CreateThing(ctx(t), &iot.CreateThingInput{ThingName: aws.String(fmt.Sprintf("thing-%d", i)),
			AttributePayload: &types.AttributePayload{Attributes: map[string]string{"color": color}}})
		require.NoError(t, err)
	}
	list := func(in iot.ListThingsInput) []string {
		var names []string
		p := iot.NewListThingsPaginator(e.cli, &in)
		for p.HasMorePages() {
			page, err := p.NextPage(ctx(t))
			require.NoError(t, err)
			for _, th := range page.Things {
				names = append(names, *th.ThingName)
				assert.Equal(t, localiot.ThingARN(*th.ThingName), *th.ThingArn)
			}
		}
		return names
	}
	assert.Equal(t, []string{"thing-0", "thing-1", "thing-2", "thing-3", "thing-4", "thing-5", "thing-6"}, list(iot.ListThingsInput{MaxResults: aws.Int32(3)}))
	assert.Equal(t, []string{"thing-1", "thing-3", "thing-5"}, list(iot.ListThingsInput{AttributeName: aws.String("color"), AttributeValue: aws.String("green")}))
	assert.Equal(t, []string{"thing-1", "thing-3", "thing-5"}, list(iot.ListThingsInput{AttributeName: aws.String("color"), AttributeValue: aws.String("gr"), UsePrefixAttributeValue: true}))
	assert.Empty(t, list(iot.ListThingsInput{ThingTypeName: aws.String("lamp")}))

	_, err := e.cli.ListThings(ctx(t), &iot.ListThingsInput{NextToken: aws.String("%%%")})
	requireAPIError(t, err, localiot.ErrInvalidRequest, http.StatusBadRequest)
	_, err = e.cli.ListThings(ctx(t), &iot.ListThingsInput{MaxResults: aws.Int32(0)})
	requireAPIError(t, err, localiot.ErrInvalidRequest, http.StatusBadRequest)
}

func TestThingPrincipals(t *testing.T) {
	e := newEnv(t, localiot.Config{})
	ca := newCA(t, "principal CA")
	e.registerJITPCA(t, ca)
	dev := e.provision(t, ca, "dev-1") // the classic template creates thing dev-1 and attaches the certificate
	arn := aws.String(localiot.CertificateARN(dev.ID))

	ps, err := e.cli.ListThingPrincipals(ctx(t), &iot.ListThingPrincipalsInput{ThingName: aws.String("dev-1")})
	require.NoError(t, err)
	assert.Equal(t, []string{*arn}, ps.Principals)

	_, err = e.cli.CreateThing(ctx(t), &iot.CreateThingInput{ThingName: aws.String("spare")})
	require.NoError(t, err)
	_, err = e.cli.AttachThingPrincipal(ctx(t), &iot.AttachThingPrincipalInput{ThingName: aws.String("spare"), Principal: arn, ThingPrincipalType: types.ThingPrincipalTypeNonExclusiveThing})
	require.NoError(t, err)
	_, err = e.cli.AttachThingPrincipal(ctx(t), &iot.AttachThingPrincipalInput{ThingName: aws.String("spare"), Principal: arn})
	require.NoError(t, err, "attaching again is a no-op")

	var things []string
	p := iot.NewListPrincipalThingsPaginator(e.cli, &iot.ListPrincipalThingsInput{Principal: arn, MaxResults: aws.Int32(1)})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx(t))
		require.NoError(t, err)
		things = append(things, page.Things...)
	}
	assert.Equal(t, []string{"dev-1", "spare"}, things)

	_, err = e.cli.DeleteThing(ctx(t), &iot.DeleteThingInput{ThingName: aws.String("spare")})
	requireAPIError(t, err, localiot.ErrInvalidRequest, http.StatusBadRequest)
	assert.ErrorContains(t, err, "Cannot delete. Thing spare is still attached to one or more principals")

	_, err = e.cli.DetachThingPrincipal(ctx(t), &iot.DetachThingPrincipalInput{ThingName: aws.String("spare"), Principal: arn})
	require.NoError(t, err)
	_, err = e.cli.DetachThingPrincipal(ctx(t), &iot.DetachThingPrincipalInput{ThingName: aws.String("spare"), Principal: arn})
	require.NoError(t, err, "detaching again is a no-op")
	ps, err = e.cli.ListThingPrincipals(ctx(t), &iot.ListThingPrincipalsInput{ThingName: aws.String("spare")})
	require.NoError(t, err)
	assert.Empty(t, ps.Principals)
	_, err = e.cli.DeleteThing(ctx(t), &iot.DeleteThingInput{ThingName: aws.String("spare")})
	require.NoError(t, err)

	missingCert := aws.String(localiot.CertificateARN(dev.ID[:63] + "0"))
	if *missingCert == *arn {
		missingCert = aws.String(localiot.CertificateARN(dev.ID[:63] + "1"))
	}
	tests := []struct {
		name   string
		call   func() error
		code   string
		status int
	}{
		{"list principals of a missing thing", func() error {
			_, err := e.cli.ListThingPrincipals(ctx(t), &iot.ListThingPrincipalsInput{ThingName: aws.String("ghost")})
			return err
		}, localiot.ErrResourceNotFound, http.StatusNotFound},
		{"attach to a missing thing", func() error {
			_, err := e.cli.AttachThingPrincipal(ctx(t), &iot.AttachThingPrincipalInput{ThingName: aws.String("ghost"), Principal: arn})
			return err
		}, localiot.ErrResourceNotFound, http.StatusNotFound},
		{"attach a missing certificate", func() error {
			_, err := e.cli.AttachThingPrincipal(ctx(t), &iot.AttachThingPrincipalInput{ThingName: aws.String("dev-1"), Principal: missingCert})
			return err
		}, localiot.ErrResourceNotFound, http.StatusNotFound},
		{"attach a non-certificate principal", func() error {
			_, err := e.cli.AttachThingPrincipal(ctx(t), &iot.AttachThingPrincipalInput{ThingName: aws.String("dev-1"), Principal: aws.String("us-east-1:cognito-id")})
			return err
		}, localiot.ErrInvalidRequest, http.StatusBadRequest},
		{"detach from a missing thing", func() error {
			_, err := e.cli.DetachThingPrincipal(ctx(t), &iot.DetachThingPrincipalInput{ThingName: aws.String("ghost"), Principal: arn})
			return err
		}, localiot.ErrResourceNotFound, http.StatusNotFound},
		{"things of a missing certificate", func() error {
			_, err := e.cli.ListPrincipalThings(ctx(t), &iot.ListPrincipalThingsInput{Principal: missingCert})
			return err
		}, localiot.ErrResourceNotFound, http.StatusNotFound},
		{"bad attach type", func() error {
			_, err := e.cli.AttachThingPrincipal(ctx(t), &iot.AttachThingPrincipalInput{ThingName: aws.String("dev-1"), Principal: arn, ThingPrincipalType: "SOMETIMES"})
			return err
		}, localiot.ErrInvalidRequest, http.StatusBadRequest},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			requireAPIError(t, tc.call(), tc.code, tc.status)
		})
	}
}
