package report

import (
	"cmp"
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	hdrhistogram "github.com/HdrHistogram/hdrhistogram-go"
)

// Merging the shards of a sharded run (`jitpsim report merge`).
//
// Shard k of n ran the devices at the fleet's positions k, k+n, ... at the
// whole fleet's times, so the shards' results add up to the whole run's.
// MergeDirs reads each shard's output directory back (ReadDir) and combines:
//
//   - exactly: device and outcome counts, idempotency counts, each phase's
//     count, min, max, clamped count and mean (from the exact sum_us), and each
//     phase's histogram, the sum of the shards' per-second interval histograms
//     of phases.hlog, which HdrHistogram encodes losslessly. The merged summary
//     keeps those interval histograms, so its phases.hlog is itself a
//     mergeable part: merging merges gives the direct merge, file for file
//     when the shards started at the same instant and each merged part holds
//     consecutive shards. Otherwise two rounded offsets (a shard's within its
//     part, the part's within the whole) need not add up to the direct
//     merge's one, which the part's already summed seconds cannot undo, and
//     reasons and findings are taken in another order.
//   - within the histograms' precision: each phase's percentiles, read from
//     the merged nanosecond histogram and rounded to the microsecond. They
//     differ from those of one recorder that saw every observation (which
//     reads a microsecond histogram) by at most one bucket, 1/1024 of the
//     value, plus 1 µs.
//   - by the shards' starts: the timeline and the interval histograms are
//     aligned on absolute time, each shard's seconds shifted by its start's
//     offset from the earliest start rounded to whole seconds. Shards started
//     together (--start-at) align exactly; otherwise a shard's seconds are off
//     by up to half a second and the per-second figures are approximate. The
//     per-second provision percentiles are recomputed from the merged
//     interval histograms.
//   - by rule: target counters ending in _before take the minimum, those
//     ending in _after the maximum (a target the shards shared: its totals
//     before and after the whole run), the others sum; when each shard had
//     a stand-in of its own (TargetPerShard) every counter sums. Sample reasons (three
//     distinct per outcome) and findings (up to maxFindings) are taken in
//     shard order; so is Aborted, the first shard's that has one.
//
// Only the shards of one run merge: directories whose summary names a shard
// (jitpsim run --shard I/N) or a merge of shards. Unsharded runs are refused:
// they ran the same devices, so their counts do not add up to one fleet's.
// Capacity ramps are refused too: each shard's steps and knee stand alone.
// Every shard must carry the same scenario, shard count and gates, and the
// same whole-run device count and --start-at time where both shards name
// them; their starts must lie within a day. The gates are evaluated again on
// the merged summary, so they judge the whole fleet. The merged summary's
// merged_from keeps how far the shards' starts spread (exactly, so that a
// merge of merges knows it too), and the shard note says when that makes the
// per-second figures approximate.
//
// ReadDir bounds what it reads (duration_s, started_at, the timeline's
// seconds and the intervals' times), so a corrupt or hand-edited part gives a
// one-line error naming its file; the merge adds bounds of its own: the shard
// count and the spread of the starts.

// maxFindings bounds the sample findings kept in a merged summary, as the
// CLI bounds those of one run.
const maxFindings = 20

// maxShardCount bounds the shard count a summary may name, so that a
// corrupt one does not make the merge list a billion missing shards.
const maxShardCount = 1_000_000

// maxStartSpread bounds how far apart the starts of the shards of one run
// may be: the timeline is aligned on them, one row per second.
const maxStartSpread = 24 * time.Hour

// noteStartSpread is the spread of the shards' starts above which the shard
// note says that the per-second figures are approximate.
const noteStartSpread = time.Second

// MergeOptions tunes MergeDirs.
type MergeOptions struct {
	// Partial merges even when shards of the run are missing; the merged
	// summary's MergedFrom then lists the shards it holds.
	Partial bool
}

// MissingShardsError is the error of a merge that lacks shards of the run.
type MissingShardsError struct {
	// Count is the run's shard count.
	Count int
	// Missing lists the missing shards' indexes, ascending.
	Missing []int
}

func (e *MissingShardsError) Error() string {
	list, plural := shardList(e.Missing)
	if plural {
		return fmt.Sprintf("%s of %d are missing", list, e.Count)
	}
	return fmt.Sprintf("%s of %d is missing", list, e.Count)
}

// mergePart is one directory to merge.
type mergePart struct {
	dir     string
	s       *Summary
	shards  []int     // the shard indexes the part holds, ascending
	count   int       // the run's shard count
	planned int       // the whole run's planned devices; 0 when unknown
	startAt time.Time // the run's --start-at; zero when unknown
	latest  time.Time // the start of the part's latest shard
}

// MergeDirs combines the output directories of the shards of one sharded run
// into the summary of the whole run, with its gates evaluated on the whole.
// Each directory needs summary.json, phases.hlog and timeline.csv. Errors are
// one line naming the directory at fault; a merge that lacks shards fails
// with a *MissingShardsError unless opt.Partial is set.
func MergeDirs(dirs []string, opt MergeOptions) (*Summary, error) {
	if len(dirs) == 0 {
		return nil, errors.New("no shard directory to merge")
	}
	parts := make([]mergePart, 0, len(dirs))
	for _, dir := range dirs {
		p, err := readPart(dir)
		if err != nil {
			return nil, err
		}
		parts = append(parts, p)
	}
	return mergeParts(parts, opt)
}

// readPart reads one shard directory and checks it on its own.
func readPart(dir string) (mergePart, error) {
	fi, err := os.Stat(dir)
	switch {
	case err != nil:
		return mergePart{}, fmt.Errorf("%s: not a run directory: %w", dir, unwrapPath(err))
	case !fi.IsDir():
		return mergePart{}, fmt.Errorf("%s: not a run directory", dir)
	}
	for _, name := range []string{FileSummary, FileHlog, FileTimeline} {
		if _, err := os.Stat(filepath.Join(dir, name)); errors.Is(err, fs.ErrNotExist) {
			what := "not a run directory"
			if name != FileSummary {
				what = "a merge needs every shard's " + name
			}
			return mergePart{}, fmt.Errorf("%s: no %s (%s)", dir, name, what)
		}
	}
	s, err := ReadDir(dir)
	if err != nil {
		return mergePart{}, err // ReadDir's errors name the file
	}
	p := mergePart{dir: dir, s: s, latest: s.StartedAt}
	switch sh, set := s.Shard, s.MergedFrom; {
	case sh != nil && set != nil:
		return p, fmt.Errorf("%s: summary.json names both a shard and merged shards", dir)
	case sh != nil:
		if sh.Count < 1 || sh.Count > maxShardCount || sh.Index < 0 || sh.Index >= sh.Count {
			return p, fmt.Errorf("%s: shard %d/%d is out of range", dir, sh.Index, sh.Count)
		}
		if sh.Planned < 0 {
			return p, fmt.Errorf("%s: shard %d/%d names a whole run of %d devices", dir, sh.Index, sh.Count, sh.Planned)
		}
		p.shards, p.count, p.planned, p.startAt = []int{sh.Index}, sh.Count, sh.Planned, sh.StartAt
	case set != nil:
		p.shards, p.count, p.planned, p.startAt = slices.Clone(set.Indexes), set.Count, set.Planned, set.StartAt
		slices.Sort(p.shards)
		if set.Count < 1 || set.Count > maxShardCount || len(p.shards) == 0 || p.shards[0] < 0 ||
			p.shards[len(p.shards)-1] >= set.Count || len(slices.Compact(slices.Clone(p.shards))) != len(p.shards) {
			return p, fmt.Errorf("%s: merged_from %v of %d is not a set of shards", dir, set.Indexes, set.Count)
		}
		if set.Planned < 0 {
			return p, fmt.Errorf("%s: merged_from names a whole run of %d devices", dir, set.Planned)
		}
		if sp := set.StartSpreadS; math.IsNaN(sp) || sp < 0 || sp > maxStartSpread.Seconds() {
			return p, fmt.Errorf("%s: merged_from.start_spread_s %s is out of range (want 0 to %s)", dir,
				formatSeconds(sp), formatSeconds(maxStartSpread.Seconds()))
		}
		p.latest = s.StartedAt.Add(durationFromSeconds(set.StartSpreadS))
	default:
		return p, fmt.Errorf("%s: not a shard of a sharded run (summary.json has no shard); merge combines the outputs of jitpsim run --shard I/N", dir)
	}
	if s.Capacity != nil {
		return p, fmt.Errorf("%s: a capacity ramp cannot be merged: each shard's steps and knee stand alone", dir)
	}
	if s.StartedAt.IsZero() {
		return p, fmt.Errorf("%s: summary.json has no started_at to align the shard on", dir)
	}
	var counts [NumPhases]int64
	for _, iv := range s.intervals {
		counts[iv.Phase] += iv.Hist.TotalCount()
	}
	for _, ph := range Phases() {
		if want := s.Latency[ph.String()].Count; counts[ph] != want {
			return p, fmt.Errorf("%s: phases.hlog holds %d %s latencies but summary.json counts %d", dir, counts[ph], ph, want)
		}
	}
	return p, nil
}

// durationFromSeconds converts seconds to a duration, rounded to the microsecond.
func durationFromSeconds(s float64) time.Duration {
	return time.Duration(math.Round(s*1e6)) * time.Microsecond
}

// unwrapPath drops the path of a *fs.PathError, which the message names already.
func unwrapPath(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// mergeParts checks that the parts are shards of one run and merges them.
func mergeParts(parts []mergePart, opt MergeOptions) (*Summary, error) {
	slices.SortStableFunc(parts, func(a, b mergePart) int { return cmp.Compare(a.shards[0], b.shards[0]) })
	first := parts[0]
	gates := first.s.gates()
	holder := make(map[int]string)
	var planned, startAt *mergePart // the first parts that name them
	earliest, latest := &parts[0], &parts[0]
	for i := range parts {
		p := &parts[i]
		if planned == nil && p.planned > 0 {
			planned = p
		}
		if startAt == nil && !p.startAt.IsZero() {
			startAt = p
		}
		switch {
		case p.s.Scenario != first.s.Scenario:
			return nil, fmt.Errorf("%s: scenario %q, but %s ran %q", p.dir, p.s.Scenario, first.dir, first.s.Scenario)
		case p.count != first.count:
			return nil, fmt.Errorf("%s: a shard of %d, but %s is a shard of %d", p.dir, p.count, first.dir, first.count)
		case p.s.TargetPerShard != first.s.TargetPerShard:
			return nil, fmt.Errorf("%s: a target of its own is %t, but %t in %s", p.dir, p.s.TargetPerShard, first.s.TargetPerShard, first.dir)
		case !slices.Equal(p.s.gates(), gates):
			return nil, fmt.Errorf("%s: gates %s differ from %s's %s", p.dir, gateList(p.s.gates()), first.dir, gateList(gates))
		case p.planned > 0 && p.planned != planned.planned:
			return nil, fmt.Errorf("%s: the whole run planned %d devices, but %d in %s; not shards of one run",
				p.dir, p.planned, planned.planned, planned.dir)
		case !p.startAt.IsZero() && !p.startAt.Equal(startAt.startAt):
			return nil, fmt.Errorf("%s: --start-at %s, but %s ran with --start-at %s; not shards of one run",
				p.dir, p.startAt.Format(time.RFC3339Nano), startAt.dir, startAt.startAt.Format(time.RFC3339Nano))
		}
		if p.s.StartedAt.Before(earliest.s.StartedAt) {
			earliest = p
		}
		if p.latest.After(latest.latest) {
			latest = p
		}
		for _, k := range p.shards {
			if other, dup := holder[k]; dup {
				return nil, fmt.Errorf("%s: shard %d/%d is also in %s", p.dir, k, p.count, other)
			}
			holder[k] = p.dir
		}
	}
	spread := latest.latest.Sub(earliest.s.StartedAt).Round(time.Microsecond)
	if spread > maxStartSpread {
		return nil, fmt.Errorf("%s: started %s, %s after %s (started %s); the shards of one run start within %s",
			latest.dir, latest.latest.Format(time.RFC3339), spread.Round(time.Second), earliest.dir,
			earliest.s.StartedAt.Format(time.RFC3339), maxStartSpread)
	}
	set := &ShardSet{Count: first.count, StartSpreadS: spread.Seconds()}
	if planned != nil {
		set.Planned = planned.planned
	}
	if startAt != nil {
		set.StartAt = startAt.startAt
	}
	var missing []int
	for k := range first.count {
		if _, ok := holder[k]; ok {
			set.Indexes = append(set.Indexes, k)
		} else {
			missing = append(missing, k)
		}
	}
	if len(missing) > 0 && !opt.Partial {
		return nil, &MissingShardsError{Count: first.count, Missing: missing}
	}
	if planned != nil && len(missing) == 0 {
		sum := 0
		for _, p := range parts {
			sum += p.s.Devices.Planned
		}
		if sum != planned.planned {
			return nil, fmt.Errorf("%s: the shards planned %d devices in all, but the run planned %d; were they run with different --devices?",
				planned.dir, sum, planned.planned)
		}
	}

	m := mergeSummaries(parts)
	m.MergedFrom, m.MergedShards = set, len(set.Indexes)
	m.Evaluate(gates)
	return m, nil
}

// gates returns the gates the summary was evaluated with.
func (s *Summary) gates() []Gate {
	gs := make([]Gate, 0, len(s.Gates))
	for _, r := range s.Gates {
		gs = append(gs, r.Gate)
	}
	return gs
}

// gateList quotes gate expressions for an error message.
func gateList(gs []Gate) string {
	if len(gs) == 0 {
		return "(none)"
	}
	q := make([]string, len(gs))
	for i, g := range gs {
		q[i] = strconv.Quote(g.Expr)
	}
	return "[" + strings.Join(q, ", ") + "]"
}

// mergeSummaries combines the parts, in shard order, into one summary
// without gate results.
func mergeSummaries(parts []mergePart) *Summary {
	m := &Summary{
		Schema:   SchemaV1,
		Scenario: parts[0].s.Scenario,
		Outcomes: make(OutcomeCounts, len(Outcomes())),
		Latency:  make(LatencyStats, NumPhases),
		Gates:    []GateResult{},
		Passed:   true,

		TargetPerShard: parts[0].s.TargetPerShard,
	}
	for _, o := range Outcomes() {
		m.Outcomes[o] = 0
	}
	t0, end := parts[0].s.StartedAt, time.Time{}
	for _, p := range parts {
		t0 = minTime(t0, p.s.StartedAt)
		end = maxTime(end, p.s.StartedAt.Add(time.Duration(math.Round(p.s.DurationS*1000))*time.Millisecond))
	}
	m.StartedAt = t0
	m.DurationS = math.Round(end.Sub(t0).Seconds()*1000) / 1000

	for _, p := range parts {
		s := p.s
		m.Devices.Planned += s.Devices.Planned
		m.Devices.Started += s.Devices.Started
		m.Devices.Completed += s.Devices.Completed
		m.Devices.DroppedStarts += s.Devices.DroppedStarts
		for o, n := range s.Outcomes {
			m.Outcomes[o] += n
		}
		for _, o := range slices.Sorted(maps.Keys(s.Reasons)) {
			for _, r := range s.Reasons[o] {
				m.addReason(o, r)
			}
		}
		m.Idempotency.Checked += s.Idempotency.Checked
		m.Idempotency.Violations += s.Idempotency.Violations
		m.Idempotency.Verified += s.Idempotency.Verified
		for _, f := range s.Idempotency.Findings {
			if len(m.Idempotency.Findings) < maxFindings {
				m.Idempotency.Findings = append(m.Idempotency.Findings, f)
			}
		}
		m.mergeTarget(s.Target)
		m.Interrupted = m.Interrupted || s.Interrupted
		if m.Aborted == "" {
			m.Aborted = s.Aborted
		}
	}
	m.Interrupted = m.Interrupted || m.Aborted != ""
	m.mergeLatency(parts)
	m.mergeTimeline(parts)
	return m
}

// addReason keeps up to maxReasons distinct reasons per outcome, as the recorder does.
func (s *Summary) addReason(o Outcome, reason string) {
	rs := s.Reasons[o]
	if len(rs) >= maxReasons || slices.Contains(rs, reason) {
		return
	}
	if s.Reasons == nil {
		s.Reasons = make(map[Outcome][]string)
	}
	s.Reasons[o] = append(rs, reason)
}

// mergeTarget adds a part's target counters: all summed when each shard had
// a target of its own, otherwise *_before the minimum, *_after the maximum
// (a shared target's totals) and the others summed.
func (s *Summary) mergeTarget(t map[string]int64) {
	for k, v := range t {
		if s.Target == nil {
			s.Target = make(map[string]int64, len(t))
		}
		old, seen := s.Target[k]
		switch {
		case !seen:
			s.Target[k] = v
		case s.TargetPerShard:
			s.Target[k] = old + v
		case strings.HasSuffix(k, "_before"):
			s.Target[k] = min(old, v)
		case strings.HasSuffix(k, "_after"):
			s.Target[k] = max(old, v)
		default:
			s.Target[k] = old + v
		}
	}
}

// secondOffset returns the whole seconds from t0 to a part's start, rounded.
func secondOffset(t0 time.Time, p mergePart) int {
	return int((p.s.StartedAt.Sub(t0) + time.Second/2) / time.Second)
}

// mergeLatency sums the parts' interval histograms by absolute second and
// phase, keeps them as the merged summary's intervals, and computes each
// phase's statistics and microsecond histogram from them.
func (s *Summary) mergeLatency(parts []mergePart) {
	type key struct {
		sec   int
		phase Phase
	}
	merged := make(map[key]*hdrhistogram.PackedHistogram)
	for _, p := range parts {
		off := secondOffset(s.StartedAt, p)
		for _, iv := range p.s.intervals {
			k := key{iv.Second + off, iv.Phase}
			if merged[k] == nil {
				h := newIntervalHistogram(iv.Phase)
				startMs := s.StartedAt.Add(time.Duration(k.sec) * time.Second).UnixMilli()
				h.SetStartTimeMs(startMs)
				h.SetEndTimeMs(startMs + 1000)
				merged[k] = h
			}
			// Both histograms have the recorder's geometry and the values
			// were in range when read, so nothing is dropped.
			merged[k].Merge(iv.Hist)
		}
	}
	keys := slices.SortedFunc(maps.Keys(merged), func(a, b key) int {
		return cmp.Or(cmp.Compare(a.sec, b.sec), cmp.Compare(a.phase, b.phase))
	})
	var total [NumPhases]*hdrhistogram.Histogram
	for p := range total {
		total[p] = hdrhistogram.New(1, intervalHighest, HistogramSigFigs)
	}
	s.intervals = make([]Interval, 0, len(keys))
	for _, k := range keys {
		s.intervals = append(s.intervals, Interval{Second: k.sec, Phase: k.phase, Hist: merged[k]})
		merged[k].MergeInto(total[k.phase])
	}
	for _, p := range Phases() {
		s.hists[p] = microsHistogram(total[p])
		s.Latency[p.String()] = mergedStats(parts, p, total[p])
	}
}

// mergedStats computes a phase's statistics from the parts' exact figures
// (count, min, max, sum, clamped) and the merged nanosecond histogram
// (percentiles, clamped to the exact min and max as the recorder does).
func mergedStats(parts []mergePart, p Phase, ns *hdrhistogram.Histogram) PhaseStats {
	n := ns.TotalCount()
	if n == 0 {
		return PhaseStats{}
	}
	var lo, hi, sum, clamped int64
	seen := false
	for _, part := range parts {
		ps := part.s.Latency[p.String()]
		if ps.Count == 0 {
			continue
		}
		mn, mx := microsFromMs(ps.Min), microsFromMs(ps.Max)
		if !seen || mn < lo {
			lo = mn
		}
		hi = max(hi, mx)
		seen = true
		if ps.SumUs != 0 || ps.Mean == 0 {
			sum += ps.SumUs
		} else { // a summary without sum_us: its mean is rounded to the µs
			sum += int64(math.Round(ps.Mean * 1000 * float64(ps.Count)))
		}
		clamped += ps.Clamped
	}
	q := ns.ValueAtPercentilesSlice(statQuantiles)
	for i, v := range q {
		q[i] = min(max((v+500)/1000, lo), hi)
	}
	return PhaseStats{
		Count:   n,
		Min:     msFromMicros(lo),
		Mean:    math.Round(float64(sum)/float64(n)) / 1000,
		P50:     msFromMicros(q[0]),
		P90:     msFromMicros(q[1]),
		P95:     msFromMicros(q[2]),
		P99:     msFromMicros(q[3]),
		P999:    msFromMicros(q[4]),
		Max:     msFromMicros(hi),
		Clamped: clamped,
		SumUs:   sum,
	}
}

// microsFromMs converts milliseconds with microsecond precision to microseconds.
func microsFromMs(ms float64) int64 {
	return int64(math.Round(ms * 1000))
}

// mergeTimeline adds the parts' timeline rows by absolute second and takes
// each second's provision count and percentiles from the merged intervals.
func (s *Summary) mergeTimeline(parts []mergePart) {
	n := 0
	for _, p := range parts {
		off := secondOffset(s.StartedAt, p)
		for _, r := range p.s.Timeline {
			n = max(n, off+r.Second+1)
		}
	}
	for _, iv := range s.intervals {
		n = max(n, iv.Second+1)
	}
	rows := make([]Second, n)
	for i := range rows {
		rows[i].Second = i
	}
	for _, p := range parts {
		off := secondOffset(s.StartedAt, p)
		for _, r := range p.s.Timeline {
			row := &rows[off+r.Second]
			row.Started += r.Started
			row.Completed += r.Completed
			row.Succeeded += r.Succeeded
			row.Failed += r.Failed
		}
	}
	for _, iv := range s.intervals {
		if iv.Phase != PhaseProvision || iv.Hist.TotalCount() == 0 {
			continue
		}
		q := iv.Hist.ValueAtPercentilesSlice([]float64{50, 99})
		row := &rows[iv.Second]
		row.ProvisionCount = iv.Hist.TotalCount()
		row.ProvisionP50, row.ProvisionP99 = msFromNanos(q[0]), msFromNanos(q[1])
	}
	s.Timeline = rows
}

// ShardNote says which part of a sharded run the summary covers: "shard
// 1/4", "merged from 4 shards" or "merged 2 of 4 shards; shards 1 and 3 are
// missing"; empty for an unsharded run. A merge of shards whose starts spread
// over more than noteStartSpread adds "; shard starts spread over 2.5 s:
// per-second figures are approximate".
func (s *Summary) ShardNote() string {
	note := s.shardNote()
	// Compared as shown, to the millisecond, so that the note never says "over 1 s".
	if set := s.MergedFrom; set != nil && math.Round(set.StartSpreadS*1000) > float64(noteStartSpread/time.Millisecond) {
		note += fmt.Sprintf("; shard starts spread over %s s: per-second figures are approximate", formatSeconds(set.StartSpreadS))
	}
	return note
}

// shardNote is ShardNote without the note on the spread of the starts.
func (s *Summary) shardNote() string {
	switch {
	case s.Shard != nil:
		return fmt.Sprintf("shard %d/%d", s.Shard.Index, s.Shard.Count)
	case s.MergedFrom != nil && len(s.MergedFrom.Indexes) < s.MergedFrom.Count:
		var missing []int
		for k := range s.MergedFrom.Count {
			if !slices.Contains(s.MergedFrom.Indexes, k) {
				missing = append(missing, k)
			}
		}
		list, plural := shardList(missing)
		verb := "is"
		if plural {
			verb = "are"
		}
		return fmt.Sprintf("merged %d of %d shards; %s %s missing", len(s.MergedFrom.Indexes), s.MergedFrom.Count, list, verb)
	case s.MergedFrom != nil:
		return fmt.Sprintf("merged from %d shards", s.MergedFrom.Count)
	case s.MergedShards > 0:
		return fmt.Sprintf("merged from %d shards", s.MergedShards)
	}
	return ""
}

// maxListed is how many shard indexes a message lists before counting the rest.
const maxListed = 10

// shardList names shard indexes: "shard 2", "shards 1 and 3", "shards 1, 2
// and 3", "shards 0, 1, ..., 9 and 90 more"; plural is false for one shard.
func shardList(idx []int) (list string, plural bool) {
	if len(idx) == 1 {
		return "shard " + strconv.Itoa(idx[0]), false
	}
	shown := idx[:min(len(idx), maxListed)]
	names := make([]string, len(shown))
	for i, k := range shown {
		names[i] = strconv.Itoa(k)
	}
	last := names[len(names)-1]
	if rest := len(idx) - len(shown); rest > 0 {
		last = fmt.Sprintf("%d more", rest)
	} else {
		names = names[:len(names)-1]
	}
	return "shards " + strings.Join(names, ", ") + " and " + last, true
}

func minTime(a, b time.Time) time.Time {
	if b.Before(a) {
		return b
	}
	return a
}

func maxTime(a, b time.Time) time.Time {
	if b.After(a) {
		return b
	}
	return a
}
