package sim

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
)

func TestConstantRate(t *testing.T) {
	s := ConstantRate{Rate: 4}
	for n, want := range []time.Duration{0, 250 * time.Millisecond, 500 * time.Millisecond, 750 * time.Millisecond, time.Second} {
		got, ok := s.Due(n)
		assert.True(t, ok)
		assert.Equal(t, want, got, "n=%d", n)
	}
}

func TestRamp(t *testing.T) {
	tests := []struct {
		name  string
		ramp  Ramp
		n     int
		want  time.Duration
		ended bool
	}{
		// Constant 10/s for 2 s: 20 starts, the 5th at 0.5 s.
		{"hold", Ramp{StartRate: 10, Stages: []Stage{{2 * time.Second, 10}}}, 5, 500 * time.Millisecond, false},
		{"hold ends", Ramp{StartRate: 10, Stages: []Stage{{2 * time.Second, 10}}}, 20, 0, true},
		// 0 → 10/s over 2 s: cumulative 2.5 t², 10 starts at 2 s; the 10th start is past the end.
		{"ramp up", Ramp{Stages: []Stage{{2 * time.Second, 10}}}, 5, 1414213562 * time.Nanosecond, false},
		{"ramp up first", Ramp{Stages: []Stage{{2 * time.Second, 10}}}, 0, 0, false},
		// 10 → 0 over 2 s: 10 starts; cumulative 10t - 2.5t², 7.5 at 1 s.
		{"ramp down", Ramp{StartRate: 10, Stages: []Stage{{2 * time.Second, 0}}}, 0, 0, false},
		// Two stages: 0→10 over 2 s (10 starts), then 10/s for 1 s: the 15th at 2.5 s.
		{"two stages", Ramp{Stages: []Stage{{2 * time.Second, 10}, {time.Second, 10}}}, 15, 2500 * time.Millisecond, false},
		{"pause stage", Ramp{StartRate: 0, Stages: []Stage{{time.Second, 0}, {time.Second, 0}, {0, 5}, {time.Second, 5}}}, 1, 2200 * time.Millisecond, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := tt.ramp.Due(tt.n)
			assert.Equal(t, !tt.ended, ok)
			if ok {
				assert.InDelta(t, tt.want.Seconds(), got.Seconds(), 1e-6)
			}
		})
	}
}

func TestRampIsMonotonic(t *testing.T) {
	r := Ramp{StartRate: 1, Stages: []Stage{{3 * time.Second, 50}, {2 * time.Second, 50}, {3 * time.Second, 5}}}
	prev := time.Duration(-1)
	n := 0
	for ; ; n++ {
		d, ok := r.Due(n)
		if !ok {
			break
		}
		assert.GreaterOrEqual(t, d, prev, "n=%d", n)
		prev = d
	}
	// (1+50)/2*3 + 50*2 + (50+5)/2*3 = 76.5 + 100 + 82.5 = 259 starts.
	assert.Equal(t, 259, n)
}

func TestBurst(t *testing.T) {
	b := Burst{Size: 3, Every: time.Second}
	for n, want := range []time.Duration{0, 0, 0, time.Second, time.Second, time.Second, 2 * time.Second} {
		got, ok := b.Due(n)
		assert.True(t, ok)
		assert.Equal(t, want, got, "n=%d", n)
	}
}
