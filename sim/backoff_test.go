package sim

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"

	"github.com/jitpsim/jitpsim/scenario"
)

func TestBackoffDelay(t *testing.T) {
	constant := scenario.Behaviour{Backoff: time.Second, BackoffPolicy: scenario.BackoffConstant}
	exp := scenario.Behaviour{Backoff: time.Second, BackoffPolicy: scenario.BackoffExponential, BackoffMax: 5 * time.Second}
	tests := []struct {
		name string
		b    scenario.Behaviour
		n    int
		want time.Duration
	}{
		{"constant first", constant, 1, time.Second},
		{"constant later", constant, 4, time.Second},
		{"exponential first", exp, 1, time.Second},
		{"exponential second", exp, 2, 2 * time.Second},
		{"exponential third", exp, 3, 4 * time.Second},
		{"exponential capped", exp, 4, 5 * time.Second},
		{"exponential stays capped", exp, 40, 5 * time.Second},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.want, backoffDelay(tt.b, tt.n), tt.name)
	}
}

func TestBackoffJitterStaysInRange(t *testing.T) {
	b := scenario.Behaviour{Backoff: 4 * time.Second, BackoffPolicy: scenario.BackoffConstant, BackoffJitter: 0.25}
	seen := map[time.Duration]bool{}
	for range 200 {
		d := backoffDelay(b, 1)
		assert.GreaterOrEqual(t, d, 3*time.Second)
		assert.LessOrEqual(t, d, 5*time.Second)
		seen[d] = true
	}
	assert.Greater(t, len(seen), 1, "jitter should vary the delay")
}
