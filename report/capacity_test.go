package report

import (
	"bytes"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// stepSummary records n devices completing 1/rate apart, failing the last
// `failed` of them, and returns the summary.
func stepSummary(t *testing.T, n, failed int, rate float64, provision time.Duration) *Summary {
	t.Helper()
	start := time.Unix(0, 0)
	now := start
	r := NewRecorder(WithStart(start), WithClock(func() time.Time { return now }))
	for i := range n {
		now = start.Add(time.Duration(float64(i)/rate*float64(time.Second)) + provision)
		o := obs(OutcomeProvisioned, map[Phase]time.Duration{PhaseProvision: provision})
		if i >= n-failed {
			o.Outcome = OutcomeTimeout
		}
		r.Record(o)
	}
	return r.Summarize(Meta{Planned: n, Duration: time.Duration(float64(n)/rate*float64(time.Second)) + provision})
}

func capacitySample(t *testing.T) *Capacity {
	t.Helper()
	gates := []Gate{mustGate(t, "rate.success >= 99%"), mustGate(t, "provision.p99 < 1s")}
	c := &Capacity{StepDurationS: 2, MinAchieved: 0.9}
	c.Steps = append(c.Steps,
		NewCapacityStep(1, 10, stepSummary(t, 20, 0, 10, 250*time.Millisecond), gates, 0.9),
		NewCapacityStep(2, 20, stepSummary(t, 40, 0, 20, 300*time.Millisecond), gates, 0.9),
		NewCapacityStep(3, 30, stepSummary(t, 60, 6, 30, 2*time.Second), gates, 0.9))
	c.Stopped = "step 3 broke the gates"
	c.Finish()
	return c
}

func TestCapacityStepsAndKnee(t *testing.T) {
	c := capacitySample(t)
	require.Len(t, c.Steps, 3)
	for _, st := range c.Steps[:2] {
		assert.True(t, st.Within, "step %d: %v", st.Step, st.Failures)
		assert.InEpsilon(t, st.OfferedRate, st.AchievedRate, 0.06, "a step that keeps up achieves its offered rate")
	}
	last := c.Steps[2]
	assert.False(t, last.Within)
	assert.Equal(t, []string{"rate.success >= 99%", "provision.p99 < 1s"}, last.Failures)
	assert.InDelta(t, 10.0, last.ErrorPct, 1e-9)
	require.NotNil(t, c.Knee)
	assert.Equal(t, 2, c.Knee.Step)
	assert.Equal(t, 20.0, c.Knee.OfferedRate)
	assert.InDelta(t, 300, c.Knee.ProvisionP99, 1)
}

func TestCapacityStepTooSlow(t *testing.T) {
	// 40 devices offered at 20/s that complete only 5 per second.
	st := NewCapacityStep(1, 20, stepSummary(t, 40, 0, 5, 100*time.Millisecond), nil, 0.9)
	assert.False(t, st.Within)
	require.Len(t, st.Failures, 1)
	assert.Contains(t, st.Failures[0], "< 90% of offered")
	c := &Capacity{Steps: []CapacityStep{st}}
	c.Finish()
	assert.Nil(t, c.Knee)
}

func TestApplyCapacityAndText(t *testing.T) {
	s := fixedRun(t, "provision.p99 < 1ms")
	require.False(t, s.Passed)
	s.ApplyCapacity(capacitySample(t))
	assert.True(t, s.Passed, "a capacity run passes when it found a knee")
	assert.Equal(t, s.Capacity.Steps[1].Gates, s.Gates, "gates are those at the knee")

	var b bytes.Buffer
	require.NoError(t, WriteText(&b, s))
	golden(t, "capacity.txt", b.Bytes())

	m, _ := decodeMap(t, s)
	capacity := m["capacity"].(map[string]any)
	assert.Len(t, capacity["steps"], 3)
	assert.EqualValues(t, 2, capacity["knee"].(map[string]any)["step"])

	none := &Capacity{Steps: []CapacityStep{{Step: 1, Gates: []GateResult{{Gate: mustGate(t, "rate.success == 100%")}}}}}
	none.Finish()
	s.ApplyCapacity(none)
	assert.False(t, s.Passed)
	assert.Len(t, s.Gates, 1, "without a knee the gates are the first step's")
}
