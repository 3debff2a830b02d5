package api

import (
	"fmt"
	"io"
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

func TestDescribeAndListCertificates(t *testing.T) {
	e := newEnv(t, localiot.Config{})
	ca := newCA(t, "cert CA")
	caID := e.registerJITPCA(t, ca)
	var ids []string
	for i := range 3 {
		ids = append(ids, e.provision(t, ca, fmt.Sprintf("cert-%d", i)).ID)
	}

	d, err := e.cli.DescribeCertificate(ctx(t), &iot.DescribeCertificateInput{CertificateId: aws.String(ids[0])})
	require.NoError(t, err)
	cd := d.CertificateDescription
	assert.Equal(t, types.CertificateStatusActive, cd.Status)
	assert.Equal(t, caID, *cd.CaCertificateId)
	assert.Equal(t, localiot.CertificateARN(ids[0]), *cd.CertificateArn)
	assert.Equal(t, types.CertificateModeDefault, cd.CertificateMode)
	assert.Contains(t, *cd.CertificatePem, "BEGIN CERTIFICATE")
	require.NotNil(t, cd.Validity)
	assert.True(t, cd.Validity.NotAfter.After(time.Now()))
	require.NotNil(t, cd.CreationDate)

	var listed []string
	p := iot.NewListCertificatesByCAPaginator(e.cli, &iot.ListCertificatesByCAInput{CaCertificateId: aws.String(caID), PageSize: aws.Int32(2), AscendingOrder: true})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx(t))
		require.NoError(t, err)
		for _, c := range page.Certificates {
			listed = append(listed, *c.CertificateId)
			assert.Equal(t, types.CertificateStatusActive, c.Status)
			assert.Equal(t, types.CertificateModeDefault, c.CertificateMode)
		}
	}
	assert.Equal(t, ids, listed)

	other, err := e.cli.ListCertificatesByCA(ctx(t), &iot.ListCertificatesByCAInput{CaCertificateId: aws.String(ids[0])})
	require.NoError(t, err, "an unknown CA has no certificates")
	assert.Empty(t, other.Certificates)

	_, err = e.cli.DescribeCertificate(ctx(t), &iot.DescribeCertificateInput{CertificateId: aws.String(caID)})
	requireAPIError(t, err, localiot.ErrResourceNotFound, http.StatusNotFound)
	_, err = e.cli.DescribeCertificate(ctx(t), &iot.DescribeCertificateInput{CertificateId: aws.String("abc")})
	requireAPIError(t, err, localiot.ErrInvalidRequest, http.StatusBadRequest)
}

func TestUpdateCertificateDisconnects(t *testing.T) {
	e := newEnv(t, localiot.Config{})
	ca := newCA(t, "update cert CA")
	e.registerJITPCA(t, ca)
	dev := e.provision(t, ca, "upd-1")
	conn, ok := e.connect311(t, dev, "upd-1")
	require.True(t, ok)

	_, err := e.cli.UpdateCertificate(ctx(t), &iot.UpdateCertificateInput{CertificateId: aws.String(dev.ID), NewStatus: types.CertificateStatusInactive})
	require.NoError(t, err)
	_ = conn.SetReadDeadline(time.Now().Add(safetyNet))
	_, err = io.ReadAll(conn) // returns once the server closed the connection
	_ = err
	_, ok = e.connect311(t, dev, "upd-1")
	assert.False(t, ok, "an INACTIVE certificate is refused")

	_, err = e.cli.UpdateCertificate(ctx(t), &iot.UpdateCertificateInput{CertificateId: aws.String(dev.ID), NewStatus: types.CertificateStatusActive})
	require.NoError(t, err)
	_, ok = e.connect311(t, dev, "upd-1")
	assert.True(t, ok, "ACTIVE again")

	tests := []struct {
		name   string
		status types.CertificateStatus
		code   string
		httpSC int
	}{
		{"PENDING_ACTIVATION is internal", types.CertificateStatusPendingActivation, localiot.ErrCertificateState, http.StatusNotAcceptable},
		{"PENDING_TRANSFER is internal", types.CertificateStatusPendingTransfer, localiot.ErrCertificateState, http.StatusNotAcceptable},
		{"unknown status", "BROKEN", localiot.ErrInvalidRequest, http.StatusBadRequest},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := e.cli.UpdateCertificate(ctx(t), &iot.UpdateCertificateInput{CertificateId: aws.String(dev.ID), NewStatus: tc.status})
			requireAPIError(t, err, tc.code, tc.httpSC)
		})
	}

	_, err = e.cli.UpdateCertificate(ctx(t), &iot.UpdateCertificateInput{CertificateId: aws.String(dev.ID), NewStatus: types.CertificateStatusRevoked})
	require.NoError(t, err)
	_, err = e.cli.UpdateCertificate(ctx(t), &iot.UpdateCertificateInput{CertificateId: aws.String(dev.ID), NewStatus: types.CertificateStatusActive})
	requireAPIError(t, err, localiot.ErrCertificateState, http.StatusNotAcceptable)
	_, err = e.cli.UpdateCertificate(ctx(t), &iot.UpdateCertificateInput{CertificateId: aws.String(ca.Cert.Subject.CommonName + "0"), NewStatus: types.CertificateStatusActive})
	requireAPIError(t, err, localiot.ErrInvalidRequest, http.StatusBadRequest)
	_, err = e.cli.UpdateCertificate(ctx(t), &iot.UpdateCertificateInput{CertificateId: aws.String(pki.CertificateID(ca.Cert.Raw)), NewStatus: types.CertificateStatusActive})
	requireAPIError(t, err, localiot.ErrResourceNotFound, http.StatusNotFound)
}

func TestDeleteCertificate(t *testing.T) {
	e := newEnv(t, localiot.Config{})
	ca := newCA(t, "delete cert CA")
	e.registerJITPCA(t, ca)
	dev := e.provision(t, ca, "del-1")
	id := aws.String(dev.ID)
	arn := aws.String(localiot.CertificateARN(dev.ID))
	del := func(force bool) error {
		_, err := e.cli.DeleteCertificate(ctx(t), &iot.DeleteCertificateInput{CertificateId: id, ForceDelete: force})
		return err
	}

	err := del(false)
	requireAPIError(t, err, localiot.ErrCertificateState, http.StatusNotAcceptable)
	assert.ErrorContains(t, err, "Certificate must be deactivated (not ACTIVE) before deletion.")

	_, err = e.cli.UpdateCertificate(ctx(t), &iot.UpdateCertificateInput{CertificateId: id, NewStatus: types.CertificateStatusInactive})
	require.NoError(t, err)
	err = del(true)
	requireAPIError(t, err, localiot.ErrDeleteConflict, http.StatusConflict)
	assert.ErrorContains(t, err, "Things must be detached before deletion (arn: "+*arn+")")

	_, err = e.cli.DetachThingPrincipal(ctx(t), &iot.DetachThingPrincipalInput{ThingName: aws.String("del-1"), Principal: arn})
	require.NoError(t, err)
	err = del(false)
	requireAPIError(t, err, localiot.ErrDeleteConflict, http.StatusConflict)
	assert.ErrorContains(t, err, "Certificate policies must be detached before deletion")

	require.NoError(t, del(true), "forceDelete detaches the policies")
	requireAPIError(t, del(false), localiot.ErrResourceNotFound, http.StatusNotFound)

	// The device's next connect is a first connect again: JITP registers it anew.
	_, ok := e.connect311(t, dev, "del-1")
	assert.False(t, ok)
	require.Eventually(t, func() bool {
		c, ok := e.srv.Registry().Certificate(dev.ID)
		return ok && c.Status == localiot.StatusActive
	}, safetyNet, pollEvery)
}
