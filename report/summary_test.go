package report

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestSummaryDerived(t *testing.T) {
	tests := []struct {
		name           string
		summary        Summary
		wantSuccess    int
		wantFailed     int
		wantThroughput float64
		wantVerdict    string
	}{
		{
			name: "passed",
			summary: Summary{
				DurationS: 2, Devices: Devices{Planned: 10, Completed: 10}, Passed: true,
				Outcomes: OutcomeCounts{OutcomeProvisioned: 6, OutcomeAlreadyProvisioned: 2, OutcomeTimeout: 2},
			},
			wantSuccess: 8, wantFailed: 2, wantThroughput: 4, wantVerdict: "PASSED",
		},
		{
			name:        "failed without duration",
			summary:     Summary{Devices: Devices{Completed: 1}, Outcomes: OutcomeCounts{OutcomeError: 1}},
			wantSuccess: 0, wantFailed: 1, wantThroughput: 0, wantVerdict: "FAILED",
		},
		{
			name:        "interrupted wins",
			summary:     Summary{DurationS: 1, Passed: true, Interrupted: true},
			wantVerdict: "INTERRUPTED",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.wantSuccess, tt.summary.Success())
			assert.Equal(t, tt.wantFailed, tt.summary.Failed())
			assert.Equal(t, tt.wantThroughput, tt.summary.Throughput())
			assert.Equal(t, tt.wantVerdict, tt.summary.Verdict())
		})
	}
}

func TestSummaryHistogram(t *testing.T) {
	r := NewRecorder()
	r.Record(obs(OutcomeProvisioned, map[Phase]time.Duration{PhaseEcho: 3 * time.Millisecond}))
	s := r.Summarize(Meta{})

	h := s.Histogram(PhaseEcho)
	require.NotNil(t, h)
	assert.EqualValues(t, 1, h.TotalCount())
	assert.True(t, h.ValuesAreEquivalent(3000, h.Max()), "histograms hold microseconds, max %d", h.Max())
	assert.EqualValues(t, HistogramHighest, h.HighestTrackableValue())
	assert.EqualValues(t, 0, s.Histogram(PhaseConnect).TotalCount())
	assert.Nil(t, s.Histogram(NumPhases))
	assert.Nil(t, s.Histogram(-1))
}

func TestSummarizeMeta(t *testing.T) {
	target := map[string]int64{"things_after": 7}
	s := NewRecorder().Summarize(Meta{Scenario: "x", Planned: 9, Duration: 1234567 * time.Microsecond, Interrupted: true, Target: target})
	assert.Equal(t, "x", s.Scenario)
	assert.Equal(t, SchemaV1, s.Schema)
	assert.Equal(t, 9, s.Devices.Planned)
	assert.Equal(t, 1.235, s.DurationS, "rounded to milliseconds")
	assert.True(t, s.Interrupted)
	assert.True(t, s.Passed, "no gates yet")
	assert.NotNil(t, s.Gates)
	assert.Empty(t, s.Gates)
	assert.Nil(t, s.Reasons)
	target["things_after"] = 8
	assert.Equal(t, int64(7), s.Target["things_after"], "target is copied")
}
