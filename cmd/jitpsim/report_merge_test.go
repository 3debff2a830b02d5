package main

import (
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
	start := time.Date(2026, 5, 6, 7, 8, 9, 0, time.UTC)
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
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out := filepath.Join(t.TempDir(), "merged", "run")
			args := append([]string{"report", "merge", "--out", out}, tt.args...)
			for _, k := range tt.shards {
				args = append(args, writeShardDir(t, k, 2, tt.gate))
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
	_, err := os.Stat(out)
	assert.ErrorIs(t, err, os.ErrNotExist, "nothing written on error")
}
