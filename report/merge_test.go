package report

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// mergeStart is when every shard of the test fleet starts (as with --start-at).
var mergeStart = time.Date(2026, 3, 4, 5, 6, 7, 0, time.UTC)

// testDevice is one device of the deterministic test fleet and when it completes.
type testDevice struct {
	obs  Observation
	done time.Time
}

// testFleet returns n devices arriving 5 ms apart from mergeStart, with
// latencies spread log-uniformly over several decades by a fixed-seed
// generator. Every 17th device times out (four distinct reasons), every 29th
// is refused at TLS, every 31st success fails its idempotency probe, and
// device 100 has a total above the histograms' 10-minute limit (clamped).
func testFleet(n int) []testDevice {
	rng := rand.New(rand.NewPCG(7, 11))
	lat := func(lo, hi float64) time.Duration { // log-uniform in [lo, hi) ns
		return time.Duration(lo * math.Pow(hi/lo, rng.Float64()))
	}
	devs := make([]testDevice, n)
	for g := range devs {
		start := mergeStart.Add(time.Duration(g) * 5 * time.Millisecond)
		o := Observation{Index: g, Name: fmt.Sprintf("dev-%04d", g), Start: start}
		connect := lat(5e5, 5e7)
		o.Set(PhaseConnect, connect)
		o.Set(PhaseSchedulerLag, lat(1e3, 1e6))
		end := connect
		switch {
		case g%17 == 5:
			o.Outcome, o.Reason = OutcomeTimeout, fmt.Sprintf("no CONNACK within %ds", 5+g%4)
			end += 5 * time.Second
		case g%29 == 3:
			o.Outcome, o.Reason = OutcomeRejectedTLS, "bad certificate"
		default:
			provision := connect + lat(1e7, 5e9)
			o.Set(PhaseDrop, connect+lat(1e5, 1e7))
			o.Set(PhaseProvision, provision)
			o.Set(PhasePublish, lat(1e5, 1e8))
			o.Set(PhaseEcho, lat(2e5, 2e8))
			end = provision + lat(1e6, 3e8)
			if g == 100 {
				end = 11 * time.Minute
			}
			o.Set(PhaseTotal, end)
			o.Outcome = OutcomeProvisioned
			o.IdempotencyChecked = true
			o.IdempotencyViolated = g%31 == 7
		}
		devs[g] = testDevice{obs: o, done: start.Add(end)}
	}
	return devs
}

// shardSummary records shard sh's devices of the fleet (every device for
// sh == nil) as one process of a sharded run would, and evaluates the gates.
func shardSummary(t *testing.T, fleet []testDevice, sh *Shard, gates ...string) *Summary {
	t.Helper()
	return lateShardSummary(t, fleet, sh, 0, gates...)
}

// lateShardSummary is shardSummary for a shard that started late after
// mergeStart (a pod that missed --start-at): its start and its devices'
// times are that much later.
func lateShardSummary(t *testing.T, fleet []testDevice, sh *Shard, late time.Duration, gates ...string) *Summary {
	t.Helper()
	start := mergeStart.Add(late)
	now := start
	r := NewRecorder(WithStart(start), WithClock(func() time.Time { return now }))
	k, n := 0, 1
	if sh != nil {
		k, n = sh.Index, sh.Count
	}
	count, last := 0, start
	for g := k; g < len(fleet); g += n {
		o := fleet[g].obs
		o.Start = o.Start.Add(late)
		now = fleet[g].done.Add(late)
		r.Record(o)
		count++
		if now.After(last) {
			last = now
		}
	}
	s := r.Summarize(Meta{Scenario: "merge-test", Planned: count, Started: count, Duration: last.Sub(start), Shard: sh})
	var gs []Gate
	for _, e := range gates {
		gs = append(gs, mustGate(t, e))
	}
	s.Evaluate(gs)
	return s
}

// writeRun writes s into a new directory and returns it.
func writeRun(t *testing.T, s *Summary) string {
	t.Helper()
	dir := t.TempDir()
	require.NoError(t, WriteDir(dir, s))
	return dir
}

// writeShards writes every shard of an n-shard run of the fleet.
func writeShards(t *testing.T, fleet []testDevice, n int, gates ...string) []string {
	t.Helper()
	dirs := make([]string, n)
	for k := range dirs {
		dirs[k] = writeRun(t, shardSummary(t, fleet, &Shard{Index: k, Count: n}, gates...))
	}
	return dirs
}

// readFiles returns every output file of a run directory by name.
func readFiles(t *testing.T, dir string) map[string]string {
	t.Helper()
	files := make(map[string]string)
	for _, o := range Outputs() {
		data, err := os.ReadFile(filepath.Join(dir, o.Name))
		require.NoError(t, err)
		files[o.Name] = string(data)
	}
	return files
}

// withinOneBucket reports whether a percentile of the merge (got) is within
// the histograms' precision of one recorder's (want), both in ms: one bucket
// of a 3-significant-digit HDR histogram (1/1024 of the value) plus 1 µs for
// rounding nanoseconds to microseconds.
func withinOneBucket(want, got float64) bool {
	return math.Abs(want-got) <= want/1024+0.001+1e-9
}

func TestMergeDirsMatchesOneRecorder(t *testing.T) {
	fleet := testFleet(500)
	gates := []string{"rate.success >= 80%", "provision.p99 < 10s"}
	whole := shardSummary(t, fleet, nil, gates...)
	for _, n := range []int{1, 2, 7} {
		t.Run(fmt.Sprintf("%d shards", n), func(t *testing.T) {
			m, err := MergeDirs(writeShards(t, fleet, n, gates...), MergeOptions{})
			require.NoError(t, err)

			assert.Equal(t, whole.Devices, m.Devices)
			assert.Equal(t, whole.Outcomes, m.Outcomes)
			assert.Equal(t, whole.Idempotency, m.Idempotency)
			assert.True(t, whole.StartedAt.Equal(m.StartedAt), "started_at %s, want %s", m.StartedAt, whole.StartedAt)
			assert.Equal(t, whole.DurationS, m.DurationS)
			assert.Nil(t, m.Shard)
			assert.Equal(t, n, m.MergedShards)
			require.NotNil(t, m.MergedFrom)
			assert.Equal(t, n, m.MergedFrom.Count)
			assert.Len(t, m.MergedFrom.Indexes, n)

			for _, p := range Phases() {
				want, got := whole.Latency[p.String()], m.Latency[p.String()]
				// Exact: from the shards' exact figures and the lossless histograms.
				assert.Equal(t, want.Count, got.Count, "%s count", p)
				assert.Equal(t, want.Min, got.Min, "%s min", p)
				assert.Equal(t, want.Max, got.Max, "%s max", p)
				assert.Equal(t, want.Mean, got.Mean, "%s mean", p)
				assert.Equal(t, want.SumUs, got.SumUs, "%s sum", p)
				assert.Equal(t, want.Clamped, got.Clamped, "%s clamped", p)
				// Within one histogram bucket: percentiles.
				for _, q := range []struct {
					name      string
					want, got float64
				}{{"p50", want.P50, got.P50}, {"p90", want.P90, got.P90}, {"p95", want.P95, got.P95},
					{"p99", want.P99, got.P99}, {"p999", want.P999, got.P999}} {
					assert.True(t, withinOneBucket(q.want, q.got), "%s %s: merged %v, one recorder %v", p, q.name, q.got, q.want)
				}
				require.NotNil(t, m.Histogram(p))
				assert.Equal(t, want.Count, m.Histogram(p).TotalCount(), "%s µs histogram", p)
			}
			assert.EqualValues(t, 1, m.Latency["total"].Clamped, "the 11-minute total is clamped")

			// The per-second figures are those of one recorder, exactly.
			assert.Equal(t, whole.Timeline, m.Timeline)
			assert.Equal(t, string(render(t, WriteHlog, whole)), string(render(t, WriteHlog, m)),
				"phases.hlog of the merge is that of one recorder, byte for byte")
			assert.Equal(t, string(render(t, WriteTimelineCSV, whole)), string(render(t, WriteTimelineCSV, m)))

			// Gates judge the whole.
			require.Len(t, m.Gates, len(gates))
			for i, g := range m.Gates {
				assert.Equal(t, whole.Gates[i].Passed, g.Passed, g.Expr)
			}
			assert.Equal(t, whole.Passed, m.Passed)
		})
	}
}

func TestMergeTargetCounters(t *testing.T) {
	fleet := testFleet(40)
	targets := []map[string]int64{
		{"things_before": 12, "things_after": 30, "registrations": 20, "certificates_before": 3},
		{"things_before": 10, "things_after": 52, "registrations": 22, "api_calls": 7},
	}
	var dirs []string
	for k, tg := range targets {
		s := shardSummary(t, fleet, &Shard{Index: k, Count: 2})
		s.Target = tg
		dirs = append(dirs, writeRun(t, s))
	}
	m, err := MergeDirs(dirs, MergeOptions{})
	require.NoError(t, err)
	assert.Equal(t, map[string]int64{
		"things_before":       10, // the minimum
		"things_after":        52, // the maximum
		"registrations":       42, // summed
		"certificates_before": 3,  // only one shard has it
		"api_calls":           7,
	}, m.Target)

	// Shards with a stand-in each: every counter adds up.
	dirs = dirs[:0]
	for k, tg := range targets {
		s := shardSummary(t, fleet, &Shard{Index: k, Count: 2})
		s.Target, s.TargetPerShard = tg, true
		dirs = append(dirs, writeRun(t, s))
	}
	m, err = MergeDirs(dirs, MergeOptions{})
	require.NoError(t, err)
	assert.Equal(t, map[string]int64{
		"things_before": 22, "things_after": 82, "registrations": 42, "certificates_before": 3, "api_calls": 7,
	}, m.Target)
	assert.True(t, m.TargetPerShard, "so a merge of merges adds up too")
}

func TestMergeGatesJudgeWholeFleet(t *testing.T) {
	// Ten devices: shard 0 of 2 takes the even ones, shard 1 the odd ones.
	// Every device succeeds and runs the idempotency probe but those that
	// time out.
	fleet := func(timeouts ...int) []testDevice {
		f := testFleet(10)
		for g := range f {
			o := &f[g].obs
			o.Outcome, o.Reason, o.IdempotencyChecked, o.IdempotencyViolated = OutcomeProvisioned, "", true, false
			if slices.Contains(timeouts, g) {
				o.Outcome, o.Reason, o.IdempotencyChecked = OutcomeTimeout, "no CONNACK", false
			}
		}
		return f
	}
	oneEach, bothInShard1 := fleet(5, 6), fleet(5, 7)
	tests := []struct {
		gate        string
		fleet       []testDevice
		shardPassed [2]bool
		wholePassed bool
		wholeValue  float64
	}{
		{"outcome.timeout <= 1", oneEach, [2]bool{true, true}, false, 2},
		{"devices.completed >= 8", oneEach, [2]bool{false, false}, true, 10},
		{"idempotency.checked == 8", oneEach, [2]bool{false, false}, true, 8},
		{"rate.success >= 70%", bothInShard1, [2]bool{true, false}, true, 0.8},
		{"rate.success == 100%", bothInShard1, [2]bool{true, false}, false, 0.8},
		{"rate.success >= 80%", oneEach, [2]bool{true, true}, true, 0.8},
	}
	for _, tt := range tests {
		t.Run(tt.gate, func(t *testing.T) {
			var dirs []string
			for k := range 2 {
				s := shardSummary(t, tt.fleet, &Shard{Index: k, Count: 2}, tt.gate)
				require.Len(t, s.Gates, 1)
				require.Equal(t, tt.shardPassed[k], s.Passed, "shard %d alone", k)
				dirs = append(dirs, writeRun(t, s))
			}
			m, err := MergeDirs(dirs, MergeOptions{})
			require.NoError(t, err)
			require.Len(t, m.Gates, 1)
			assert.Equal(t, tt.gate, m.Gates[0].Expr)
			require.NotNil(t, m.Gates[0].Value)
			assert.InDelta(t, tt.wholeValue, *m.Gates[0].Value, 1e-12)
			assert.Equal(t, tt.wholePassed, m.Gates[0].Passed)
			assert.Equal(t, tt.wholePassed, m.Passed)
		})
	}
}

func TestMergeOfMergesEqualsDirectMerge(t *testing.T) {
	fleet := testFleet(200)
	gates := []string{"rate.success >= 90%", "provision.p99 < 2s"}
	shards := writeShards(t, fleet, 4, gates...)
	direct, err := MergeDirs(shards, MergeOptions{})
	require.NoError(t, err)
	want := readFiles(t, writeRun(t, direct))

	t.Run("argument order", func(t *testing.T) {
		reversed := []string{shards[3], shards[1], shards[2], shards[0]}
		m, err := MergeDirs(reversed, MergeOptions{})
		require.NoError(t, err)
		assert.Equal(t, want, readFiles(t, writeRun(t, m)))
	})
	t.Run("merged pairs", func(t *testing.T) {
		m01, err := MergeDirs(shards[:2], MergeOptions{Partial: true})
		require.NoError(t, err)
		m23, err := MergeDirs(shards[2:], MergeOptions{Partial: true})
		require.NoError(t, err)
		assert.Equal(t, "merged 2 of 4 shards; shards 2 and 3 are missing", m01.ShardNote())
		m, err := MergeDirs([]string{writeRun(t, m23), writeRun(t, m01)}, MergeOptions{})
		require.NoError(t, err)
		assert.Equal(t, want, readFiles(t, writeRun(t, m)), "every file equals the direct merge's")
	})
	t.Run("a merge and shards", func(t *testing.T) {
		m012, err := MergeDirs(shards[:3], MergeOptions{Partial: true})
		require.NoError(t, err)
		m, err := MergeDirs([]string{writeRun(t, m012), shards[3]}, MergeOptions{})
		require.NoError(t, err)
		assert.Equal(t, want, readFiles(t, writeRun(t, m)))
	})
}

func TestMergePartial(t *testing.T) {
	fleet := testFleet(80)
	shards := writeShards(t, fleet, 4, "rate.success >= 50%")

	_, err := MergeDirs([]string{shards[0], shards[2]}, MergeOptions{})
	var missing *MissingShardsError
	require.ErrorAs(t, err, &missing)
	assert.Equal(t, &MissingShardsError{Count: 4, Missing: []int{1, 3}}, missing)
	assert.EqualError(t, err, "shards 1 and 3 of 4 are missing")

	m, err := MergeDirs([]string{shards[2], shards[0]}, MergeOptions{Partial: true})
	require.NoError(t, err)
	assert.Equal(t, 2, m.MergedShards)
	assert.Equal(t, &ShardSet{Count: 4, Indexes: []int{0, 2}}, m.MergedFrom)
	assert.Equal(t, 40, m.Devices.Planned, "the shards' devices only")
	text := string(render(t, WriteText, m))
	assert.Contains(t, text, "\nmerged 2 of 4 shards; shards 1 and 3 are missing\n")

	// The partial merge's files say so too, and read back the same.
	back, err := ReadDir(writeRun(t, m))
	require.NoError(t, err)
	assert.Equal(t, m.MergedFrom, back.MergedFrom)
	assert.Equal(t, text, string(render(t, WriteText, back)))
}

func TestMergeCombinesRunState(t *testing.T) {
	fleet := testFleet(60)
	var dirs []string
	for k := range 3 {
		s := shardSummary(t, fleet, &Shard{Index: k, Count: 3}, "outcome.timeout == 0")
		switch k {
		case 1:
			s.Interrupted, s.Aborted = true, "outcome.timeout == 0"
			s.Idempotency.Findings = []string{"dev-0001: two things"}
		case 2:
			s.Idempotency.Verified, s.Idempotency.Findings = 20, make([]string, maxFindings)
			for i := range s.Idempotency.Findings {
				s.Idempotency.Findings[i] = fmt.Sprintf("dev-%04d: no policy", 3*i+2)
			}
		}
		dirs = append(dirs, writeRun(t, s))
	}
	m, err := MergeDirs(dirs, MergeOptions{})
	require.NoError(t, err)
	assert.True(t, m.Interrupted)
	assert.Equal(t, "outcome.timeout == 0", m.Aborted)
	assert.Equal(t, "ABORTED", m.Verdict())
	assert.Equal(t, 20, m.Idempotency.Verified)
	require.Len(t, m.Idempotency.Findings, maxFindings, "findings are capped")
	assert.Equal(t, "dev-0001: two things", m.Idempotency.Findings[0], "in shard order")
	assert.Equal(t, "dev-0002: no policy", m.Idempotency.Findings[1])

	// Reasons: up to three distinct per outcome, over all shards.
	timeouts := m.Reasons[OutcomeTimeout]
	assert.Len(t, timeouts, maxReasons)
	seen := map[string]bool{}
	for _, r := range timeouts {
		assert.False(t, seen[r], "distinct: %q", r)
		seen[r] = true
	}
	assert.Equal(t, []string{"bad certificate"}, m.Reasons[OutcomeRejectedTLS])
}

func TestMergeAlignsShardsOnAbsoluteTime(t *testing.T) {
	// Two one-device shards: shard 1 started 2.3 s after shard 0, so its
	// second 0 is the merge's second 2 (2.3 s rounded).
	rec := func(sh *Shard, start time.Time, took time.Duration) string {
		now := start.Add(took)
		r := NewRecorder(WithStart(start), WithClock(func() time.Time { return now }))
		o := obs(OutcomeProvisioned, map[Phase]time.Duration{PhaseProvision: took})
		o.Start = start
		r.Record(o)
		return writeRun(t, r.Summarize(Meta{Scenario: "align", Planned: 1, Started: 1, Duration: took, Shard: sh}))
	}
	a := rec(&Shard{Index: 0, Count: 2}, mergeStart, 500*time.Millisecond)
	b := rec(&Shard{Index: 1, Count: 2}, mergeStart.Add(2300*time.Millisecond), 250*time.Millisecond)
	m, err := MergeDirs([]string{b, a}, MergeOptions{})
	require.NoError(t, err)
	assert.True(t, mergeStart.Equal(m.StartedAt))
	assert.Equal(t, 2.55, m.DurationS, "from the earliest start to the latest end")
	require.Len(t, m.Timeline, 3)
	for i, want := range []struct {
		completed int
		p50       float64
	}{{1, 500}, {0, 0}, {1, 250}} {
		row := m.Timeline[i]
		assert.Equal(t, i, row.Second)
		assert.Equal(t, want.completed, row.Started, "second %d started", i)
		assert.Equal(t, want.completed, row.Completed, "second %d completed", i)
		assert.EqualValues(t, want.completed, row.ProvisionCount, "second %d provision count", i)
		assert.InDelta(t, want.p50, row.ProvisionP50, want.p50/1024, "second %d provision p50", i)
	}
	ivs := m.Intervals()
	require.Len(t, ivs, 2)
	assert.Equal(t, 2, ivs[1].Second)
	assert.Equal(t, mergeStart.Add(2*time.Second).UnixMilli(), ivs[1].Hist.StartTimeMs())
}

func TestMergeDirsErrors(t *testing.T) {
	fleet := testFleet(30)
	shard := func(k, n int, edit func(*Summary)) string {
		s := shardSummary(t, fleet, &Shard{Index: k, Count: n}, "rate.success >= 50%")
		if edit != nil {
			edit(s)
		}
		return writeRun(t, s)
	}
	s0, s1 := shard(0, 2, nil), shard(1, 2, nil)
	empty := t.TempDir()
	absent := filepath.Join(t.TempDir(), "absent")
	garbled := shard(1, 2, nil)
	require.NoError(t, os.WriteFile(filepath.Join(garbled, FileSummary), []byte("{not json"), 0o644))
	noHlog := shard(1, 2, nil)
	require.NoError(t, os.Remove(filepath.Join(noHlog, FileHlog)))
	otherHlog := shard(1, 2, nil)
	hlog, err := os.ReadFile(filepath.Join(s0, FileHlog))
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(filepath.Join(otherHlog, FileHlog), hlog, 0o644))
	unsharded := writeRun(t, shardSummary(t, fleet, nil, "rate.success >= 50%"))
	capacity := shard(1, 2, func(s *Summary) { s.Capacity = &Capacity{} })
	s1again := shard(1, 2, nil)

	tests := []struct {
		name    string
		dirs    []string
		partial bool
		blame   string // the directory the error names
		want    string
	}{
		{"no directory", nil, false, "", "no shard directory to merge"},
		{"missing directory", []string{s0, absent}, false, absent, "not a run directory: no such file or directory"},
		{"not a run directory", []string{s0, empty}, false, empty, "no summary.json (not a run directory)"},
		{"unreadable summary", []string{s0, garbled}, false, garbled, "summary.json: read summary:"},
		{"no phases.hlog", []string{s0, noHlog}, false, noHlog, "no phases.hlog (a merge needs every shard's phases.hlog)"},
		{"phases.hlog of another shard", []string{s0, otherHlog}, false, otherHlog, "phases.hlog holds"},
		{"unsharded", []string{s0, unsharded}, false, unsharded, "not a shard of a sharded run"},
		{"capacity ramp", []string{s0, capacity}, false, capacity, "a capacity ramp cannot be merged"},
		{"other scenario", []string{s0, shard(1, 2, func(s *Summary) { s.Scenario = "other" })}, false, "",
			`scenario "other", but ` + s0 + ` ran "merge-test"`},
		{"shard counts disagree", []string{s0, shard(1, 3, nil)}, false, "", "a shard of 3, but " + s0 + " is a shard of 2"},
		{"same shard twice", []string{s0, s1, s0}, false, s0, "shard 0/2 is also in " + s0},
		{"same index in two directories", []string{s1, s0, s1again}, false, s1again, "shard 1/2 is also in " + s1},
		{"gates differ", []string{s0, shard(1, 2, func(s *Summary) { s.Evaluate([]Gate{mustGate(t, "rate.success >= 60%")}) })},
			false, "", `gates ["rate.success >= 60%"] differ from ` + s0 + `'s ["rate.success >= 50%"]`},
		{"shard out of range", []string{s0, shard(1, 2, func(s *Summary) { s.Shard = &Shard{Index: 2, Count: 2} })}, false, "",
			"shard 2/2 is out of range"},
		{"missing shard", []string{s1}, false, "", "shard 0 of 2 is missing"},
		{"missing shards", []string{shard(2, 4, nil)}, false, "", "shards 0, 1 and 3 of 4 are missing"},
		{"partial still checks", []string{s0, shard(1, 3, nil)}, true, "", "a shard of 3"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := MergeDirs(tt.dirs, MergeOptions{Partial: tt.partial})
			require.Error(t, err)
			msg := err.Error()
			assert.Contains(t, msg, tt.want)
			assert.NotContains(t, msg, "\n", "one line")
			if tt.blame != "" {
				assert.True(t, strings.HasPrefix(msg, tt.blame), "%q names %s first", msg, tt.blame)
			}
		})
	}
}

func TestShardNoteInReports(t *testing.T) {
	fleet := testFleet(20)
	shard := shardSummary(t, fleet, &Shard{Index: 1, Count: 4}, "rate.success >= 50%")
	full, err := MergeDirs(writeShards(t, fleet, 4, "rate.success >= 50%"), MergeOptions{})
	require.NoError(t, err)
	tests := []struct {
		name string
		s    *Summary
		note string
	}{
		{"shard", shard, "shard 1/4"},
		{"merge", full, "merged from 4 shards"},
		{"partial merge", &Summary{MergedShards: 1, MergedFrom: &ShardSet{Count: 3, Indexes: []int{1}}},
			"merged 1 of 3 shards; shards 0 and 2 are missing"},
		{"many missing", &Summary{MergedShards: 1, MergedFrom: &ShardSet{Count: 20, Indexes: []int{3}}},
			"merged 1 of 20 shards; shards 0, 1, 2, 4, 5, 6, 7, 8, 9, 10 and 9 more are missing"},
		{"unsharded", shardSummary(t, fleet, nil), ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.note, tt.s.ShardNote())
			text := string(render(t, WriteText, tt.s))
			junit := string(render(t, WriteJUnit, tt.s))
			html := string(render(t, WriteHTML, tt.s))
			if tt.note == "" {
				assert.NotContains(t, text, "shard")
				assert.NotContains(t, junit, "<properties>")
				assert.NotContains(t, html, "<dt>shards</dt>")
				return
			}
			lines := strings.Split(text, "\n")
			require.Greater(t, len(lines), 2)
			assert.Equal(t, tt.note, lines[1], "the line after the header")
			assert.Contains(t, junit, `<property name="shards" value="`+tt.note+`"></property>`)
			assert.Contains(t, html, "<dt>shards</dt><dd>"+tt.note+"</dd>")
		})
	}
}

func TestReadDirKeepsIntervals(t *testing.T) {
	s := fixedRun(t, "rate.success >= 80%")
	back, err := ReadDir(writeRun(t, s))
	require.NoError(t, err)
	require.Len(t, back.Intervals(), len(s.Intervals()))
	for i, iv := range back.Intervals() {
		want := s.Intervals()[i]
		assert.Equal(t, want.Second, iv.Second)
		assert.Equal(t, want.Phase, iv.Phase)
		assert.Equal(t, want.Hist.TotalCount(), iv.Hist.TotalCount())
		assert.Equal(t, want.Hist.StartTimeMs(), iv.Hist.StartTimeMs())
	}
	assert.Equal(t, string(render(t, WriteHlog, s)), string(render(t, WriteHlog, back)), "phases.hlog is written again unchanged")
	assert.Equal(t, s.Latency["provision"].SumUs, back.Latency["provision"].SumUs, "sum_us round-trips")
}

func TestReadHlogIntervalsErrors(t *testing.T) {
	tests := []struct{ name, log, want string }{
		{"tag without interval", "Tag=connect\n", "line 1: a tag without an interval"},
		{"too few columns", "#[BaseTime: 0 (seconds since epoch)]\nTag=connect,0.0,1.0\n", "line 2: want start,length,max,histogram"},
		{"bad start", "Tag=connect,x,1.0,1.0,HIST\n", `bad interval start "x"`},
		{"bad histogram", "Tag=connect,0.0,1.0,1.0,HISTFAAAnotbase64\n", "line 1: connect:"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := readHlogIntervals(strings.NewReader(tt.log))
			require.Error(t, err)
			assert.Contains(t, err.Error(), tt.want)
		})
	}
	ivs, err := readHlogIntervals(strings.NewReader("#comment\n\"legend\"\nTag=other,0.0,1.0,1.0,HIST\n"))
	require.NoError(t, err)
	assert.Empty(t, ivs, "lines tagged with anything but a phase are skipped")
}

func TestMissingShardsErrorText(t *testing.T) {
	tests := []struct {
		missing []int
		want    string
	}{
		{[]int{3}, "shard 3 of 8 is missing"},
		{[]int{1, 3}, "shards 1 and 3 of 8 are missing"},
		{[]int{0, 1, 2}, "shards 0, 1 and 2 of 8 are missing"},
	}
	for _, tt := range tests {
		err := error(&MissingShardsError{Count: 8, Missing: tt.missing})
		assert.EqualError(t, err, tt.want)
		var m *MissingShardsError
		assert.True(t, errors.As(fmt.Errorf("wrapped: %w", err), &m))
	}
}

// editFile rewrites the file name of the run directory dir with edit.
func editFile(t *testing.T, dir, name string, edit func(string) string) {
	t.Helper()
	path := filepath.Join(dir, name)
	data, err := os.ReadFile(path)
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(path, []byte(edit(string(data))), 0o644))
}

// editSummary rewrites summary.json of dir through its generic JSON form.
func editSummary(t *testing.T, dir string, edit func(map[string]any)) {
	t.Helper()
	editFile(t, dir, FileSummary, func(text string) string {
		var m map[string]any
		require.NoError(t, json.Unmarshal([]byte(text), &m))
		edit(m)
		out, err := json.MarshalIndent(m, "", "  ")
		require.NoError(t, err)
		return string(out)
	})
}

// editHlogColumn sets column col (1 the start, 2 the length) of the first
// interval line of dir's phases.hlog.
func editHlogColumn(t *testing.T, dir string, col int, value string) {
	t.Helper()
	editFile(t, dir, FileHlog, func(text string) string {
		lines := strings.Split(text, "\n")
		for i, line := range lines {
			if strings.HasPrefix(line, "Tag=") {
				cols := strings.Split(line, ",")
				require.Greater(t, len(cols), col)
				cols[col] = value
				lines[i] = strings.Join(cols, ",")
				return strings.Join(lines, "\n")
			}
		}
		require.Fail(t, "no interval line in phases.hlog")
		return text
	})
}

func TestMergeRejectsCorruptParts(t *testing.T) {
	fleet := testFleet(30)
	s0 := writeRun(t, shardSummary(t, fleet, &Shard{Index: 0, Count: 2}))
	shard1 := shardSummary(t, fleet, &Shard{Index: 1, Count: 2})
	require.Equal(t, 5.027, shard1.DurationS, "the messages below name it")
	require.Len(t, shard1.Timeline, 6, "seconds 0 to 5")
	timelineRow := func(second string) func(t *testing.T, dir string) {
		return func(t *testing.T, dir string) {
			editFile(t, dir, FileTimeline, func(text string) string { return text + second + ",0,1,1,0,,\n" })
		}
	}
	hlogStart := func(v string) func(t *testing.T, dir string) {
		return func(t *testing.T, dir string) { editHlogColumn(t, dir, 1, v) }
	}
	hlogLength := func(v string) func(t *testing.T, dir string) {
		return func(t *testing.T, dir string) { editHlogColumn(t, dir, 2, v) }
	}
	hlogComment := func(old, new string) func(t *testing.T, dir string) {
		return func(t *testing.T, dir string) {
			editFile(t, dir, FileHlog, func(text string) string {
				require.Contains(t, text, old)
				return strings.Replace(text, old, new, 1)
			})
		}
	}
	summary := func(key string, v any) func(t *testing.T, dir string) {
		return func(t *testing.T, dir string) { editSummary(t, dir, func(m map[string]any) { m[key] = v }) }
	}
	startedAt := func(by time.Duration) func(t *testing.T, dir string) {
		return summary("started_at", mergeStart.Add(by).Format(time.RFC3339Nano))
	}
	tests := []struct {
		name string
		edit func(t *testing.T, dir string)
		file string // the file the error names first; "" for the directory (the merge's own checks)
		want string // "" for no error
	}{
		// Each of these crashed the merge or ran out of memory.
		{"timeline second MaxInt64", timelineRow("9223372036854775807"), FileTimeline,
			"line 8: second 9223372036854775807 is past the run's 5.027 s"},
		{"timeline second 1e12", timelineRow("1000000000000"), FileTimeline, "line 8: second 1000000000000 is past the run's 5.027 s"},
		{"hlog interval start 9e15", hlogStart("9e15"), FileHlog, `line 6: bad interval start "9e15": want seconds from 0 to 1e+11`},
		{"hlog interval start 1e8", hlogStart("1e8"), FileHlog, "line 6: a connect interval at second 100000000 is past the run's 5.027 s"},
		{"hlog interval start NaN", hlogStart("NaN"), FileHlog, `line 6: bad interval start "NaN"`},
		{"hlog interval start Inf", hlogStart("+Inf"), FileHlog, `line 6: bad interval start "+Inf"`},
		{"hlog interval start negative", hlogStart("-1"), FileHlog, `line 6: bad interval start "-1"`},
		{"hlog interval length NaN", hlogLength("NaN"), FileHlog, `line 6: bad interval length "NaN"`},
		{"hlog interval length 1e8", hlogLength("1e8"), FileHlog, "line 6: a connect interval of 100000000 s is longer than the run's 5.027 s"},
		{"hlog BaseTime NaN", hlogComment("#[BaseTime: 1772600767", "#[BaseTime: NaN"), FileHlog, `line 4: bad BaseTime "NaN"`},
		{"hlog StartTime huge", hlogComment("#[StartTime: 1772600767", "#[StartTime: 1e300"), FileHlog, `line 3: bad StartTime "1e300"`},
		{"hlog BaseTime 1000 s early", hlogComment("#[BaseTime: 1772600767", "#[BaseTime: 1772599767"), FileHlog,
			"line 6: a connect interval starts 1000000 ms before the run"},
		{"duration_s huge", summary("duration_s", 1e300), FileSummary, "duration_s 1e+300 is not a run's duration (want 0 to 2592000 s, 30 days)"},
		{"duration_s negative", summary("duration_s", -1), FileSummary, "duration_s -1 is not a run's duration"},
		{"duration_s over 30 days", summary("duration_s", 2592000.5), FileSummary, "duration_s 2592000.5 is not a run's duration"},
		{"duration_s shorter than the run", summary("duration_s", 0.5), FileHlog, "a connect interval at second 4 is past the run's 0.5 s"},
		{"started_at in year 1", summary("started_at", "0001-01-01T00:00:01Z"), FileSummary,
			"started_at 0001-01-01T00:00:01Z is out of range (want 1970-01-01 to 5138-11-16)"},
		{"started_at 10 days early", startedAt(-240 * time.Hour), FileHlog, "line 6: a connect interval at second 864000 is past the run's 5.027 s"},
		{"started_at an hour late", startedAt(time.Hour), FileHlog, "line 6: a connect interval starts 3600000 ms before the run"},
		{"shard count a trillion", summary("shard", map[string]any{"index": 1, "count": 1e12}), "", "shard 1/1000000000000 is out of range"},
		// What a run writes stays readable, up to the slack.
		{"timeline within the slack", timelineRow("8"), "", ""},
		{"hlog interval within the slack", hlogStart("8"), "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := writeRun(t, shard1)
			tt.edit(t, dir)
			var err error
			require.NotPanics(t, func() { _, err = MergeDirs([]string{s0, dir}, MergeOptions{}) })
			if tt.want == "" {
				require.NoError(t, err)
				return
			}
			require.Error(t, err)
			blame := dir
			if tt.file != "" {
				blame = filepath.Join(dir, tt.file)
			}
			msg := err.Error()
			assert.True(t, strings.HasPrefix(msg, blame+": "), "%q names %s first", msg, blame)
			assert.Contains(t, msg, tt.want)
			assert.NotContains(t, msg, "\n", "one line")
			if tt.file != "" {
				// jitpsim report reads the directory the same way.
				_, rerr := ReadDir(dir)
				assert.Equal(t, err, rerr)
			}
		})
	}
}

func TestMergeRefusesShardsOfOtherRuns(t *testing.T) {
	fleet := testFleet(30)
	startAt := mergeStart
	type spec struct {
		k       int
		late    time.Duration
		planned int
		startAt time.Time
	}
	write := func(t *testing.T, sp spec) string {
		s := lateShardSummary(t, fleet, &Shard{Index: sp.k, Count: 2, Planned: sp.planned, StartAt: sp.startAt}, sp.late)
		return writeRun(t, s)
	}
	tests := []struct {
		name    string
		parts   []spec
		merge0  bool // merge the first part on its own (--partial) and merge that
		edit    func(t *testing.T, dir string)
		blame   int // the part the error names first
		want    string
		wantSet ShardSet // of a merge that works
	}{
		{name: "planned and start_at agree", parts: []spec{{0, 0, 30, startAt}, {1, 0, 30, startAt}},
			wantSet: ShardSet{Count: 2, Indexes: []int{0, 1}, Planned: 30, StartAt: startAt}},
		{name: "named by one shard only", parts: []spec{{0, 0, 0, time.Time{}}, {1, 0, 30, startAt}},
			wantSet: ShardSet{Count: 2, Indexes: []int{0, 1}, Planned: 30, StartAt: startAt}},
		{name: "planned differs", parts: []spec{{0, 0, 30, startAt}, {1, 0, 60, startAt}}, blame: 1,
			want: "the whole run planned 60 devices, but 30 in %s; not shards of one run"},
		{name: "start_at differs", parts: []spec{{0, 0, 30, startAt}, {1, time.Minute, 30, startAt.Add(time.Minute)}}, blame: 1,
			want: "--start-at 2026-03-04T05:07:07Z, but %s ran with --start-at 2026-03-04T05:06:07Z; not shards of one run"},
		{name: "a merge of another run", parts: []spec{{0, 0, 60, startAt}, {1, 0, 30, startAt}}, merge0: true, blame: 1,
			want: "the whole run planned 30 devices, but 60 in %s; not shards of one run"},
		{name: "a merge keeps planned and start_at", parts: []spec{{0, 0, 30, startAt}, {1, 0, 0, time.Time{}}}, merge0: true,
			wantSet: ShardSet{Count: 2, Indexes: []int{0, 1}, Planned: 30, StartAt: startAt}},
		{name: "starts two days apart", parts: []spec{{0, 0, 0, time.Time{}}, {1, 48 * time.Hour, 0, time.Time{}}}, blame: 1,
			want: "started 2026-03-06T05:06:07Z, 48h0m0s after %s (started 2026-03-04T05:06:07Z); the shards of one run start within 24h0m0s"},
		{name: "a merge whose shards started a day apart", parts: []spec{{0, 0, 0, time.Time{}}, {1, 0, 0, time.Time{}}}, merge0: true,
			edit: func(t *testing.T, dir string) {
				editSummary(t, dir, func(m map[string]any) { m["merged_from"].(map[string]any)["start_spread_s"] = 90000 })
			},
			want: "merged_from.start_spread_s 90000 is out of range (want 0 to 86400)"},
		{name: "a merge's latest shard counts", parts: []spec{{0, 20 * time.Hour, 0, time.Time{}}, {1, 0, 0, time.Time{}}}, merge0: true,
			edit: func(t *testing.T, dir string) {
				editSummary(t, dir, func(m map[string]any) { m["merged_from"].(map[string]any)["start_spread_s"] = 5 * 3600 })
			},
			want: "started 2026-03-05T06:06:07Z, 25h0m0s after %s (started 2026-03-04T05:06:07Z); the shards of one run start within 24h0m0s"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dirs := make([]string, len(tt.parts))
			for i, sp := range tt.parts {
				dirs[i] = write(t, sp)
			}
			if tt.merge0 {
				m, err := MergeDirs(dirs[:1], MergeOptions{Partial: true})
				require.NoError(t, err)
				dirs[0] = writeRun(t, m)
			}
			if tt.edit != nil {
				tt.edit(t, dirs[0])
			}
			m, err := MergeDirs(dirs, MergeOptions{})
			if tt.want == "" {
				require.NoError(t, err)
				require.NotNil(t, m.MergedFrom)
				assert.Equal(t, tt.wantSet, *m.MergedFrom)
				back, err := ReadDir(writeRun(t, m))
				require.NoError(t, err)
				assert.Equal(t, m.MergedFrom, back.MergedFrom, "merged_from reads back")
				return
			}
			require.Error(t, err)
			want := tt.want
			if strings.Contains(want, "%s") {
				want = fmt.Sprintf(want, dirs[1-tt.blame])
			}
			assert.Equal(t, dirs[tt.blame]+": "+want, err.Error())
		})
	}
}

func TestMergeNotesStartSpread(t *testing.T) {
	fleet := testFleet(60)
	const approx = "; shard starts spread over %s s: per-second figures are approximate"
	tests := []struct {
		name   string
		count  int
		late   []time.Duration // of shards 0, 1, ...
		spread float64
		note   string
	}{
		{"together", 2, []time.Duration{0, 0}, 0, "merged from 2 shards"},
		{"within a second", 2, []time.Duration{0, 800 * time.Millisecond}, 0.8, "merged from 2 shards"},
		{"a second exactly", 2, []time.Duration{time.Second, 0}, 1, "merged from 2 shards"},
		{"a second to the millisecond", 2, []time.Duration{0, 1000400 * time.Microsecond}, 1.0004, "merged from 2 shards"},
		{"spread", 2, []time.Duration{0, 2500 * time.Millisecond}, 2.5, "merged from 2 shards" + fmt.Sprintf(approx, "2.5")},
		{"to the microsecond", 3, []time.Duration{1234567 * time.Microsecond, 0, 3 * time.Second}, 3,
			"merged from 3 shards" + fmt.Sprintf(approx, "3")},
		{"partial", 3, []time.Duration{0, 2500 * time.Millisecond}, 2.5,
			"merged 2 of 3 shards; shard 2 is missing" + fmt.Sprintf(approx, "2.5")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var dirs []string
			for k, late := range tt.late {
				dirs = append(dirs, writeRun(t, lateShardSummary(t, fleet, &Shard{Index: k, Count: tt.count}, late)))
			}
			m, err := MergeDirs(dirs, MergeOptions{Partial: len(dirs) < tt.count})
			require.NoError(t, err)
			require.NotNil(t, m.MergedFrom)
			assert.Equal(t, tt.spread, m.MergedFrom.StartSpreadS)
			assert.Equal(t, tt.note, m.ShardNote())
			text := string(render(t, WriteText, m))
			assert.Equal(t, tt.note, strings.Split(text, "\n")[1], "next to the header")

			dir := writeRun(t, m)
			summary, err := os.ReadFile(filepath.Join(dir, FileSummary))
			require.NoError(t, err)
			assert.Equal(t, tt.spread != 0, strings.Contains(string(summary), `"start_spread_s"`), "omitted when the shards started together")
			back, err := ReadDir(dir)
			require.NoError(t, err)
			assert.Equal(t, text, string(render(t, WriteText, back)), "the note reads back")
		})
	}

	t.Run("merge of merges", func(t *testing.T) {
		// The pairs' own starts are the same: only the spread merged_from
		// keeps says that shard 1 started 2.5 s late.
		var shards []string
		for k, late := range []time.Duration{0, 2500 * time.Millisecond, 0, 0} {
			shards = append(shards, writeRun(t, lateShardSummary(t, fleet, &Shard{Index: k, Count: 4}, late)))
		}
		direct, err := MergeDirs(shards, MergeOptions{})
		require.NoError(t, err)
		m01, err := MergeDirs(shards[:2], MergeOptions{Partial: true})
		require.NoError(t, err)
		m23, err := MergeDirs(shards[2:], MergeOptions{Partial: true})
		require.NoError(t, err)
		require.True(t, m01.StartedAt.Equal(m23.StartedAt))
		m, err := MergeDirs([]string{writeRun(t, m01), writeRun(t, m23)}, MergeOptions{})
		require.NoError(t, err)
		assert.Equal(t, "merged from 4 shards"+fmt.Sprintf(approx, "2.5"), m.ShardNote())
		// Each pair starts with the whole run, so its shards' offsets are the direct merge's.
		assert.Equal(t, readFiles(t, writeRun(t, direct)), readFiles(t, writeRun(t, m)))
	})
}

func TestMergeRefusesShardsThatDoNotAddUpToTheRun(t *testing.T) {
	fleet := testFleet(30)
	var dirs []string
	for k := range 2 {
		dirs = append(dirs, writeRun(t, shardSummary(t, fleet, &Shard{Index: k, Count: 2, Planned: 30})))
	}
	_, err := MergeDirs(dirs, MergeOptions{})
	require.NoError(t, err, "15 and 15 of 30")

	// Shard 1 was run with other --devices, yet names the same whole run.
	editSummary(t, dirs[1], func(m map[string]any) { m["devices"].(map[string]any)["planned"] = 10 })
	_, err = MergeDirs(dirs, MergeOptions{})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "the shards planned 25 devices in all, but the run planned 30")
}
