package report

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestLiveQuantileAndBuckets(t *testing.T) {
	r := NewRecorder()
	_, ok := r.Quantile(PhaseProvision, 99)
	assert.False(t, ok, "no data yet")
	for i := 1; i <= 100; i++ {
		o := obs(OutcomeProvisioned, map[Phase]time.Duration{PhaseProvision: time.Duration(i) * 10 * time.Millisecond})
		if i > 98 {
			o.Outcome, o.IdempotencyViolated = OutcomeEchoLost, true
		}
		r.Record(o)
	}
	l := r.Live()
	assert.Equal(t, 100, l.Completed)
	assert.Equal(t, 98, l.Succeeded)
	assert.Equal(t, 2, l.Failed)
	assert.Equal(t, 2, l.Outcomes[OutcomeEchoLost])
	assert.Equal(t, 2, l.IdempotencyViolations)
	assert.EqualValues(t, 100, l.Count[PhaseProvision])
	assert.Equal(t, time.Second, l.Max[PhaseProvision])

	p99, ok := r.Quantile(PhaseProvision, 99)
	require.True(t, ok)
	assert.InEpsilon(t, float64(990*time.Millisecond), float64(p99), 0.002)
	_, ok = r.Quantile(NumPhases, 50)
	assert.False(t, ok)

	bounds := []time.Duration{5 * time.Millisecond, 100 * time.Millisecond, 500 * time.Millisecond, time.Minute}
	cum, count, sum := r.Buckets(PhaseProvision, bounds)
	assert.Equal(t, []uint64{0, 10, 50, 100}, cum)
	assert.EqualValues(t, 100, count)
	assert.Equal(t, 50500*time.Millisecond, sum)
	cum, count, _ = r.Buckets(PhaseEcho, bounds)
	assert.Equal(t, []uint64{0, 0, 0, 0}, cum)
	assert.Zero(t, count)
}
