package report

import (
	"time"

	hdrhistogram "github.com/HdrHistogram/hdrhistogram-go"
)

// intervalHighest is the highest value of an interval histogram in
// nanoseconds (10 minutes). Interval histograms hold nanoseconds, the
// HdrHistogram log convention, so the log's Interval_Max column reads in ms.
const intervalHighest = HistogramHighest * int64(time.Microsecond)

// doneHighest bounds the completion times of successes: 30 days in µs.
const doneHighest = int64(30 * 24 * time.Hour / time.Microsecond)

// newDoneHistogram returns the sparse histogram of success completion times.
func newDoneHistogram() *hdrhistogram.PackedHistogram {
	return hdrhistogram.NewPacked(1, doneHighest, HistogramSigFigs)
}

// second is one second of the run as the recorder keeps it: counters and, for
// each phase that saw a value, a sparse histogram of nanosecond latencies.
type second struct {
	started, completed, succeeded int
	hists                         [NumPhases]*hdrhistogram.PackedHistogram
}

// Second is one row of the run's timeline: what happened in the second
// [Second, Second+1) after the start, by completion time (Started by start time).
type Second struct {
	// Second counts seconds since the start of the run, from 0.
	Second int
	// Started is the number of devices whose session started in this second.
	Started int
	// Completed is the number of devices that finished in this second.
	Completed int
	// Succeeded is the number of those that ended provisioned or already provisioned.
	Succeeded int
	// Failed is Completed minus Succeeded.
	Failed int
	// ProvisionCount is the number of provision latencies recorded in this second.
	ProvisionCount int64
	// ProvisionP50 and ProvisionP99 are that second's provision percentiles in ms (0 without data).
	ProvisionP50, ProvisionP99 float64
}

// Interval is one phase's latencies over one second of the run, as the
// HdrHistogram interval log holds it. Hist counts nanoseconds and carries the
// phase's name as tag and the interval's epoch-millisecond start and end.
type Interval struct {
	// Second counts seconds since the start of the run.
	Second int
	// Phase is the phase the histogram belongs to.
	Phase Phase
	// Hist is the interval's sparse histogram of nanosecond latencies.
	Hist *hdrhistogram.PackedHistogram
}

// at returns the timeline slot of the given second, growing the timeline as
// needed. The caller holds r.mu.
func (r *Recorder) at(sec int) *second {
	for len(r.seconds) <= sec {
		r.seconds = append(r.seconds, second{})
	}
	return &r.seconds[sec]
}

// sinceStart returns t - start, never negative.
func (r *Recorder) sinceStart(t time.Time) time.Duration {
	return max(t.Sub(r.start), 0)
}

// recordTimeline adds the observation to the per-second timeline: completion
// counts and interval histograms by completion time, the start by Start. The
// caller holds r.mu.
func (r *Recorder) recordTimeline(o *Observation, completed time.Time, ok bool) {
	done := r.sinceStart(completed)
	sec := int(done / time.Second)
	if !o.Start.IsZero() {
		r.at(int(r.sinceStart(o.Start)/time.Second)).started++
	} else {
		r.at(sec).started++
	}
	b := r.at(sec)
	b.completed++
	if ok {
		b.succeeded++
		_ = r.okDone.RecordValue(min(done.Microseconds(), doneHighest))
	}
	for p := range b.hists {
		if !o.Has[p] {
			continue
		}
		h := b.hists[p]
		if h == nil {
			h = hdrhistogram.NewPacked(1, intervalHighest, HistogramSigFigs)
			h.SetTag(Phase(p).String())
			startMs := r.start.Add(time.Duration(sec) * time.Second).UnixMilli()
			h.SetStartTimeMs(startMs)
			h.SetEndTimeMs(startMs + 1000)
			b.hists[p] = h
		}
		_ = h.RecordValue(min(max(int64(o.Durations[p]), 0), intervalHighest))
	}
}

// timeline returns the recorded seconds as rows and a copy of the interval
// histograms in time order, phases in phase order within a second. The caller
// holds r.mu.
func (r *Recorder) timeline() ([]Second, []Interval) {
	rows := make([]Second, len(r.seconds))
	var ivs []Interval
	for i, b := range r.seconds {
		row := Second{Second: i, Started: b.started, Completed: b.completed, Succeeded: b.succeeded,
			Failed: b.completed - b.succeeded}
		if h := b.hists[PhaseProvision]; h != nil && h.TotalCount() > 0 {
			q := h.ValueAtPercentilesSlice([]float64{50, 99})
			row.ProvisionCount = h.TotalCount()
			row.ProvisionP50 = msFromNanos(q[0])
			row.ProvisionP99 = msFromNanos(q[1])
		}
		rows[i] = row
		for p, h := range b.hists {
			if h != nil {
				ivs = append(ivs, Interval{Second: i, Phase: Phase(p), Hist: h.Clone()})
			}
		}
	}
	return rows, ivs
}

// msFromNanos converts nanoseconds to milliseconds rounded to the microsecond.
func msFromNanos(ns int64) float64 {
	return float64((ns+500)/1000) / 1000
}
