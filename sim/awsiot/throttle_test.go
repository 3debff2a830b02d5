package awsiot

import (
	"maps"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/jitpsim/jitpsim/sim/localiot"
	"github.com/jitpsim/jitpsim/sim/pki"
)

// TestThrottlingLosesNothing runs verify and cleanup with the client's own limits off against a
// stand-in that throttles every operation at 20 calls/s: the calls are throttled and retried,
// and every device is still verified and cleaned up.
func TestThrottlingLosesNothing(t *testing.T) {
	rates := maps.Clone(localiot.DefaultAPIRates())
	for op := range rates {
		rates[op] = 20
	}
	s := startStandIn(t, localiot.Config{AWSLimits: true, Limits: &localiot.Limits{APIRates: rates}})
	c := s.client(unlimited)
	ca := newCA(t)
	const n = 24
	want := s.provision(t, c, ca, n)

	res, err := c.Verify(testCtx(t), pki.CertificateID(ca.Cert.Raw), want, DefaultWorkers, nil)
	require.NoError(t, err)
	assert.Equal(t, VerifyResult{Checked: n}, res)

	regCA, _, err := c.DescribeCA(testCtx(t), pki.CertificateID(ca.Cert.Raw))
	require.NoError(t, err)
	got, err := c.Cleanup(testCtx(t), targetsOf(regCA, want), CleanupOptions{})
	require.NoError(t, err)
	assert.Equal(t, CleanupCounts{Deactivated: n, PoliciesDetached: n, ThingsDetached: n, CertificatesDeleted: n, ThingsDeleted: n}, got)
	assert.Empty(t, s.srv.Registry().Things())
	assert.Empty(t, s.srv.Registry().Certificates())

	total := c.Stats().Total()
	assert.Positive(t, total.Throttled, "the stand-in throttled nothing: %s", c.Stats())
	assert.Equal(t, total.Throttled, s.srv.Stats().APIThrottled)
	for op, st := range c.Stats() {
		if op != "DescribeCACertificate" { // Setup's first describe finds no CA, as it should
			assert.Zero(t, st.Errors, "%s gave up: %s", op, c.Stats())
		}
	}
}
