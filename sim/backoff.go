package sim

import (
	"math/rand/v2"
	"time"

	"github.com/jitpsim/jitpsim/scenario"
)

// backoffDelay returns the wait before the reconnect that follows the n-th
// drop (n counts from 1): constant, or doubling from Backoff up to BackoffMax,
// then spread by up to BackoffJitter either way.
func backoffDelay(b scenario.Behaviour, n int) time.Duration {
	d := b.Backoff
	if b.BackoffPolicy == scenario.BackoffExponential {
		for i := 1; i < n && d < b.BackoffMax; i++ {
			d *= 2
		}
		d = min(d, b.BackoffMax)
	}
	if b.BackoffJitter > 0 && d > 0 {
		spread := (rand.Float64()*2 - 1) * b.BackoffJitter
		d += time.Duration(spread * float64(d))
	}
	return d
}
