package main

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/jitpsim/jitpsim/report"
)

// writeShardDir writes the output directory of shard k of n of a small run
// (written by the report package, as jitpsim run --shard k/n would): devices
// k, k+n, ... of 10 provision in 200+g ms, but device 7 times out.
func writeShardDir(t *testing.T, k, n int, gates ...string) string {
	t.Helper()
	return writeLateShardDir(t, k, n, 0, gates...)
}

// writeLateShardDir is writeShardDir for a shard that started late.
func writeLateShardDir(t *testing.T, k, n int, late time.Duration, gates ...string) string {
	t.Helper()
	start := time.Date(2026, 5, 6, 7, 8, 9, 0, time.UTC).Add(late)
	now := start
	r := report.NewRecorder(report.WithStart(start), report.WithClock(func() time.Time { return now }))
	count := 0
	for g := k; g < 10; g += n {
		o := report.Observation{Index: g, Start: start.Add(time.Duration(g) * 100 * time.Millisecond), Outcome: report.OutcomeProvisioned}
		took := time.Duration(200+g) * time.Millisecond
		o.Set(report.PhaseConnect, 5*time.Millisecond)
		o.Set(report.PhaseProvision, took)
		if g == 7 {
			o.Outcome, o.Reason = report.OutcomeTimeout, "no PUBACK within 5s"
		}
		now = o.Start.Add(took)
		r.Record(o)
		count++
	}
	s := r.Summarize(report.Meta{Scenario: "cli-merge", Planned: count, Started: count, Duration: 2 * time.Second,
		Shard: &report.Shard{Index: k, Count: n}})
	gs, err := report.ParseGates(gates)
	require.NoError(t, err)
	s.Evaluate(gs)
	dir := filepath.Join(t.TempDir(), "shard")
	require.NoError(t, os.Mkdir(dir, 0o755))
	require.NoError(t, report.WriteDir(dir, s))
	return dir
}

func TestReportMergeCommand(t *testing.T) {
	tests := []struct {
		name      string
		gate      string
		args      []string // flags before the shard directories
		shards    []int    // of 2
		late      time.Duration
		wantCode  int
		wantLines []string
		wantHTML  bool
	}{
		{
			name: "gate passes on the whole", gate: "rate.success >= 90%", shards: []int{0, 1}, wantCode: exitPass, wantHTML: true,
			wantLines: []string{"jitpsim cli-merge: 10/10 devices completed in 2s (9 succeeded, 1 failed), 4.5 succeeded/s",
				"merged from 2 shards", "PASSED"},
		},
		{
			// Shard 0 alone has no timeout, but the whole fleet has one.
			name: "gate fails on the whole", gate: "outcome.timeout == 0", args: []string{"--no-html"}, shards: []int{1, 0},
			wantCode: exitGateFailed, wantLines: []string{"merged from 2 shards", "FAILED"},
		},
		{
			name: "partial", gate: "rate.success >= 90%", args: []string{"--partial"}, shards: []int{1}, wantCode: exitGateFailed,
			wantHTML: true, wantLines: []string{"merged 1 of 2 shards; shard 0 is missing", "FAILED"},
		},
		{
			// Shard 1's pod missed --start-at by 2.5 s.
			name: "starts spread", gate: "rate.success >= 90%", args: []string{"--no-html"}, shards: []int{0, 1},
			late: 2500 * time.Millisecond, wantCode: exitPass,
			wantLines: []string{"merged from 2 shards; shard starts spread over 2.5 s: per-second figures are approximate", "PASSED"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out := filepath.Join(t.TempDir(), "merged", "run")
			args := append([]string{"report", "merge", "--out", out}, tt.args...)
			for _, k := range tt.shards {
				args = append(args, writeLateShardDir(t, k, 2, time.Duration(k)*tt.late, tt.gate))
			}
			code, stdout, stderr := runCLI(t, args...)
			require.Equal(t, tt.wantCode, code, "stdout:\n%s\nstderr:\n%s", stdout, stderr)
			assert.Empty(t, stderr)
			for _, line := range tt.wantLines {
				assert.Contains(t, "\n"+stdout, "\n"+line+"\n")
			}
			for _, o := range report.Outputs() {
				_, err := os.Stat(filepath.Join(out, o.Name))
				if o.Name == report.FileHTML && !tt.wantHTML {
					assert.ErrorIs(t, err, os.ErrNotExist, "--no-html")
					continue
				}
				assert.NoError(t, err, "%s in --out", o.Name)
			}
			fi, err := os.Stat(out)
			require.NoError(t, err)
			assert.Equal(t, os.FileMode(0o755), fi.Mode().Perm())
			sum := readSummary(t, out)
			assert.Nil(t, sum["shard"])
			assert.EqualValues(t, len(tt.shards), sum["merged_shards"])

			// jitpsim report re-renders the merged run the same way.
			code, again, _ := runCLI(t, "report", "--no-html", out)
			assert.Equal(t, tt.wantCode, code)
			assert.Equal(t, stdout, again)
		})
	}
}

func TestReportMergeCommandErrors(t *testing.T) {
	s0, s1 := writeShardDir(t, 0, 2), writeShardDir(t, 1, 2)
	out := filepath.Join(t.TempDir(), "out")
	corrupt := writeShardDir(t, 1, 2)
	f, err := os.OpenFile(filepath.Join(corrupt, report.FileTimeline), os.O_APPEND|os.O_WRONLY, 0)
	require.NoError(t, err)
	_, err = f.WriteString("1000000000000,1,0,0,0,,\n")
	require.NoError(t, err)
	require.NoError(t, f.Close())
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"no --out", []string{s0, s1}, "want --out DIR"},
		{"no shard", []string{"--out", out}, "want the shards' run directories"},
		{"missing shard", []string{"--out", out, s1}, "shard 0 of 2 is missing; merge them too, or pass --partial"},
		{"not a shard", []string{"--out", out, s0, t.TempDir()}, "no summary.json (not a run directory)"},
		{"out is a shard", []string{"--out", s1 + string(filepath.Separator), s0, s1}, "is one of the shard directories"},
		{"unknown flag", []string{"--bogus", s0}, "flag provided but not defined: -bogus"},
		{"corrupt timeline", []string{"--out", out, s0, corrupt},
			filepath.Join(corrupt, report.FileTimeline) + ": line 4: second 1000000000000 is past the run's 2 s"},
		{"pattern matches nothing", []string{"--out", out, s0, filepath.Join(s1, "nothing-*")},
			`shard directory pattern "` + filepath.Join(s1, "nothing-*") + `" matches nothing: jitpsim report merge --out DIR`},
		{"bad pattern", []string{"--out", out, s0, filepath.Join(s1, "[")}, "syntax error in pattern"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, stdout, stderr := runCLI(t, append([]string{"report", "merge"}, tt.args...)...)
			assert.Equal(t, exitUsage, code)
			assert.Empty(t, stdout)
			assert.Contains(t, stderr, tt.want)
			assert.Regexp(t, `^jitpsim report: [^\n]*\n$`, stderr, "one line")
		})
	}
	_, err = os.Stat(out)
	assert.ErrorIs(t, err, os.ErrNotExist, "nothing written on error")
}

func TestReportMergeExpandsPatterns(t *testing.T) {
	// A results volume as the Kubernetes Job leaves it: one directory per
	// shard, the merge's --out next to them, and a state directory.
	results := t.TempDir()
	for k := range 3 {
		require.NoError(t, os.Rename(writeShardDir(t, k, 3, "rate.success >= 50%"), filepath.Join(results, fmt.Sprintf("shard-%d", k))))
	}
	require.NoError(t, os.Mkdir(filepath.Join(results, "state-0"), 0o755))
	literal := filepath.Join(results, "shard-[9]") // a directory whose name has a pattern character
	require.NoError(t, os.Rename(writeShardDir(t, 0, 3), literal))
	in := func(names ...string) []string {
		for i, n := range names {
			names[i] = filepath.Join(results, n)
		}
		return names
	}
	tests := []struct {
		name string
		args []string
		out  string
		want []string // the shard directories, or the error
		err  string
	}{
		{name: "pattern, sorted", args: in("shard-?"), out: in("merged")[0], want: in("shard-0", "shard-1", "shard-2")},
		{name: "pattern and directories", args: in("shard-2", "shard-[01]"), out: in("merged")[0], want: in("shard-2", "shard-0", "shard-1")},
		{name: "skips --out", args: in("shard-*"), out: in("shard-merged")[0], want: in("shard-0", "shard-1", "shard-2", "shard-[9]")},
		{name: "existing name with a pattern character", args: in("shard-[9]"), out: in("merged")[0], want: in("shard-[9]")},
		{name: "matches nothing", args: in("shard-1", "shards-*"), out: in("merged")[0],
			err: `shard directory pattern "` + in("shards-*")[0] + `" matches nothing: ` + mergeUsage},
		{name: "matches only --out", args: in("state-*"), out: in("state-0")[0],
			err: `shard directory pattern "` + in("state-*")[0] + `" matches only --out ` + in("state-0")[0]},
		{name: "bad pattern", args: in("shard-[1"), out: in("merged")[0], err: "syntax error in pattern"},
		{name: "--out given as a shard", args: in("shard-0", "shard-1"), out: in("shard-1")[0], err: "is one of the shard directories"},
	}
	require.NoError(t, os.Mkdir(in("shard-merged")[0], 0o755))
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dirs, err := expandShardArgs(tt.args, tt.out)
			if tt.err != "" {
				require.Error(t, err)
				assert.Contains(t, err.Error(), tt.err)
				assert.ErrorAs(t, err, new(usageError))
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.want, dirs)
		})
	}

	// As deploy/README.md runs it in the distroless image: the pattern
	// reaches jitpsim unexpanded, and --out is one of its matches.
	out := filepath.Join(results, "shard-merged")
	code, stdout, stderr := runCLI(t, "report", "merge", "--out", out, filepath.Join(results, "shard-[0-2]"), filepath.Join(results, "shard-m*"))
	require.Equal(t, exitUsage, code, "stdout:\n%s", stdout)
	assert.Contains(t, stderr, `matches only --out`)
	code, stdout, stderr = runCLI(t, "report", "merge", "--out", out, filepath.Join(results, "shard-[0-2]"))
	require.Equal(t, exitPass, code, "stdout:\n%s\nstderr:\n%s", stdout, stderr)
	assert.Contains(t, stdout, "\nmerged from 3 shards\n")
	code, stdout, stderr = runCLI(t, "report", "merge", "--out", out, filepath.Join(results, "shard-[0-9m]*"))
	require.Equal(t, exitPass, code, "a second merge skips the first's --out; stdout:\n%s\nstderr:\n%s", stdout, stderr)
	assert.Contains(t, stdout, "\nmerged from 3 shards\n")
}
