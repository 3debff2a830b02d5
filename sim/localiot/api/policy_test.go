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
	"github.com/jitpsim/jitpsim/sim/pki"
)

// allowAll is a policy document allowing every IoT action.
const allowAll = `{
  "Version": "2012-10-17",
  "Statement": [{"Effect": "Allow", "Action": "iot:*", "Resource": "*"}]
}`

func TestCreateAndGetPolicy(t *testing.T) {
	e := newEnv(t, localiot.Config{})
	out, err := e.cli.CreatePolicy(ctx(t), &iot.CreatePolicyInput{PolicyName: aws.String("IoTAccess"), PolicyDocument: aws.String(allowAll)})
	require.NoError(t, err)
	assert.Equal(t, localiot.PolicyARN("IoTAccess"), *out.PolicyArn)
	assert.Equal(t, "1", *out.PolicyVersionId)
	assert.Equal(t, allowAll, *out.PolicyDocument)

	got, err := e.cli.GetPolicy(ctx(t), &iot.GetPolicyInput{PolicyName: aws.String("IoTAccess")})
	require.NoError(t, err)
	assert.Equal(t, allowAll, *got.PolicyDocument, "the document is kept as given")
	assert.Equal(t, "1", *got.DefaultVersionId)
	assert.NotNil(t, got.CreationDate)

	_, err = e.cli.CreatePolicy(ctx(t), &iot.CreatePolicyInput{PolicyName: aws.String("IoTAccess"), PolicyDocument: aws.String(allowAll)})
	var exists *types.ResourceAlreadyExistsException
	require.ErrorAs(t, err, &exists)
	assert.Equal(t, "IoTAccess", *exists.ResourceId)
	assert.Equal(t, localiot.PolicyARN("IoTAccess"), *exists.ResourceArn)

	tests := []struct {
		name, policy, doc, code string
		status                  int
	}{
		{"not JSON", "p1", "{", localiot.ErrMalformedPolicy, http.StatusBadRequest},
		{"no statement", "p2", `{"Version":"2012-10-17"}`, localiot.ErrMalformedPolicy, http.StatusBadRequest},
		{"bad effect", "p3", `{"Version":"2012-10-17","Statement":[{"Effect":"Maybe","Action":"iot:*","Resource":"*"}]}`, localiot.ErrMalformedPolicy, http.StatusBadRequest},
		{"bad name", "no spaces", allowAll, localiot.ErrInvalidRequest, http.StatusBadRequest},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := e.cli.CreatePolicy(ctx(t), &iot.CreatePolicyInput{PolicyName: aws.String(tc.policy), PolicyDocument: aws.String(tc.doc)})
			requireAPIError(t, err, tc.code, tc.status)
		})
	}
	_, err = e.cli.GetPolicy(ctx(t), &iot.GetPolicyInput{PolicyName: aws.String("missing")})
	requireAPIError(t, err, localiot.ErrResourceNotFound, http.StatusNotFound)
}

func TestAttachDetachListPolicies(t *testing.T) {
	e := newEnv(t, localiot.Config{})
	ca := newCA(t, "policy CA")
	e.registerJITPCA(t, ca)
	dev := e.provision(t, ca, "pol-1") // the classic template attaches one policy
	target := aws.String(localiot.CertificateARN(dev.ID))

	for i := range 9 {
		name := aws.String(fmt.Sprintf("extra-%d", i))
		_, err := e.cli.CreatePolicy(ctx(t), &iot.CreatePolicyInput{PolicyName: name, PolicyDocument: aws.String(allowAll)})
		require.NoError(t, err)
		_, err = e.cli.AttachPolicy(ctx(t), &iot.AttachPolicyInput{PolicyName: name, Target: target})
		require.NoError(t, err)
	}
	_, err := e.cli.AttachPolicy(ctx(t), &iot.AttachPolicyInput{PolicyName: aws.String("extra-0"), Target: target})
	require.NoError(t, err, "attaching again is a no-op")
	_, err = e.cli.CreatePolicy(ctx(t), &iot.CreatePolicyInput{PolicyName: aws.String("eleventh"), PolicyDocument: aws.String(allowAll)})
	require.NoError(t, err)
	_, err = e.cli.AttachPolicy(ctx(t), &iot.AttachPolicyInput{PolicyName: aws.String("eleventh"), Target: target})
	requireAPIError(t, err, localiot.ErrLimitExceeded, http.StatusGone)

	var names []string
	p := iot.NewListAttachedPoliciesPaginator(e.cli, &iot.ListAttachedPoliciesInput{Target: target, PageSize: aws.Int32(4)})
	pages := 0
	for p.HasMorePages() {
		page, err := p.NextPage(ctx(t))
		require.NoError(t, err)
		for _, pol := range page.Policies {
			names = append(names, *pol.PolicyName)
			assert.Equal(t, localiot.PolicyARN(*pol.PolicyName), *pol.PolicyArn)
		}
		pages++
	}
	assert.Equal(t, 3, pages)
	require.Len(t, names, 10)
	assert.Equal(t, "extra-0", names[1], "sorted by name after the template's hash-named policy")

	_, err = e.cli.DetachPolicy(ctx(t), &iot.DetachPolicyInput{PolicyName: aws.String("extra-0"), Target: target})
	require.NoError(t, err)
	_, err = e.cli.DetachPolicy(ctx(t), &iot.DetachPolicyInput{PolicyName: aws.String("extra-0"), Target: target})
	require.NoError(t, err, "detaching again is a no-op")
	all, err := e.cli.ListAttachedPolicies(ctx(t), &iot.ListAttachedPoliciesInput{Target: target})
	require.NoError(t, err)
	assert.Len(t, all.Policies, 9)

	tests := []struct {
		name   string
		call   func() error
		code   string
		status int
	}{
		{"attach a missing policy", func() error {
			_, err := e.cli.AttachPolicy(ctx(t), &iot.AttachPolicyInput{PolicyName: aws.String("ghost"), Target: target})
			return err
		}, localiot.ErrResourceNotFound, http.StatusNotFound},
		{"attach to a thing group", func() error {
			_, err := e.cli.AttachPolicy(ctx(t), &iot.AttachPolicyInput{PolicyName: aws.String("extra-1"), Target: aws.String("arn:aws:iot:us-east-1:123456789012:thinggroup/g")})
			return err
		}, localiot.ErrInvalidRequest, http.StatusBadRequest},
		{"attach to a missing certificate", func() error {
			_, err := e.cli.AttachPolicy(ctx(t), &iot.AttachPolicyInput{PolicyName: aws.String("extra-1"), Target: aws.String(localiot.CertificateARN(pki.CertificateID(ca.Cert.Raw)))})
			return err
		}, localiot.ErrResourceNotFound, http.StatusNotFound},
		{"list for a missing certificate", func() error {
			_, err := e.cli.ListAttachedPolicies(ctx(t), &iot.ListAttachedPoliciesInput{Target: aws.String(localiot.CertificateARN(pki.CertificateID(ca.Cert.Raw)))})
			return err
		}, localiot.ErrResourceNotFound, http.StatusNotFound},
		{"bad marker", func() error {
			_, err := e.cli.ListAttachedPolicies(ctx(t), &iot.ListAttachedPoliciesInput{Target: target, Marker: aws.String("*")})
			return err
		}, localiot.ErrInvalidRequest, http.StatusBadRequest},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			requireAPIError(t, tc.call(), tc.code, tc.status)
		})
	}
}
