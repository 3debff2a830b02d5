package awsiot

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/jitpsim/jitpsim/sim/localiot"
	"github.com/jitpsim/jitpsim/sim/localiot/template"
	"github.com/jitpsim/jitpsim/sim/pki"
)

func TestSetupIsIdempotent(t *testing.T) {
	s := startStandIn(t, localiot.Config{})
	c := s.client(unlimited)
	ca := newCA(t)
	classic := template.Classic()
	other := classic.WithRoleArn("arn:aws:iam::123456789012:role/Other")
	steps := []struct {
		name    string
		before  func(t *testing.T)
		tmpl    *template.Template
		action  string
		changes int
	}{
		{"first setup registers", nil, classic, SetupRegistered, 0},
		{"second setup changes nothing", nil, classic, SetupUnchanged, 0},
		{"a new role ARN updates the registration config", nil, other, SetupUpdated, 1},
		{"an INACTIVE CA without auto-registration is set right", func(t *testing.T) {
			require.NoError(t, s.srv.Registry().UpdateCACertificate(pki.CertificateID(ca.Cert.Raw),
				localiot.UpdateCAInput{NewStatus: "INACTIVE", NewAutoRegistrationStatus: "DISABLE"}))
		}, other, SetupUpdated, 2},
		{"and then it is unchanged", nil, other, SetupUnchanged, 0},
	}
	for _, st := range steps {
		t.Run(st.name, func(t *testing.T) {
			if st.before != nil {
				st.before(t)
			}
			res, err := c.Setup(testCtx(t), SetupInput{CA: ca, Template: st.tmpl, Mode: "DEFAULT"})
			require.NoError(t, err)
			assert.Equal(t, st.action, res.Action)
			assert.Len(t, res.Changes, st.changes, "%v", res.Changes)
			assert.Empty(t, res.Warnings)
			assert.True(t, res.CA.Ready())
			assert.Equal(t, pki.CertificateID(ca.Cert.Raw), res.CA.ID)
			assert.Equal(t, st.tmpl.RoleArn(), res.CA.RoleArn)
		})
	}
	assert.EqualValues(t, 1, c.Stats()["RegisterCACertificate"].Calls)
	assert.EqualValues(t, 1, c.Stats()["GetRegistrationCode"].Calls)
}

func TestSetupSNIOnlyAndModeWarning(t *testing.T) {
	s := startStandIn(t, localiot.Config{})
	c := s.client(unlimited)
	ca := newCA(t)
	res, err := c.Setup(testCtx(t), SetupInput{CA: ca, Template: template.Classic(), Mode: "SNI_ONLY"})
	require.NoError(t, err)
	assert.Equal(t, SetupRegistered, res.Action)
	assert.Equal(t, "SNI_ONLY", res.CA.Mode)
	assert.Zero(t, c.Stats()["GetRegistrationCode"].Calls, "SNI_ONLY needs no verification certificate")

	res, err = c.Setup(testCtx(t), SetupInput{CA: ca, Template: template.Classic(), Mode: "DEFAULT"})
	require.NoError(t, err)
	assert.Equal(t, SetupUnchanged, res.Action)
	require.Len(t, res.Warnings, 1)
	assert.Contains(t, res.Warnings[0], "registered in SNI_ONLY mode")
}

func TestCreateResources(t *testing.T) {
	s := startStandIn(t, localiot.Config{})
	c := s.client(unlimited)
	plan := &template.Plan{
		Thing:    &template.ThingSpec{Name: "t1", TypeName: "lightBulb", Groups: []string{"g1", "g2"}, BillingGroup: "b1"},
		Policies: []template.PolicySpec{{Name: "p1", Document: `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iot:Connect","Resource":"*"}]}`}},
	}
	for _, policy := range []string{"ready", "exists"} {
		done, err := c.CreateResources(testCtx(t), plan)
		require.NoError(t, err)
		assert.Equal(t, []string{"thing type lightBulb: ready", "thing group g1: ready", "thing group g2: ready",
			"billing group b1: ready", "policy p1: " + policy}, done)
	}
	_, ok := s.srv.Registry().ThingType("lightBulb")
	assert.True(t, ok)

	_, err := c.CreateResources(testCtx(t), &template.Plan{Policies: []template.PolicySpec{{Name: "missing"}}})
	require.ErrorContains(t, err, "policy missing: the template names it without a PolicyDocument, so it must exist")
}
