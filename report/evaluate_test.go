package report

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// gateSummary returns a summary with 100 completed devices, 98 of them
// successful, provision latencies 1..100 ms and no echo data.
func gateSummary(t *testing.T) *Summary {
	t.Helper()
	r := NewRecorder()
	for i := 1; i <= 100; i++ {
		o := OutcomeProvisioned
		switch {
		case i == 99:
			o = OutcomeTimeout
		case i == 100:
			o = OutcomeEchoLost
		}
		ob := obs(o, map[Phase]time.Duration{PhaseProvision: time.Duration(i) * time.Millisecond})
		ob.IdempotencyChecked = i <= 10
		r.Record(ob)
	}
	s := r.Summarize(Meta{Planned: 120})
	require.Equal(t, 98, s.Success())
	return s
}

func TestEvaluate(t *testing.T) {
	s := gateSummary(t)
	tests := []struct {
		expr       string
		wantPassed bool
		wantValue  any // float64 (within HDR precision, 0.1%), or nil for no data
		wantReason string
	}{
		{"provision.p50 < 2s", true, 50.0, ""},
		{"provision.p90 < 2s", true, 90.0, ""},
		{"provision.p95 < 2s", true, 95.0, ""},
		{"provision.p999 < 2s", true, 100.0, ""},
		{"provision.p99 < 2s", true, 99.0, ""},
		{"provision.p99 < 50ms", false, 99.0, ""},
		{"provision.max <= 100", true, 100.0, ""},
		{"provision.max < 100", false, 100.0, ""},
		{"provision.min == 1", true, 1.0, ""},
		{"provision.mean == 50.5", true, 50.5, ""},
		{"provision.count == 100", true, 100.0, ""},
		{"echo.p99 < 1s", false, nil, "no data"},
		{"echo.count == 0", true, 0.0, ""},
		{"rate.success >= 98%", true, 0.98, ""},
		{"rate.success >= 99%", false, 0.98, ""},
		{"rate.failure <= 0.02", true, 0.02, ""},
		{"outcome.timeout == 0", false, 1.0, ""},
		{"outcome.echo_lost != 0", true, 1.0, ""},
		{"outcome.no_drop == 0", true, 0.0, ""},
		{"idempotency.checked >= 10", true, 10.0, ""},
		{"idempotency.violations == 0", true, 0.0, ""},
		{"devices.completed == 100", true, 100.0, ""},
		{"devices.planned > 100", true, 120.0, ""},
	}
	for _, tt := range tests {
		t.Run(tt.expr, func(t *testing.T) {
			g, err := ParseGate(tt.expr)
			require.NoError(t, err)
			s.Evaluate([]Gate{g})
			require.Len(t, s.Gates, 1)
			res := s.Gates[0]
			assert.Equal(t, g, res.Gate)
			assert.Equal(t, tt.wantPassed, res.Passed)
			assert.Equal(t, tt.wantPassed, s.Passed)
			assert.Equal(t, tt.wantReason, res.Reason)
			if tt.wantValue == nil {
				assert.Nil(t, res.Value)
			} else {
				require.NotNil(t, res.Value)
				want := tt.wantValue.(float64)
				assert.InDelta(t, want, *res.Value, want*0.001)
			}
		})
	}
}

func TestEvaluateCombined(t *testing.T) {
	tests := []struct {
		name       string
		gates      []Gate
		wantPassed bool
		wantCount  int
	}{
		{"no gates pass", nil, true, 0},
		{"all pass", []Gate{mustGate(t, "provision.p99 < 2s"), mustGate(t, "rate.success > 0.9")}, true, 2},
		{"one fails", []Gate{mustGate(t, "provision.p99 < 2s"), mustGate(t, "outcome.timeout == 0")}, false, 2},
		{"no data fails", []Gate{mustGate(t, "echo.p50 < 1s")}, false, 1},
		{"unknown metric fails", []Gate{{Expr: "x < 1", Metric: "x", Op: "<", Threshold: 1}}, false, 1},
		{"unknown op fails", []Gate{{Expr: "provision.p99 ~ 1", Metric: "provision.p99", Op: "~", Threshold: 1}}, false, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := gateSummary(t)
			s.Evaluate(tt.gates)
			assert.Equal(t, tt.wantPassed, s.Passed)
			require.NotNil(t, s.Gates)
			assert.Len(t, s.Gates, tt.wantCount)
		})
	}
}

func TestEvaluateNoDevices(t *testing.T) {
	s := NewRecorder().Summarize(Meta{Planned: 5})
	s.Evaluate([]Gate{mustGate(t, "rate.success >= 99%"), mustGate(t, "devices.completed == 0")})
	require.Len(t, s.Gates, 2)
	assert.False(t, s.Gates[0].Passed)
	assert.Equal(t, "no data", s.Gates[0].Reason)
	assert.True(t, s.Gates[1].Passed)
	assert.False(t, s.Passed)
}
