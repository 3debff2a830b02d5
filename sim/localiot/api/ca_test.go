package api

import (
	"net/http"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iot"
	"github.com/aws/aws-sdk-go-v2/service/iot/types"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/jitpsim/jitpsim/sim/localiot"
	"github.com/jitpsim/jitpsim/sim/pki"
)

func TestGetRegistrationCodeIsStable(t *testing.T) {
	e := newEnv(t, localiot.Config{})
	a, err := e.cli.GetRegistrationCode(ctx(t), &iot.GetRegistrationCodeInput{})
	require.NoError(t, err)
	b, err := e.cli.GetRegistrationCode(ctx(t), &iot.GetRegistrationCodeInput{})
	require.NoError(t, err)
	assert.Regexp(t, `^[0-9a-f]{64}$`, *a.RegistrationCode)
	assert.Equal(t, *a.RegistrationCode, *b.RegistrationCode)
}

func TestRegisterAndDescribeCACertificate(t *testing.T) {
	e := newEnv(t, localiot.Config{})
	ca := newCA(t, "describe CA")
	body := stringified()
	out, err := e.cli.RegisterCACertificate(ctx(t), &iot.RegisterCACertificateInput{
		CaCertificate:           aws.String(string(ca.CertPEM)),
		VerificationCertificate: aws.String(e.verificationPEM(t, ca)),
		SetAsActive:             true,
		AllowAutoRegistration:   true,
		RegistrationConfig:      sdkRegConfig(body),
	})
	require.NoError(t, err)
	assert.Equal(t, pki.CertificateID(ca.Cert.Raw), *out.CertificateId)
	assert.Equal(t, localiot.CACertificateARN(*out.CertificateId), *out.CertificateArn)

	d, err := e.cli.DescribeCACertificate(ctx(t), &iot.DescribeCACertificateInput{CertificateId: out.CertificateId})
	require.NoError(t, err)
	cd := d.CertificateDescription
	assert.Equal(t, types.CACertificateStatusActive, cd.Status)
	assert.Equal(t, types.AutoRegistrationStatusEnable, cd.AutoRegistrationStatus)
	assert.Equal(t, types.CertificateModeDefault, cd.CertificateMode)
	assert.Equal(t, string(ca.CertPEM), *cd.CertificatePem)
	assert.Equal(t, localiot.AccountID, *cd.OwnedBy)
	assert.WithinDuration(t, ca.Cert.NotAfter, *cd.Validity.NotAfter, time.Second)
	require.NotNil(t, cd.CreationDate)
	require.NotNil(t, d.RegistrationConfig)
	assert.Equal(t, body, *d.RegistrationConfig.TemplateBody, "templateBody comes back as registered")
	assert.Equal(t, testRoleArn, *d.RegistrationConfig.RoleArn)

	// SNI_ONLY needs no verification certificate and registers INACTIVE without setAsActive.
	sni := newCA(t, "sni CA")
	out, err = e.cli.RegisterCACertificate(ctx(t), &iot.RegisterCACertificateInput{
		CaCertificate:   aws.String(string(sni.CertPEM)),
		CertificateMode: types.CertificateModeSniOnly,
	})
	require.NoError(t, err)
	d, err = e.cli.DescribeCACertificate(ctx(t), &iot.DescribeCACertificateInput{CertificateId: out.CertificateId})
	require.NoError(t, err)
	assert.Equal(t, types.CertificateModeSniOnly, d.CertificateDescription.CertificateMode)
	assert.Equal(t, types.CACertificateStatusInactive, d.CertificateDescription.Status)
	assert.Equal(t, types.AutoRegistrationStatusDisable, d.CertificateDescription.AutoRegistrationStatus)
	assert.Nil(t, d.RegistrationConfig)
}

func TestRegisterCACertificateErrors(t *testing.T) {
	e := newEnv(t, localiot.Config{})
	ca := newCA(t, "errors CA")
	other := newCA(t, "other CA")
	leaf, err := ca.Mint(0, pki.Subject{CommonName: "leaf"}, pki.KeyEC256)
	require.NoError(t, err)
	wrongCN, err := ca.Mint(0, pki.Subject{CommonName: "not-the-code"}, pki.KeyEC256)
	require.NoError(t, err)
	good := e.verificationPEM(t, ca)
	dup := newCA(t, "dup CA")
	_, err = e.cli.RegisterCACertificate(ctx(t), &iot.RegisterCACertificateInput{CaCertificate: aws.String(string(dup.CertPEM)), CertificateMode: types.CertificateModeSniOnly})
	require.NoError(t, err)

	tests := []struct {
		name     string
		in       iot.RegisterCACertificateInput
		code     string
		status   int
		contains string
	}{
		{"verification CN is not the code", iot.RegisterCACertificateInput{CaCertificate: aws.String(string(ca.CertPEM)), VerificationCertificate: aws.String(string(wrongCN.CertPEM()))},
			localiot.ErrRegistrationCodeInvalid, 400, "registration code"},
		{"verification signed by another CA", iot.RegisterCACertificateInput{CaCertificate: aws.String(string(other.CertPEM)), VerificationCertificate: aws.String(good)},
			localiot.ErrCertificateValidation, 400, "not signed"},
		{"DEFAULT without verification", iot.RegisterCACertificateInput{CaCertificate: aws.String(string(ca.CertPEM))},
			localiot.ErrInvalidRequest, 400, "verificationCertificate is required"},
		{"SNI_ONLY with verification", iot.RegisterCACertificateInput{CaCertificate: aws.String(string(ca.CertPEM)), VerificationCertificate: aws.String(good), CertificateMode: types.CertificateModeSniOnly},
			localiot.ErrInvalidRequest, 400, "must be empty"},
		{"not a CA", iot.RegisterCACertificateInput{CaCertificate: aws.String(string(leaf.CertPEM())), CertificateMode: types.CertificateModeSniOnly},
			localiot.ErrCertificateValidation, 400, "not a CA"},
		{"not PEM", iot.RegisterCACertificateInput{CaCertificate: aws.String("hello"), CertificateMode: types.CertificateModeSniOnly},
			localiot.ErrCertificateValidation, 400, "PEM"},
		{"malformed template", iot.RegisterCACertificateInput{CaCertificate: aws.String(string(ca.CertPEM)), VerificationCertificate: aws.String(good), RegistrationConfig: sdkRegConfig(`{"Resources": `)},
			localiot.ErrInvalidRequest, 400, "Invalid registration template. Template format error: JSON not well-formed"},
		{"double-stringified template", iot.RegisterCACertificateInput{CaCertificate: aws.String(string(ca.CertPEM)), VerificationCertificate: aws.String(good), RegistrationConfig: sdkRegConfig(`"{\"Resources\":{}}"`)},
			localiot.ErrInvalidRequest, 400, "Invalid registration template."},
		{"template name", iot.RegisterCACertificateInput{CaCertificate: aws.String(string(ca.CertPEM)), VerificationCertificate: aws.String(good), RegistrationConfig: &types.RegistrationConfig{TemplateName: aws.String("jitp")}},
			localiot.ErrResourceNotFound, 404, "jitp"},
		{"bad mode", iot.RegisterCACertificateInput{CaCertificate: aws.String(string(ca.CertPEM)), CertificateMode: "SOMETIMES"},
			localiot.ErrInvalidRequest, 400, "certificateMode"},
		{"already registered", iot.RegisterCACertificateInput{CaCertificate: aws.String(string(dup.CertPEM)), CertificateMode: types.CertificateModeSniOnly},
			localiot.ErrResourceAlreadyExists, 409, "already"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := e.cli.RegisterCACertificate(ctx(t), &tc.in)
			requireAPIError(t, err, tc.code, tc.status)
			assert.ErrorContains(t, err, tc.contains)
		})
	}

	// ResourceAlreadyExistsException names the existing CA.
	_, err = e.cli.RegisterCACertificate(ctx(t), &iot.RegisterCACertificateInput{CaCertificate: aws.String(string(dup.CertPEM)), CertificateMode: types.CertificateModeSniOnly})
	var exists *types.ResourceAlreadyExistsException
	require.ErrorAs(t, err, &exists)
	assert.Equal(t, pki.CertificateID(dup.Cert.Raw), *exists.ResourceId)
	assert.Equal(t, localiot.CACertificateARN(*exists.ResourceId), *exists.ResourceArn)
}

func TestUpdateAndDeleteCACertificate(t *testing.T) {
	e := newEnv(t, localiot.Config{})
	ca := newCA(t, "update CA")
	id := aws.String(e.registerJITPCA(t, ca))
	describe := func() *iot.DescribeCACertificateOutput {
		d, err := e.cli.DescribeCACertificate(ctx(t), &iot.DescribeCACertificateInput{CertificateId: id})
		require.NoError(t, err)
		return d
	}

	_, err := e.cli.DeleteCACertificate(ctx(t), &iot.DeleteCACertificateInput{CertificateId: id})
	requireAPIError(t, err, localiot.ErrCertificateState, http.StatusNotAcceptable)

	_, err = e.cli.UpdateCACertificate(ctx(t), &iot.UpdateCACertificateInput{CertificateId: id,
		NewStatus: types.CACertificateStatusInactive, NewAutoRegistrationStatus: types.AutoRegistrationStatusDisable})
	require.NoError(t, err)
	d := describe()
	assert.Equal(t, types.CACertificateStatusInactive, d.CertificateDescription.Status)
	assert.Equal(t, types.AutoRegistrationStatusDisable, d.CertificateDescription.AutoRegistrationStatus)
	assert.NotNil(t, d.RegistrationConfig)

	newBody := `{"Resources":{"certificate":{"Type":"AWS::IoT::Certificate","Properties":{"CertificateId":{"Ref":"AWS::IoT::Certificate::Id"},"Status":"ACTIVE"}}},"Parameters":{"AWS::IoT::Certificate::Id":{"Type":"String"}}}`
	_, err = e.cli.UpdateCACertificate(ctx(t), &iot.UpdateCACertificateInput{CertificateId: id, RegistrationConfig: sdkRegConfig(newBody)})
	require.NoError(t, err)
	assert.Equal(t, newBody, *describe().RegistrationConfig.TemplateBody)

	_, err = e.cli.UpdateCACertificate(ctx(t), &iot.UpdateCACertificateInput{CertificateId: id, RegistrationConfig: sdkRegConfig(`{"Resources": {"policy": {"Type": "AWS::IoT::Policy", "Properties": {}}}}`)})
	requireAPIError(t, err, localiot.ErrInvalidRequest, http.StatusBadRequest)
	assert.ErrorContains(t, err, "Invalid registration template.")

	_, err = e.cli.UpdateCACertificate(ctx(t), &iot.UpdateCACertificateInput{CertificateId: id, RemoveAutoRegistration: true})
	require.NoError(t, err)
	assert.Nil(t, describe().RegistrationConfig)

	_, err = e.cli.UpdateCACertificate(ctx(t), &iot.UpdateCACertificateInput{CertificateId: id, NewStatus: "DELETED"})
	requireAPIError(t, err, localiot.ErrInvalidRequest, http.StatusBadRequest)
	missing := aws.String(pki.CertificateID([]byte("missing")))
	_, err = e.cli.UpdateCACertificate(ctx(t), &iot.UpdateCACertificateInput{CertificateId: missing, NewStatus: types.CACertificateStatusActive})
	requireAPIError(t, err, localiot.ErrResourceNotFound, http.StatusNotFound)
	_, err = e.cli.DescribeCACertificate(ctx(t), &iot.DescribeCACertificateInput{CertificateId: missing})
	requireAPIError(t, err, localiot.ErrResourceNotFound, http.StatusNotFound)
	_, err = e.cli.DescribeCACertificate(ctx(t), &iot.DescribeCACertificateInput{CertificateId: aws.String("nope")})
	requireAPIError(t, err, localiot.ErrInvalidRequest, http.StatusBadRequest)

	_, err = e.cli.DeleteCACertificate(ctx(t), &iot.DeleteCACertificateInput{CertificateId: id})
	require.NoError(t, err)
	_, err = e.cli.DeleteCACertificate(ctx(t), &iot.DeleteCACertificateInput{CertificateId: id})
	requireAPIError(t, err, localiot.ErrResourceNotFound, http.StatusNotFound)
}

func TestListCACertificatesPagination(t *testing.T) {
	e := newEnv(t, localiot.Config{})
	var ids []string
	for range 5 {
		out, err := e.cli.RegisterCACertificate(ctx(t), &iot.RegisterCACertificateInput{
			CaCertificate: aws.String(string(newCA(t, "list CA").CertPEM)), CertificateMode: types.CertificateModeSniOnly})
		require.NoError(t, err)
		ids = append(ids, *out.CertificateId)
	}
	list := func(ascending bool) []string {
		var got []string
		p := iot.NewListCACertificatesPaginator(e.cli, &iot.ListCACertificatesInput{PageSize: aws.Int32(2), AscendingOrder: ascending})
		pages := 0
		for p.HasMorePages() {
			page, err := p.NextPage(ctx(t))
			require.NoError(t, err)
			require.LessOrEqual(t, len(page.Certificates), 2)
			for _, c := range page.Certificates {
				got = append(got, *c.CertificateId)
				assert.NotNil(t, c.CreationDate)
			}
			pages++
		}
		assert.Equal(t, 3, pages)
		return got
	}
	assert.Equal(t, ids, list(true), "ascending: oldest first")
	desc := list(false)
	require.Len(t, desc, 5)
	assert.Equal(t, ids[4], desc[0], "descending (the default): newest first")

	all, err := e.cli.ListCACertificates(ctx(t), &iot.ListCACertificatesInput{})
	require.NoError(t, err)
	assert.Len(t, all.Certificates, 5)
	assert.Nil(t, all.NextMarker)
	none, err := e.cli.ListCACertificates(ctx(t), &iot.ListCACertificatesInput{TemplateName: aws.String("jitp")})
	require.NoError(t, err)
	assert.Empty(t, none.Certificates)

	_, err = e.cli.ListCACertificates(ctx(t), &iot.ListCACertificatesInput{Marker: aws.String("!!")})
	requireAPIError(t, err, localiot.ErrInvalidRequest, http.StatusBadRequest)
	_, err = e.cli.ListCACertificates(ctx(t), &iot.ListCACertificatesInput{PageSize: aws.Int32(251)})
	requireAPIError(t, err, localiot.ErrInvalidRequest, http.StatusBadRequest)
}
