package sim

import (
	"context"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/jitpsim/jitpsim/report"
	"github.com/jitpsim/jitpsim/sim/localiot"
)

// waitHolding waits until d is in the hold phase.
func waitHolding(t *testing.T, d *Device) {
	t.Helper()
	require.Eventually(t, func() bool { return d.Holding.Load() == 1 }, 10*time.Second, 5*time.Millisecond,
		"device never reached the hold phase")
}

func TestHoldPhase(t *testing.T) {
	tests := []struct {
		name   string
		hold   string
		during func(t *testing.T, srv *localiot.Server, d *Device, cancel context.CancelFunc)
		want   report.Outcome
		reason string
		// minPublishes and maxPublishes bound the hold publishes.
		minPublishes, maxPublishes int64
	}{
		{
			name: "runs its course and publishes on schedule",
			hold: "{duration: 450ms, publish_every: 100ms}",
			want: report.OutcomeProvisioned, minPublishes: 2, maxPublishes: 4, // 4 ticks; a slow machine may skip one
		},
		{
			name: "ends at once when the run stops",
			hold: "{duration: 1m}",
			during: func(t *testing.T, _ *localiot.Server, d *Device, cancel context.CancelFunc) {
				waitHolding(t, d)
				cancel()
			},
			want: report.OutcomeInterrupted, reason: "run stopped",
		},
		{
			name: "names a connection lost under it",
			hold: "{duration: 1m, publish_every: 20s}",
			during: func(t *testing.T, srv *localiot.Server, d *Device, _ context.CancelFunc) {
				waitHolding(t, d)
				// AWS IoT closes the connections of a certificate that is no longer ACTIVE.
				require.NoError(t, srv.UpdateCertificate(d.Identity.ID, localiot.StatusInactive))
			},
			want: report.OutcomeError, reason: "into the hold phase",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv, ca := standIn(t, localiot.Config{})
			s := testScenario(t, "devices: {count: 1}\ndevice: {backoff: 20ms, timeout: 5s, idempotency_probe: false, hold: "+tt.hold+"}\n")
			d := newDevice(t, s, ca, srv, 1)
			d.Holding = new(atomic.Int64)
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			done := make(chan report.Observation, 1)
			d.Start(ctx, func(obs report.Observation) { done <- obs })
			if tt.during != nil {
				tt.during(t, srv, d, cancel)
			}
			var obs report.Observation
			select {
			case obs = <-done:
			case <-time.After(30 * time.Second):
				t.Fatal("device did not finish")
			}
			t.Logf("%s: %s", obs.Outcome, obs.Reason)
			assert.Equal(t, tt.want, obs.Outcome, obs.Reason)
			assert.Contains(t, obs.Reason, tt.reason)
			assert.Zero(t, d.Holding.Load(), "the holding count returns to zero")
			assert.GreaterOrEqual(t, d.holdPublishes.Load(), tt.minPublishes)
			assert.LessOrEqual(t, d.holdPublishes.Load(), tt.maxPublishes)
		})
	}
}
