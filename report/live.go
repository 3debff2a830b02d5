package report

import (
	"time"
)

// Live is a cheap snapshot of a running recorder for progress lines, live
// metrics and the abort watcher. It holds counters only; percentiles come from
// Quantile, which costs more.
type Live struct {
	// Completed, Succeeded and Failed count devices that reported an observation.
	Completed, Succeeded, Failed int
	// Outcomes counts devices by outcome (only outcomes seen so far).
	Outcomes map[Outcome]int
	// IdempotencyChecked and IdempotencyViolations count reconnect probes.
	IdempotencyChecked, IdempotencyViolations int
	// Count is the number of values recorded per phase.
	Count [NumPhases]int64
	// Max is the largest latency recorded per phase.
	Max [NumPhases]time.Duration
}

// Live returns the recorder's counters so far. It copies a dozen numbers under
// the recorder's lock and is meant to be called every few hundred milliseconds.
func (r *Recorder) Live() Live {
	r.mu.Lock()
	defer r.mu.Unlock()
	l := Live{
		Completed:             r.completed,
		Succeeded:             r.succeeded,
		Failed:                r.completed - r.succeeded,
		Outcomes:              make(map[Outcome]int, len(r.outcomes)),
		IdempotencyChecked:    r.idemChecked,
		IdempotencyViolations: r.idemViolations,
	}
	for o, n := range r.outcomes {
		l.Outcomes[o] = n
	}
	for p, pr := range r.phases {
		l.Count[p] = pr.hist.TotalCount()
		l.Max[p] = time.Duration(pr.max) * time.Microsecond
	}
	return l
}

// Quantile returns the phase's latency at quantile q (0..100) so far, and
// false when the phase has no values yet. It reads the histogram under the
// recorder's lock (tens of microseconds); call it every few seconds, not per
// device.
func (r *Recorder) Quantile(p Phase, q float64) (time.Duration, bool) {
	if p < 0 || p >= NumPhases {
		return 0, false
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	pr := r.phases[p]
	if pr.hist.TotalCount() == 0 {
		return 0, false
	}
	v := min(max(pr.hist.ValueAtPercentile(q), pr.min), pr.max)
	return time.Duration(v) * time.Microsecond, true
}

// Buckets returns the phase's cumulative counts at each upper bound (sorted
// ascending), the number of values and their sum, for a Prometheus-style
// histogram. A value counts towards a bound when the lowest value of its
// histogram bucket is at or below the bound (three significant digits).
func (r *Recorder) Buckets(p Phase, bounds []time.Duration) (cumulative []uint64, count uint64, sum time.Duration) {
	cumulative = make([]uint64, len(bounds))
	if p < 0 || p >= NumPhases {
		return cumulative, 0, 0
	}
	r.mu.Lock()
	pr := r.phases[p]
	bars := pr.hist.Distribution()
	count = uint64(pr.hist.TotalCount())
	sum = time.Duration(pr.sum) * time.Microsecond
	r.mu.Unlock()

	i := 0
	var running uint64
	for _, b := range bars {
		if b.Count == 0 {
			continue
		}
		from := time.Duration(b.From) * time.Microsecond
		for i < len(bounds) && from > bounds[i] {
			cumulative[i] = running
			i++
		}
		running += uint64(b.Count)
	}
	for ; i < len(bounds); i++ {
		cumulative[i] = running
	}
	return cumulative, count, sum
}
