package awsiot

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/jitpsim/jitpsim/sim/localiot"
	"github.com/jitpsim/jitpsim/sim/pki"
)

func TestVerifyAfterJITPFindsNothing(t *testing.T) {
	s := startStandIn(t, localiot.Config{})
	c := s.client(unlimited)
	ca := newCA(t)
	want := s.provision(t, c, ca, 8)
	require.Equal(t, "aws-003", want[3].Thing)
	require.Equal(t, map[string]string{"version": "v1"}, want[3].Attributes)

	res, err := c.Verify(testCtx(t), pki.CertificateID(ca.Cert.Raw), want, 4, nil)
	require.NoError(t, err)
	assert.Equal(t, VerifyResult{Checked: 8}, res)
	st := c.Stats()
	for _, op := range []string{"ListPrincipalThings", "DescribeThing", "ListAttachedPolicies"} {
		assert.EqualValues(t, 8, st[op].Calls, op)
	}
	assert.EqualValues(t, 1, st["ListCertificatesByCA"].Calls)
}

func TestVerifyFindings(t *testing.T) {
	s := startStandIn(t, localiot.Config{})
	c := s.client(unlimited)
	ca := newCA(t)
	caID := pki.CertificateID(ca.Cert.Raw)
	want := s.provision(t, c, ca, 1)
	reg := s.srv.Registry()
	arn := localiot.CertificateARN(want[0].CertificateID)
	tests := []struct {
		name    string
		tamper  func(t *testing.T, w *Expectation)
		problem string
	}{
		{"wrong attribute", func(_ *testing.T, w *Expectation) { w.Attributes = map[string]string{"version": "v2"} },
			`thing aws-000 attribute version = "v1", the template says "v2"`},
		{"missing attribute", func(_ *testing.T, w *Expectation) { w.Attributes = map[string]string{"colour": "red"} },
			`thing aws-000 has no attribute colour (template: "red")`},
		{"other thing name", func(_ *testing.T, w *Expectation) { w.Thing = "elsewhere" },
			"thing aws-000 attached, but the template names elsewhere"},
		{"thing type", func(_ *testing.T, w *Expectation) { w.ThingType = "lamp" },
			`thing aws-000 has type "", the template says "lamp"`},
		{"policy not attached", func(_ *testing.T, w *Expectation) { w.Policies = []string{"other-policy"} },
			"policy other-policy is not attached to its certificate"},
		{"plan error", func(_ *testing.T, w *Expectation) { w.PlanError = "no Country" },
			"the template cannot provision this device: no Country"},
		{"unknown certificate", func(_ *testing.T, w *Expectation) { w.CertificateID = pki.CertificateID([]byte("nothing")) },
			"is not registered"},
		{"certificate not ACTIVE", func(t *testing.T, _ *Expectation) {
			require.NoError(t, reg.SetCertificateStatus(want[0].CertificateID, "INACTIVE"))
			t.Cleanup(func() { require.NoError(t, reg.SetCertificateStatus(want[0].CertificateID, "ACTIVE")) })
		}, "is INACTIVE, want ACTIVE"},
		{"two things attached", func(t *testing.T, _ *Expectation) {
			_, err := reg.CreateThing("twin", localiot.CreateThingInput{})
			require.NoError(t, err)
			require.NoError(t, reg.AttachThingPrincipal("twin", arn))
			t.Cleanup(func() { require.NoError(t, reg.DetachThingPrincipal("twin", arn)) })
		}, "2 things attached to its certificate (aws-000, twin), want exactly 1"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			w := want[0]
			tc.tamper(t, &w)
			res, err := c.Verify(testCtx(t), caID, []Expectation{w}, 1, nil)
			require.NoError(t, err)
			assert.Equal(t, 1, res.Violations)
			require.Len(t, res.Findings, 1, "%v", res.Findings)
			assert.Equal(t, "aws-000", res.Findings[0].Device)
			assert.Contains(t, res.Findings[0].Problem, tc.problem)
		})
	}
}
