package awsiot

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/jitpsim/jitpsim/sim/localiot"
	"github.com/jitpsim/jitpsim/sim/pki"
)

// targetsOf returns cleanup targets for the expectations, with the CA's ARNs and fresh states.
func targetsOf(ca CA, want []Expectation) []CleanupTarget {
	out := make([]CleanupTarget, len(want))
	for i, w := range want {
		out[i] = CleanupTarget{CertificateID: w.CertificateID, ARN: ca.CertificateARN(w.CertificateID), Thing: w.Thing, State: &CleanupState{}}
	}
	return out
}

func TestCleanupRemovesOnlyTheRunAndResumes(t *testing.T) {
	s := startStandIn(t, localiot.Config{})
	c := s.client(unlimited)
	ca := newCA(t)
	want := s.provision(t, c, ca, 6)
	reg := s.srv.Registry()
	_, err := reg.CreateThing("unrelated", localiot.CreateThingInput{})
	require.NoError(t, err)
	regCA, ok, err := c.DescribeCA(testCtx(t), pki.CertificateID(ca.Cert.Raw))
	require.NoError(t, err)
	require.True(t, ok)
	run, rest := want[:4], want[4:]
	targets := targetsOf(regCA, run)

	dry, err := c.Cleanup(testCtx(t), targets, CleanupOptions{DryRun: true})
	require.NoError(t, err)
	assert.Equal(t, CleanupCounts{Deactivated: 4, PoliciesDetached: 4, ThingsDetached: 4, CertificatesDeleted: 4, ThingsDeleted: 4}, dry)
	assert.Len(t, reg.Things(), 7, "a dry run changes nothing")
	assert.Equal(t, CleanupState{}, *targets[0].State)

	done := 0
	got, err := c.Cleanup(testCtx(t), targets, CleanupOptions{Workers: 2, Progress: func(n int) { done = max(done, n) }})
	require.NoError(t, err)
	assert.Equal(t, dry, got)
	assert.Equal(t, 4, done)
	for _, w := range run {
		_, ok := reg.Certificate(w.CertificateID)
		assert.False(t, ok, "certificate of %s", w.Device)
		_, ok = reg.Thing(w.Thing)
		assert.False(t, ok, "thing %s", w.Thing)
	}
	for _, w := range rest {
		_, ok := reg.Certificate(w.CertificateID)
		assert.True(t, ok, "certificate of %s is not the run's", w.Device)
		_, ok = reg.Thing(w.Thing)
		assert.True(t, ok, "thing %s is not the run's", w.Thing)
	}
	_, ok = reg.Thing("unrelated")
	assert.True(t, ok)
	for _, tg := range targets {
		assert.Equal(t, CleanupState{Stage: StageDone}, *tg.State)
	}

	calls := c.Stats().Total().Calls
	again, err := c.Cleanup(testCtx(t), targets, CleanupOptions{})
	require.NoError(t, err)
	assert.Equal(t, CleanupCounts{Skipped: 4}, again)
	assert.Equal(t, calls, c.Stats().Total().Calls, "a second cleanup makes no call")
}

func TestCleanupContinuesAnInterruptedOne(t *testing.T) {
	s := startStandIn(t, localiot.Config{})
	c := s.client(unlimited)
	reg := s.srv.Registry()
	for _, name := range []string{"pending", "shared"} {
		_, err := reg.CreateThing(name, localiot.CreateThingInput{})
		require.NoError(t, err)
	}
	ca := newCA(t)
	want := s.provision(t, c, ca, 1)
	require.NoError(t, reg.AttachThingPrincipal("shared", localiot.CertificateARN(want[0].CertificateID)))
	tests := []struct {
		name   string
		state  CleanupState
		counts CleanupCounts
		after  CleanupState
	}{
		{"pending thing is deleted", CleanupState{Stage: StageCertificateDeleted, Things: []string{"pending"}},
			CleanupCounts{ThingsDeleted: 1}, CleanupState{Stage: StageDone}},
		{"a thing already gone is fine", CleanupState{Stage: StageCertificateDeleted, Things: []string{"gone"}},
			CleanupCounts{}, CleanupState{Stage: StageDone}},
		{"a thing with another principal is left", CleanupState{Stage: StageCertificateDeleted, Things: []string{"shared"}},
			CleanupCounts{Left: 1}, CleanupState{Stage: StageCertificateDeleted, Things: []string{"shared"}, Left: "thing shared kept: 1 other principal(s) attached"}},
		{"an unknown certificate is absent", CleanupState{},
			CleanupCounts{Absent: 1}, CleanupState{Stage: StageDone}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			st := tc.state
			tg := CleanupTarget{CertificateID: pki.CertificateID([]byte(tc.name)), ARN: "arn:aws:iot:us-east-1:123456789012:cert/x", State: &st}
			got, err := c.Cleanup(testCtx(t), []CleanupTarget{tg}, CleanupOptions{})
			require.NoError(t, err)
			assert.Equal(t, tc.counts, got)
			assert.Equal(t, tc.after, st)
		})
	}
	_, ok := reg.Thing("pending")
	assert.False(t, ok)
}

func TestCleanupOfAWholeCA(t *testing.T) {
	s := startStandIn(t, localiot.Config{})
	c := s.client(unlimited)
	ca := newCA(t)
	s.provision(t, c, ca, 3)
	certs, err := c.CertificatesByCA(testCtx(t), pki.CertificateID(ca.Cert.Raw))
	require.NoError(t, err)
	require.Len(t, certs, 3)
	targets := make([]CleanupTarget, len(certs))
	for i, cert := range certs {
		targets[i] = CleanupTarget{CertificateID: cert.ID, ARN: cert.ARN}
	}
	got, err := c.Cleanup(testCtx(t), targets, CleanupOptions{})
	require.NoError(t, err)
	assert.Equal(t, 3, got.CertificatesDeleted)
	assert.Equal(t, 3, got.ThingsDeleted)
	assert.Empty(t, s.srv.Registry().Things())
	assert.Empty(t, s.srv.Registry().Certificates())
}
