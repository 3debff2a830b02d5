package report

import (
	"math"
	"time"

	hdrhistogram "github.com/HdrHistogram/hdrhistogram-go"
)

// SchemaV1 is the schema string of the summary JSON this package writes and reads.
const SchemaV1 = "jitpsim.summary/v1"

// Meta describes the run a summary is built for; the recorder cannot know it.
type Meta struct {
	// Scenario is the name of the scenario that ran.
	Scenario string
	// Planned is the number of devices the run meant to start.
	Planned int
	// Started is the number of devices that started.
	Started int
	// DroppedStarts counts starts that were due while the in-flight cap was
	// reached; they are skipped, never delayed.
	DroppedStarts int
	// Duration is the wall time of the run.
	Duration time.Duration
	// Interrupted is true when the run was stopped early.
	Interrupted bool
	// Target holds optional counters read from the target, such as things_before and things_after.
	Target map[string]int64
	// Aborted names the gate that could no longer pass when the run was
	// stopped early for it (abort_on_fail); Interrupted is then true as well.
	Aborted string
	// Shard is the part of a sharded run this process ran; nil when unsharded.
	Shard *Shard
	// TargetPerShard says each shard had a target of its own (the embedded
	// stand-in), so a merge adds their Target counters up.
	TargetPerShard bool
}

// Summary is the result of a run: what the JSON summary holds, plus the phase
// histograms for writers that need the full distribution.
type Summary struct {
	// Schema is always SchemaV1.
	Schema string `json:"schema"`
	// Scenario is the name of the scenario that ran.
	Scenario string `json:"scenario"`
	// DurationS is the wall time of the run in seconds.
	DurationS float64 `json:"duration_s"`
	// Devices counts planned and completed devices.
	Devices Devices `json:"devices"`
	// Outcomes counts devices by outcome; every outcome from Outcomes() is present.
	Outcomes OutcomeCounts `json:"outcomes"`
	// Latency holds each phase's statistics in milliseconds, keyed by phase name.
	Latency LatencyStats `json:"latency_ms"`
	// Idempotency counts reconnect probes and their violations.
	Idempotency Idempotency `json:"idempotency"`
	// Gates holds the result of each evaluated gate, in the order given.
	Gates []GateResult `json:"gates"`
	// Passed is true when every gate passed (and when there were none).
	Passed bool `json:"passed"`
	// Interrupted is true when the run was stopped early.
	Interrupted bool `json:"interrupted"`
	// Reasons holds up to three distinct sample reasons per outcome.
	Reasons map[Outcome][]string `json:"reasons,omitempty"`
	// Target holds optional counters read from the target.
	Target map[string]int64 `json:"target,omitempty"`
	// StartedAt is when the run started; the timeline counts seconds from it.
	StartedAt time.Time `json:"started_at,omitzero"`
	// Aborted names the gate that could no longer pass when abort_on_fail stopped the run.
	Aborted string `json:"aborted,omitempty"`
	// Capacity holds the steps and the knee of a capacity ramp; nil for other runs.
	Capacity *Capacity `json:"capacity,omitempty"`
	// Shard says which shard of a sharded run this summary covers; nil for an unsharded run.
	Shard *Shard `json:"shard,omitempty"`
	// TargetPerShard is true when each shard had a target of its own (the embedded stand-in): a
	// merge then adds all their target counters, where for a shared target it keeps the smallest
	// *_before and the largest *_after.
	TargetPerShard bool `json:"target_per_shard,omitempty"`
	// MergedShards is how many shard summaries `jitpsim report merge` combined into this one
	// (shards, not directories: a merge of merges counts the shards they hold).
	MergedShards int `json:"merged_shards,omitempty"`
	// MergedFrom says which shards of the run a merged summary covers (all of
	// them unless the merge was partial); nil unless merged.
	MergedFrom *ShardSet `json:"merged_from,omitempty"`

	// Timeline holds one row per second of the run (written as timeline.csv).
	Timeline []Second `json:"-"`

	hists     [NumPhases]*hdrhistogram.Histogram
	intervals []Interval
	okDone    *hdrhistogram.PackedHistogram
}

// Shard identifies one process of a sharded run: shard Index of Count takes
// the devices at positions Index, Index+Count, Index+2*Count, ... of the
// scenario's fleet, at the times the whole fleet's schedule gives them.
type Shard struct {
	// Index is the shard's number, from 0.
	Index int `json:"index"`
	// Count is how many shards the run has.
	Count int `json:"count"`
	// Planned is how many devices the whole run (every shard) planned to start; 0 when unknown.
	Planned int `json:"planned,omitempty"`
	// StartAt is the start time the run requested with --start-at, the same for every shard; zero without it.
	StartAt time.Time `json:"start_at,omitzero"`
}

// ShardSet names the shards of a sharded run that a merged summary covers.
type ShardSet struct {
	// Count is how many shards the run has.
	Count int `json:"count"`
	// Indexes lists the merged shards' indexes, ascending.
	Indexes []int `json:"indexes"`
	// Planned is the whole run's planned device count the shards name (Shard.Planned); 0 when unknown.
	Planned int `json:"planned,omitempty"`
	// StartAt is the --start-at time the shards name (Shard.StartAt); zero without it.
	StartAt time.Time `json:"start_at,omitzero"`
	// StartSpreadS is how many seconds the latest of the merged shards started after the
	// earliest (StartedAt), to the microsecond; 0 when they started together.
	StartSpreadS float64 `json:"start_spread_s,omitempty"`
}

// Devices counts the devices of a run.
type Devices struct {
	// Planned is the number of devices the run meant to start.
	Planned int `json:"planned"`
	// Completed is the number of devices that reported an observation.
	Completed int `json:"completed"`
	// Started is the number of devices that started.
	Started int `json:"started"`
	// DroppedStarts counts starts skipped because the in-flight cap was reached.
	DroppedStarts int `json:"dropped_starts"`
}

// Idempotency counts the reconnect probes run after a successful session.
type Idempotency struct {
	// Checked is the number of devices that ran the probe.
	Checked int `json:"checked"`
	// Violations is the number of probes that were dropped or refused.
	Violations int `json:"violations"`
	// Verified is the number of devices checked on the control plane after
	// the run (an aws target with verify: true); their problems count in Violations.
	Verified int `json:"verified,omitempty"`
	// Findings holds sample problems the control-plane check found, "device: problem".
	Findings []string `json:"findings,omitempty"`
}

// PhaseStats summarizes one phase's latencies in milliseconds with microsecond
// precision. All fields are zero when the phase has no data.
type PhaseStats struct {
	// Count is the number of devices that reached the phase.
	Count int64 `json:"count"`
	// Min is the smallest latency.
	Min float64 `json:"min"`
	// Mean is the arithmetic mean latency.
	Mean float64 `json:"mean"`
	// P50 is the median latency.
	P50 float64 `json:"p50"`
	// P90 is the 90th percentile latency.
	P90 float64 `json:"p90"`
	// P95 is the 95th percentile latency.
	P95 float64 `json:"p95"`
	// P99 is the 99th percentile latency.
	P99 float64 `json:"p99"`
	// P999 is the 99.9th percentile latency.
	P999 float64 `json:"p999"`
	// Max is the largest latency (after clamping).
	Max float64 `json:"max"`
	// Clamped counts values above the histogram's 10-minute limit that were recorded as 10 minutes.
	Clamped int64 `json:"clamped,omitempty"`
	// SumUs is the exact sum of the latencies in microseconds, so that shard
	// summaries merge to the exact mean.
	SumUs int64 `json:"sum_us,omitempty"`
}

// Summarize builds the summary of everything recorded so far. It may be called
// more than once, also while Record is still being called; the result does not
// share state with the Recorder. Gates are empty and Passed is true until
// Evaluate is called.
func (r *Recorder) Summarize(meta Meta) *Summary {
	s := &Summary{
		Schema:      SchemaV1,
		Scenario:    meta.Scenario,
		DurationS:   math.Round(meta.Duration.Seconds()*1000) / 1000,
		Devices:     Devices{Planned: meta.Planned, Started: meta.Started, DroppedStarts: meta.DroppedStarts},
		Outcomes:    make(OutcomeCounts, len(Outcomes())),
		Latency:     make(LatencyStats, NumPhases),
		Gates:       []GateResult{},
		Passed:      true,
		Interrupted: meta.Interrupted || meta.Aborted != "",
		Aborted:     meta.Aborted,
		StartedAt:   r.start.UTC().Truncate(time.Microsecond),
		Shard:       meta.Shard,

		TargetPerShard: meta.TargetPerShard,
	}
	for _, o := range Outcomes() {
		s.Outcomes[o] = 0
	}
	if len(meta.Target) > 0 {
		s.Target = make(map[string]int64, len(meta.Target))
		for k, v := range meta.Target {
			s.Target[k] = v
		}
	}

	var phases [NumPhases]phaseRecord
	r.mu.Lock()
	for i, pr := range r.phases {
		phases[i] = pr
		phases[i].hist = pr.hist.Clone()
	}
	for o, n := range r.outcomes {
		s.Outcomes[o] = n
	}
	for o, rs := range r.reasons {
		if s.Reasons == nil {
			s.Reasons = make(map[Outcome][]string, len(r.reasons))
		}
		s.Reasons[o] = append([]string(nil), rs...)
	}
	s.Devices.Completed = r.completed
	s.Idempotency = Idempotency{Checked: r.idemChecked, Violations: r.idemViolations}
	s.Timeline, s.intervals = r.timeline()
	s.okDone = r.okDone.Clone()
	r.mu.Unlock()

	for _, p := range Phases() {
		s.hists[p] = phases[p].hist
		s.Latency[p.String()] = phases[p].stats()
	}
	return s
}

// statQuantiles are the percentiles PhaseStats reports, in field order.
var statQuantiles = []float64{50, 90, 95, 99, 99.9}

// stats computes the phase's statistics. Percentiles come from the histogram
// and are clamped to the exact min and max so that they never exceed them.
func (pr phaseRecord) stats() PhaseStats {
	n := pr.hist.TotalCount()
	if n == 0 {
		return PhaseStats{}
	}
	q := pr.hist.ValueAtPercentilesSlice(statQuantiles)
	for i, v := range q {
		q[i] = min(max(v, pr.min), pr.max)
	}
	return PhaseStats{
		Count:   n,
		Min:     msFromMicros(pr.min),
		Mean:    math.Round(float64(pr.sum)/float64(n)) / 1000,
		P50:     msFromMicros(q[0]),
		P90:     msFromMicros(q[1]),
		P95:     msFromMicros(q[2]),
		P99:     msFromMicros(q[3]),
		P999:    msFromMicros(q[4]),
		Max:     msFromMicros(pr.max),
		Clamped: pr.clamped,
		SumUs:   pr.sum,
	}
}

// msFromMicros converts microseconds to milliseconds.
func msFromMicros(us int64) float64 {
	return float64(us) / 1000
}

// Success returns the number of devices that ended provisioned or already provisioned.
func (s *Summary) Success() int {
	return s.Outcomes[OutcomeProvisioned] + s.Outcomes[OutcomeAlreadyProvisioned]
}

// Failed returns the number of completed devices that did not succeed.
func (s *Summary) Failed() int {
	return s.Devices.Completed - s.Success()
}

// Throughput returns succeeded devices per second of wall time, or 0 when the duration is unknown.
func (s *Summary) Throughput() float64 {
	if s.DurationS <= 0 {
		return 0
	}
	return float64(s.Success()) / s.DurationS
}

// Intervals returns the per-second interval histograms (nanoseconds, tagged
// with the phase name) in time order: those the recorder kept, or those read
// back from phases.hlog by ReadDir; nil for a summary read with ReadJSON alone.
// Treat them as read-only.
func (s *Summary) Intervals() []Interval {
	return s.intervals
}

// SuccessTime returns when the given quantile (0..100) of the successful
// devices had completed, since the start, and false when none succeeded or
// the summary was read back from files.
func (s *Summary) SuccessTime(q float64) (time.Duration, bool) {
	if s.okDone == nil || s.okDone.TotalCount() == 0 {
		return 0, false
	}
	var us int64
	switch q {
	case 0:
		us = s.okDone.Min()
	case 100:
		us = s.okDone.Max()
	default:
		us = s.okDone.ValueAtPercentile(q)
	}
	return time.Duration(us) * time.Microsecond, true
}

// Histogram returns the phase's histogram of microsecond latencies, or nil when
// the summary has none (for example one read back with ReadJSON). Treat it as read-only.
func (s *Summary) Histogram(p Phase) *hdrhistogram.Histogram {
	if p < 0 || p >= NumPhases {
		return nil
	}
	return s.hists[p]
}

// Verdict returns the run's one-word verdict: ABORTED when abort_on_fail
// stopped the run, INTERRUPTED when it was stopped early otherwise, and
// PASSED or FAILED according to the gates.
func (s *Summary) Verdict() string {
	switch {
	case s.Aborted != "":
		return "ABORTED"
	case s.Interrupted:
		return "INTERRUPTED"
	case s.Passed:
		return "PASSED"
	default:
		return "FAILED"
	}
}
