package sim

import (
	"math"
	"time"
)

// Schedule is an open-model arrival schedule: it gives the time, from the
// start of the run, at which the n-th device (counting from 0) is due to
// start. Due times never decrease with n. ok is false when the schedule has
// ended before the n-th start.
type Schedule interface {
	Due(n int) (due time.Duration, ok bool)
}

// ConstantRate starts devices evenly at Rate per second.
type ConstantRate struct {
	// Rate is the number of starts per second; it must be positive.
	Rate float64
}

// Due returns n/Rate.
func (c ConstantRate) Due(n int) (time.Duration, bool) {
	return seconds(float64(n) / c.Rate), true
}

// Stage is one stage of a ramp: the rate moves linearly from the previous
// stage's end rate to Rate over Duration.
type Stage struct {
	// Duration is how long the stage lasts.
	Duration time.Duration
	// Rate is the rate in starts per second reached at the end of the stage.
	Rate float64
}

// Ramp is a sequence of linear rate stages starting at StartRate (as in
// k6's ramping arrival rate). A stage with equal start and end rate holds the
// rate constant. The schedule ends with the last stage.
type Ramp struct {
	// StartRate is the rate at the beginning of the first stage.
	StartRate float64
	// Stages follow each other in order.
	Stages []Stage
}

// Due inverts the cumulative number of starts, stage by stage.
func (r Ramp) Due(n int) (time.Duration, bool) {
	target := float64(n)
	var at time.Duration
	from := r.StartRate
	done := 0.0 // starts due before the current stage
	for _, st := range r.Stages {
		d := st.Duration.Seconds()
		area := (from + st.Rate) / 2 * d
		// The n-th start happens when the cumulative count passes n; a start
		// exactly at a stage's end belongs to the next stage's beginning.
		if target < done+area {
			return at + seconds(solveRamp(target-done, from, st.Rate, d)), true
		}
		done += area
		at += st.Duration
		from = st.Rate
	}
	return 0, false
}

// solveRamp returns the time t in [0, d] at which the integral of a rate that
// moves linearly from r0 to r1 over d seconds reaches k.
func solveRamp(k, r0, r1, d float64) float64 {
	a := (r1 - r0) / (2 * d) // k = r0*t + a*t²
	if math.Abs(a) < 1e-12 {
		if r0 <= 0 {
			return d
		}
		return k / r0
	}
	disc := r0*r0 + 4*a*k
	if disc < 0 {
		disc = 0
	}
	t := (-r0 + math.Sqrt(disc)) / (2 * a)
	return math.Min(math.Max(t, 0), d)
}

// Burst starts Size devices at once every Every.
type Burst struct {
	// Size is the number of devices started together.
	Size int
	// Every is the time between bursts.
	Every time.Duration
}

// Due returns the time of the burst the n-th device belongs to.
func (b Burst) Due(n int) (time.Duration, bool) {
	return time.Duration(n/b.Size) * b.Every, true
}

func seconds(s float64) time.Duration {
	return time.Duration(s * float64(time.Second))
}
