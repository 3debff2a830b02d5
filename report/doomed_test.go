package report

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
)

func TestGateDoomed(t *testing.T) {
	live := Live{
		Completed: 50, Succeeded: 47, Failed: 3,
		Outcomes:              map[Outcome]int{OutcomeProvisioned: 47, OutcomeTimeout: 1, OutcomeRejectedTLS: 2},
		IdempotencyViolations: 1,
	}
	live.Count[PhaseProvision] = 47
	live.Max[PhaseProvision] = 2500 * time.Millisecond
	tests := []struct {
		expr    string
		planned int
		doomed  bool
	}{
		{"outcome.timeout == 0", 100, true},
		{"outcome.timeout <= 1", 100, false},
		{"outcome.timeout < 1", 100, true},
		{"outcome.timeout > 5", 100, false}, // can still grow past 5
		{"outcome.no_drop == 0", 100, false},
		{"idempotency.violations == 0", 100, true},
		{"rate.success >= 99%", 1000, false}, // 3 of 1000 failed: 99.7% still possible
		{"rate.success >= 99%", 100, true},   // 3 of 100 failed: at most 97%
		{"rate.success == 100%", 1000, true},
		{"rate.success > 97%", 100, true},
		{"rate.success < 50%", 100, false},
		{"rate.failure < 3%", 100, true},
		{"rate.failure <= 3%", 100, false},
		{"rate.failure == 0", 1000, true},
		{"provision.max < 2s", 100, true},
		{"provision.max <= 2.5s", 100, false},
		{"provision.max > 1s", 100, false},
		{"provision.p99 < 1ms", 100, false}, // percentiles are never decided early
		{"provision.count <= 40", 100, true},
		{"echo.max < 1ms", 100, false}, // no echo yet
		{"devices.completed < 50", 100, true},
		{"devices.planned == 3", 100, false},
	}
	for _, tt := range tests {
		t.Run(tt.expr, func(t *testing.T) {
			assert.Equal(t, tt.doomed, mustGate(t, tt.expr).Doomed(live, tt.planned))
		})
	}
	g, ok := FirstDoomed([]Gate{mustGate(t, "outcome.timeout <= 1"), mustGate(t, "outcome.rejected_tls == 0")}, live, 100)
	assert.True(t, ok)
	assert.Equal(t, "outcome.rejected_tls == 0", g.Expr)
	_, ok = FirstDoomed(nil, live, 100)
	assert.False(t, ok)
	assert.False(t, mustGate(t, "rate.success == 100%").Doomed(Live{}, 10), "nothing failed yet")
}
