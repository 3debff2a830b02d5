package localiot

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/jitpsim/jitpsim/sim/localiot/template"
	"github.com/jitpsim/jitpsim/sim/pki"
)

func TestRegisterCA(t *testing.T) {
	r := NewRegistry()
	ca := newDeviceCA(t, "reg CA")

	id, err := r.registerCA(ca.Cert, template.Classic(), true)
	require.NoError(t, err)
	info, ok := r.CACertificate(id)
	require.True(t, ok)
	assert.Equal(t, StatusActive, info.Status)
	assert.True(t, info.AutoRegistration)
	assert.NotEmpty(t, info.Template)
	assert.Equal(t, string(ca.CertPEM), info.PEM)

	// Registering again updates flags and template and keeps one CA.
	id2, err := r.registerCA(ca.Cert, nil, false)
	require.NoError(t, err)
	assert.Equal(t, id, id2)
	info, _ = r.CACertificate(id)
	assert.False(t, info.AutoRegistration)
	assert.Empty(t, info.Template)
	assert.Len(t, r.CACertificates(), 1)

	// A device certificate is not a CA.
	dev := mint(t, ca, pki.Subject{CommonName: "leaf"})
	_, err = r.registerCA(dev.Leaf(), nil, true)
	assert.ErrorContains(t, err, "not a CA certificate")
	_, err = r.registerCA(nil, nil, true)
	assert.Error(t, err)
}

func TestSetCertificateStatus(t *testing.T) {
	r := NewRegistry()
	ca := newDeviceCA(t, "status CA")
	caID, err := r.registerCA(ca.Cert, nil, true)
	require.NoError(t, err)
	dev := mint(t, ca, pki.Subject{CommonName: "d"})
	created, _, err := r.registerPending(dev.ID, caID, dev.Leaf())
	require.NoError(t, err)
	require.True(t, created)

	tests := []struct {
		name, id, status, wantErr string
	}{
		{name: "activate", id: dev.ID, status: StatusActive},
		{name: "revoke", id: dev.ID, status: StatusRevoked},
		{name: "unknown status", id: dev.ID, status: "DELETED", wantErr: "unknown certificate status"},
		{name: "unknown certificate", id: "00", status: StatusActive, wantErr: "does not exist"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := r.SetCertificateStatus(tc.id, tc.status)
			if tc.wantErr != "" {
				require.ErrorContains(t, err, tc.wantErr)
				return
			}
			require.NoError(t, err)
			c, _ := r.Certificate(tc.id)
			assert.Equal(t, tc.status, c.Status)
		})
	}
}

func TestApplyPlan(t *testing.T) {
	ca := newDeviceCA(t, "plan CA")
	dev := mint(t, ca, pki.Subject{CommonName: "d"})
	active := &template.Plan{Certificate: template.CertificateSpec{ID: dev.ID, Status: template.StatusActive}}
	tests := []struct {
		name     string
		plan     *template.Plan
		prepare  func(r *Registry)
		wantKind string
		wantMsg  string
	}{
		{name: "thing and named policy reused", plan: &template.Plan{
			Thing:       &template.ThingSpec{Name: "existing"},
			Certificate: active.Certificate,
			Policies:    []template.PolicySpec{{Name: "pre"}},
		}, prepare: func(r *Registry) {
			r.things["existing"] = &ThingInfo{Name: "existing", Attributes: map[string]string{"keep": "me"}, Version: 3}
			r.policies["pre"] = &PolicyInfo{Name: "pre", Document: "{}", VersionID: "1"}
		}},
		{name: "missing named policy", plan: &template.Plan{Certificate: active.Certificate, Policies: []template.PolicySpec{{Name: "absent"}}},
			wantKind: template.ClientError, wantMsg: "policy absent does not exist"},
		{name: "wrong certificate id", plan: &template.Plan{Certificate: template.CertificateSpec{ID: "other", Status: template.StatusActive}},
			wantKind: template.ClientError, wantMsg: "CertificateId other"},
		{name: "not pending", plan: active, prepare: func(r *Registry) { r.certs[dev.ID].Status = StatusRevoked },
			wantKind: template.ClientError, wantMsg: "is REVOKED"},
		{name: "unregistered certificate", plan: active, prepare: func(r *Registry) { delete(r.certs, dev.ID) },
			wantKind: template.ServerError, wantMsg: "no longer registered"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := NewRegistry()
			caID, err := r.registerCA(ca.Cert, nil, true)
			require.NoError(t, err)
			_, _, err = r.registerPending(dev.ID, caID, dev.Leaf())
			require.NoError(t, err)
			if tc.prepare != nil {
				tc.prepare(r)
			}
			before := r.Things()
			err = r.applyPlan(dev.ID, tc.plan)
			if tc.wantKind != "" {
				var pe *template.ProvisionError
				require.ErrorAs(t, err, &pe)
				assert.Equal(t, tc.wantKind, pe.Kind)
				assert.Contains(t, pe.Msg, tc.wantMsg)
				assert.Equal(t, before, r.Things(), "a failed plan changes nothing")
				return
			}
			require.NoError(t, err)
			c, _ := r.Certificate(dev.ID)
			assert.Equal(t, StatusActive, c.Status)
			assert.Equal(t, []string{"existing"}, c.Things)
			assert.Equal(t, []string{"pre"}, c.Policies)
			th, _ := r.Thing("existing")
			assert.Equal(t, map[string]string{"keep": "me"}, th.Attributes, "DO_NOTHING keeps the existing thing")
			assert.Equal(t, int64(3), th.Version)
			assert.Equal(t, []string{CertificateARN(dev.ID)}, th.Principals)
		})
	}
}

func TestARNs(t *testing.T) {
	assert.Equal(t, "arn:aws:iot:us-east-1:123456789012:cert/abc", CertificateARN("abc"))
	assert.Equal(t, "arn:aws:iot:us-east-1:123456789012:cacert/abc", CACertificateARN("abc"))
	assert.Equal(t, "arn:aws:iot:us-east-1:123456789012:thing/t", ThingARN("t"))
	assert.Equal(t, "arn:aws:iot:us-east-1:123456789012:policy/p", PolicyARN("p"))
}
