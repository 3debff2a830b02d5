package report

import (
	"sync"
	"time"

	hdrhistogram "github.com/HdrHistogram/hdrhistogram-go"
)

// Histogram bounds shared by every phase histogram. Values are microseconds.
const (
	// HistogramLowest is the lowest discernible latency in microseconds.
	HistogramLowest int64 = 1
	// HistogramHighest is the highest trackable latency in microseconds (10 minutes); larger values are clamped to it.
	HistogramHighest = int64(10 * time.Minute / time.Microsecond)
	// HistogramSigFigs is the number of significant decimal digits the histograms keep.
	HistogramSigFigs = 3
)

// maxReasons is how many distinct sample reasons are kept per outcome.
const maxReasons = 3

// Recorder collects observations from many goroutines. Record takes one short
// mutex section and, within one second of the run, does not allocate once an
// outcome has been seen; the zero Recorder is not usable, create one with
// NewRecorder.
type Recorder struct {
	mu             sync.Mutex
	phases         [NumPhases]phaseRecord
	outcomes       map[Outcome]int
	reasons        map[Outcome][]string
	completed      int
	succeeded      int
	idemChecked    int
	idemViolations int

	start   time.Time
	now     func() time.Time
	tee     *Recorder
	seconds []second                      // the timeline, indexed by seconds since start
	okDone  *hdrhistogram.PackedHistogram // completion times of successes, µs since start
}

// phaseRecord is one phase's histogram plus the exact figures that are cheap to
// keep alongside it.
type phaseRecord struct {
	hist    *hdrhistogram.Histogram
	min     int64 // exact, µs, valid when hist.TotalCount() > 0
	max     int64 // exact after clamping, µs
	sum     int64 // µs, for an exact mean
	clamped int64 // values above HistogramHighest recorded as HistogramHighest
}

// Option configures a Recorder.
type Option func(*Recorder)

// WithStart sets the start of the run, which the per-second timeline and the
// interval histograms count from. The default is the time NewRecorder is called.
func WithStart(t time.Time) Option {
	return func(r *Recorder) { r.start = t }
}

// WithClock sets the clock that stamps each observation's completion (default
// time.Now). Tests use it for a deterministic timeline.
func WithClock(now func() time.Time) Option {
	return func(r *Recorder) { r.now = now }
}

// Tee makes the recorder pass every observation on to parent as well. A
// capacity ramp keeps one recorder per step that tees into the whole run's.
func Tee(parent *Recorder) Option {
	return func(r *Recorder) { r.tee = parent }
}

// NewRecorder returns an empty Recorder with one histogram per phase.
func NewRecorder(opts ...Option) *Recorder {
	r := &Recorder{
		outcomes: make(map[Outcome]int, len(Outcomes())),
		reasons:  make(map[Outcome][]string),
		now:      time.Now,
		okDone:   newDoneHistogram(),
	}
	for _, o := range opts {
		o(r)
	}
	if r.start.IsZero() {
		r.start = r.now()
	}
	for i := range r.phases {
		r.phases[i].hist = newHistogram()
	}
	return r
}

// Start returns the time the recorder's timeline counts from.
func (r *Recorder) Start() time.Time { return r.start }

func newHistogram() *hdrhistogram.Histogram {
	return hdrhistogram.New(HistogramLowest, HistogramHighest, HistogramSigFigs)
}

// micros converts d to whole microseconds, rounding to nearest, and clamps it
// to [0, HistogramHighest]; over reports whether it was above the highest.
func micros(d time.Duration) (us int64, over bool) {
	if d <= 0 {
		return 0, false
	}
	us = int64((d + time.Microsecond/2) / time.Microsecond)
	if us > HistogramHighest {
		return HistogramHighest, true
	}
	return us, false
}

// Record adds one device's observation. It is safe for concurrent use. An
// empty outcome is counted as OutcomeError; an idempotency violation (flag or
// outcome) also counts as a check. The recorder stamps the completion time
// itself, for the timeline.
func (r *Recorder) Record(o Observation) {
	var us [NumPhases]int64
	var over [NumPhases]bool
	for p := range us {
		if o.Has[p] {
			us[p], over[p] = micros(o.Durations[p])
		}
	}
	outcome := o.Outcome
	if outcome == "" {
		outcome = OutcomeError
	}
	violated := o.IdempotencyViolated
	checked := o.IdempotencyChecked || violated
	done := r.now() // stamped outside the lock: the clock is the costliest part

	r.mu.Lock()
	for p := range r.phases {
		if !o.Has[p] {
			continue
		}
		pr := &r.phases[p]
		v := us[p]
		// v is within [0, HistogramHighest], so RecordValue cannot fail.
		_ = pr.hist.RecordValue(v)
		if pr.hist.TotalCount() == 1 || v < pr.min {
			pr.min = v
		}
		if v > pr.max {
			pr.max = v
		}
		pr.sum += v
		if over[p] {
			pr.clamped++
		}
	}
	r.completed++
	if outcome.Success() {
		r.succeeded++
	}
	r.outcomes[outcome]++
	if checked {
		r.idemChecked++
	}
	if violated {
		r.idemViolations++
	}
	if o.Reason != "" {
		r.addReason(outcome, o.Reason)
	}
	r.recordTimeline(&o, done, outcome.Success())
	r.mu.Unlock()

	if r.tee != nil {
		r.tee.Record(o)
	}
}

// addReason keeps up to maxReasons distinct reasons per outcome. The caller holds r.mu.
func (r *Recorder) addReason(o Outcome, reason string) {
	rs := r.reasons[o]
	if len(rs) >= maxReasons {
		return
	}
	for _, s := range rs {
		if s == reason {
			return
		}
	}
	r.reasons[o] = append(rs, reason)
}

// Counts returns live counters for progress lines: devices completed, those
// whose outcome is a success, and the rest.
func (r *Recorder) Counts() (completed, succeeded, failed int) {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.completed, r.succeeded, r.completed - r.succeeded
}
