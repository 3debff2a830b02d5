package main

import (
	"bufio"
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/jitpsim/jitpsim/report"
	"github.com/jitpsim/jitpsim/scenario"
)

// deviceNames lists the devices whose identities a run kept in STATE/devices.
func deviceNames(t *testing.T, state string) []string {
	t.Helper()
	keys, err := filepath.Glob(filepath.Join(state, "devices", "*.key"))
	require.NoError(t, err)
	var names []string
	for _, k := range keys {
		names = append(names, strings.TrimSuffix(filepath.Base(k), ".key"))
	}
	sort.Strings(names)
	return names
}

func TestRunShardRunsItsPositions(t *testing.T) {
	dir := t.TempDir()
	path := writeScenario(t, dir, "")
	tests := []struct {
		name  string
		args  []string
		env   map[string]string
		shard report.Shard
		names []string
	}{
		{"flag", []string{"--shard", "1/2"}, nil, report.Shard{Index: 1, Count: 2}, []string{"cli-001", "cli-003"}},
		{"Kubernetes Indexed Job", nil, map[string]string{envShardCount: "2", envJobIndex: "0"},
			report.Shard{Index: 0, Count: 2}, []string{"cli-000", "cli-002"}},
		{"JITPSIM_SHARD_INDEX before JOB_COMPLETION_INDEX", nil, map[string]string{envShardCount: "2", envShardIndex: "1", envJobIndex: "0"},
			report.Shard{Index: 1, Count: 2}, []string{"cli-001", "cli-003"}},
		{"the flag before the environment", []string{"--shard", "0/2"}, map[string]string{envShardCount: "2", envShardIndex: "1"},
			report.Shard{Index: 0, Count: 2}, []string{"cli-000", "cli-002"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for k, v := range tt.env {
				t.Setenv(k, v)
			}
			run := t.TempDir()
			out, state := filepath.Join(run, "out"), filepath.Join(run, "state")
			args := append([]string{"run", path, "--devices", "4", "--quiet", "--out", out, "--state", state}, tt.args...)
			code, stdout, stderr := runCLI(t, args...)
			require.Equal(t, exitPass, code, "stdout:\n%s\nstderr:\n%s", stdout, stderr)

			m := readSummary(t, out)
			assert.Equal(t, map[string]any{"index": float64(tt.shard.Index), "count": float64(tt.shard.Count), "planned": 4.0}, m["shard"])
			assert.EqualValues(t, 2, m["devices"].(map[string]any)["planned"])
			assert.EqualValues(t, 2, m["outcomes"].(map[string]any)["provisioned"])
			assert.EqualValues(t, 2, m["target"].(map[string]any)["registrations"])
			assert.Equal(t, tt.names, deviceNames(t, state))
		})
	}
}

func TestRunShardStartLineAndDefaultOut(t *testing.T) {
	dir := t.TempDir()
	path := writeScenario(t, dir, "")
	t.Chdir(dir)
	code, stdout, stderr := runCLI(t, "run", path, "--devices", "4", "--shard", "1/2")
	require.Equal(t, exitPass, code, "stdout:\n%s\nstderr:\n%s", stdout, stderr)
	first, _, _ := strings.Cut(stderr, "\n")
	assert.Contains(t, first, "jitpsim: cli-test: shard 1/2: 2 of 4 devices at 100/s of 200/s against the embedded AWS IoT stand-in on 127.0.0.1:")
	assert.Contains(t, first, "each shard has its own embedded stand-in; for one shared target use jitpsim serve or an aws target")
	assert.Contains(t, stderr, "writing this shard's outputs to s-shard-1-of-2")
	m := readSummary(t, filepath.Join(dir, "s-shard-1-of-2"))
	assert.Equal(t, map[string]any{"index": 1.0, "count": 2.0, "planned": 4.0}, m["shard"])

	// Unsharded (--shard 1/1 is the whole fleet): the line and the outputs as before.
	code, _, stderr = runCLI(t, "run", path, "--devices", "2", "--shard", "0/1")
	require.Equal(t, exitPass, code, stderr)
	first, _, _ = strings.Cut(stderr, "\n")
	assert.Contains(t, first, "jitpsim: cli-test: 2 devices at 200/s against the embedded AWS IoT stand-in")
	assert.NotContains(t, stderr, "shard")
	assert.NoDirExists(t, filepath.Join(dir, "s-shard-0-of-1"))
}

func TestRunBadShardOrStartAtExitsTwo(t *testing.T) {
	dir := t.TempDir()
	path := writeScenario(t, dir, "")
	closed := filepath.Join(dir, "closed.yaml")
	require.NoError(t, os.WriteFile(closed, []byte("devices: {count: 10, name_pattern: \"c-{index}\"}\narrival: {model: closed, concurrency: 2}\n"), 0o644))
	ramp := filepath.Join(dir, "ramp.yaml")
	require.NoError(t, os.WriteFile(ramp, []byte("devices: {name_pattern: \"r-{index}\"}\ncapacity: {start_rate: 10, step_rate: 10, max_rate: 20, step_duration: 1s}\n"), 0o644))
	now := time.Now()
	tests := []struct {
		name string
		args []string
		env  map[string]string
		want string
	}{
		{"index equal to the count", []string{"--shard", "2/2"}, nil, "--shard 2/2: the shard index I must be from 0 to 1"},
		{"not I/N", []string{"--shard", "x"}, nil, `--shard "x": want I/N`},
		{"negative index", []string{"--shard", "-1/3"}, nil, "--shard -1/3: the shard index I must be from 0 to 2"},
		{"no shards", []string{"--shard", "1/0"}, nil, "--shard 1/0: the shard count N must be at least 1"},
		{"no count", []string{"--shard", "1/"}, nil, "want I/N"},
		{"more shards than devices", []string{"--shard", "9/10"}, nil, "shard 9/10 has no device: the run plans 8 device starts in all; use at most 8 shards"},
		{"closed concurrency below the shards", []string{closed, "--shard", "0/3"}, nil, "arrival.concurrency 2 is less than the 3 shards"},
		{"capacity ramp", []string{ramp, "--shard", "0/2"}, nil, "a capacity ramp runs in one process"},
		{"count without an index", nil, map[string]string{envShardCount: "4"}, "JITPSIM_SHARD_COUNT=4 needs the shard's index"},
		{"bad count", nil, map[string]string{envShardCount: "four", envJobIndex: "1"}, `JITPSIM_SHARD_COUNT="four"`},
		{"index out of range", nil, map[string]string{envShardCount: "4", envJobIndex: "4"}, `JOB_COMPLETION_INDEX="4": want a shard index from 0 to 3`},
		{"index without a count", nil, map[string]string{envShardIndex: "1"}, "JITPSIM_SHARD_INDEX=1 needs JITPSIM_SHARD_COUNT"},
		{"start two minutes ago", []string{"--start-at", now.Add(-2 * time.Minute).UTC().Format(time.RFC3339)}, nil, "ago; give a time at most 1m0s in the past"},
		{"start in 25 hours", []string{"--start-at", now.Add(25 * time.Hour).UTC().Format(time.RFC3339)}, nil, "give a time at most 24h0m0s ahead"},
		{"start not RFC 3339", []string{"--start-at", "20:00"}, nil, `--start-at "20:00": want an RFC 3339 time such as`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for k, v := range tt.env {
				t.Setenv(k, v)
			}
			args := append([]string{"run"}, tt.args...)
			if len(tt.args) == 0 || strings.HasPrefix(tt.args[0], "--") {
				args = append([]string{"run", path}, tt.args...)
			}
			code, stdout, stderr := runCLI(t, args...)
			assert.Equal(t, exitUsage, code)
			assert.Empty(t, stdout)
			assert.Contains(t, stderr, tt.want)
			assert.Equal(t, 1, strings.Count(strings.TrimSpace(stderr), "\n")+1, "want one line, got:\n%s", stderr)
		})
	}
}

func TestRunStartAtWaits(t *testing.T) {
	dir := t.TempDir()
	path := writeScenario(t, dir, "")
	at := time.Now().Add(2 * time.Second).Truncate(time.Second) // 1 to 2 s ahead
	out := filepath.Join(dir, "out")
	code, stdout, stderr := runCLI(t, "run", path, "--devices", "4", "--out", out, "--start-at", at.UTC().Format(time.RFC3339))
	require.Equal(t, exitPass, code, "stdout:\n%s\nstderr:\n%s", stdout, stderr)
	assert.False(t, time.Now().Before(at), "the run ended before its start time")
	assert.Contains(t, stderr, "jitpsim: waiting until "+at.UTC().Format(time.RFC3339)+" to start (in ")

	m := readSummary(t, out)
	started, err := time.Parse(time.RFC3339Nano, m["started_at"].(string))
	require.NoError(t, err)
	assert.False(t, started.Before(at), "started_at %s is before --start-at %s", started, at)
	assert.EqualValues(t, 4, m["outcomes"].(map[string]any)["provisioned"])
	lag := m["latency_ms"].(map[string]any)["scheduler_lag"].(map[string]any)
	assert.EqualValues(t, 4, lag["count"], "every device was started on the schedule from --start-at")
}

func TestRunInterruptedWhileWaitingStillReports(t *testing.T) {
	dir := t.TempDir()
	s, err := scenario.Load(writeScenario(t, dir, ""))
	require.NoError(t, err)
	ctx, cancel := context.WithCancel(context.Background())
	out := filepath.Join(dir, "out")
	var stdout, stderr bytes.Buffer
	go func() {
		time.Sleep(200 * time.Millisecond)
		cancel()
	}()
	code, err := run(ctx, s, runOptions{out: out, startAt: time.Now().Add(time.Hour), shard: &report.Shard{Index: 1, Count: 2}},
		&stdout, &stderr)
	require.NoError(t, err)
	assert.Equal(t, exitInterrupted, code)
	assert.Contains(t, stdout.String(), "INTERRUPTED")
	assert.Contains(t, stderr.String(), "waiting until")
	m := readSummary(t, out)
	assert.Equal(t, true, m["interrupted"])
	assert.EqualValues(t, 0, m["devices"].(map[string]any)["started"])
	assert.EqualValues(t, 4, m["devices"].(map[string]any)["planned"])
	sh := m["shard"].(map[string]any)
	assert.Equal(t, []any{1.0, 2.0}, []any{sh["index"], sh["count"]})
	assert.NotEmpty(t, sh["start_at"], "the shard records the requested start, which report merge compares")
}

func TestRunCtrlCWhileWaiting(t *testing.T) {
	// A real process and a real SIGINT while it waits for --start-at.
	dir := t.TempDir()
	path := writeScenario(t, dir, "")
	out := filepath.Join(dir, "out")
	at := time.Now().Add(time.Hour).UTC().Format(time.RFC3339)
	cmd := exec.Command(os.Args[0], "run", path, "--out", out, "--shard", "0/2", "--start-at", at)
	cmd.Env = append(os.Environ(), asCLIEnv+"=1")
	var stdout bytes.Buffer
	cmd.Stdout = &stdout
	pipe, err := cmd.StderrPipe()
	require.NoError(t, err)
	require.NoError(t, cmd.Start())
	t.Cleanup(func() { _ = cmd.Process.Kill() })
	lines := bufio.NewScanner(pipe)
	waiting := false
	for !waiting && lines.Scan() {
		waiting = strings.Contains(lines.Text(), "waiting until "+at+" to start")
	}
	require.True(t, waiting, "no waiting line")
	require.NoError(t, cmd.Process.Signal(syscall.SIGINT))
	for lines.Scan() {
	}
	err = cmd.Wait()
	var exitErr *exec.ExitError
	require.ErrorAs(t, err, &exitErr, "stdout: %s", stdout.String())
	assert.Equal(t, exitInterrupted, exitErr.ExitCode())
	assert.Contains(t, stdout.String(), "INTERRUPTED")
	m := readSummary(t, out)
	assert.Equal(t, true, m["interrupted"])
	assert.EqualValues(t, 0, m["devices"].(map[string]any)["started"])
}

func TestShardFromEnvAndFlags(t *testing.T) {
	tests := []struct {
		name string
		env  map[string]string
		want *report.Shard
		err  string
	}{
		{"nothing set", nil, nil, ""},
		{"one shard is the whole fleet", map[string]string{envShardCount: "1", envJobIndex: "0"}, nil, ""},
		{"one shard without an index", map[string]string{envShardCount: "1"}, nil, ""},
		{"Indexed Job", map[string]string{envShardCount: "3", envJobIndex: "2"}, &report.Shard{Index: 2, Count: 3}, ""},
		{"AWS Batch array job", map[string]string{envShardCount: "3", envBatchIndex: "1"}, &report.Shard{Index: 1, Count: 3}, ""},
		{"JITPSIM_SHARD_INDEX first", map[string]string{envShardCount: "3", envShardIndex: "0", envJobIndex: "2", envBatchIndex: "1"},
			&report.Shard{Index: 0, Count: 3}, ""},
		{"JOB_COMPLETION_INDEX before AWS Batch", map[string]string{envShardCount: "3", envJobIndex: "2", envBatchIndex: "1"},
			&report.Shard{Index: 2, Count: 3}, ""},
		{"an index alone is some other job's", map[string]string{envJobIndex: "2"}, nil, ""},
		{"zero shards", map[string]string{envShardCount: "0", envJobIndex: "0"}, nil, "want the number of shards"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := shardFromEnv(func(k string) string { return tt.env[k] })
			if tt.err != "" {
				require.Error(t, err)
				assert.Contains(t, err.Error(), tt.err)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.want, got)
		})
	}

	sh, err := parseShard("3/4")
	require.NoError(t, err)
	assert.Equal(t, &report.Shard{Index: 3, Count: 4}, sh)
	sh, err = parseShard("0/1")
	require.NoError(t, err)
	assert.Nil(t, sh, "1 shard is the whole fleet")

	now := time.Date(2026, 12, 4, 19, 0, 0, 0, time.UTC)
	for v, ok := range map[string]bool{
		"2026-12-04T20:00:00Z": true, "2026-12-04T18:59:30Z": true, "2026-12-04T21:00:00+01:00": true,
		"2026-12-04T18:58:59Z": false, "2026-12-05T19:00:01Z": false, "2026-12-04 20:00": false,
	} {
		_, err := parseStartAt(v, now)
		assert.Equal(t, ok, err == nil, "%s: %v", v, err)
	}
}

// TestShardLeavesTheVerdictToTheMerge: a shard's gates judge only its part,
// so a gate about the whole run (here devices.completed >= 4 over 4 devices,
// of which the shard runs 2) fails in the shard without failing its exit
// code, and abort_on_fail is off in a shard; the merge judges the whole run.
func TestShardLeavesTheVerdictToTheMerge(t *testing.T) {
	dir := t.TempDir()
	path := writeScenario(t, dir, "abort_on_fail: true\nthresholds: [\"devices.completed >= 4\"]\n")
	outs := []string{filepath.Join(dir, "a"), filepath.Join(dir, "b")}
	for i, out := range outs {
		code, stdout, stderr := runCLI(t, "run", path, "--devices", "4", "--shard", []string{"0/2", "1/2"}[i], "--out", out, "--quiet")
		require.Equal(t, exitPass, code, "stdout:\n%s\nstderr:\n%s", stdout, stderr)
		assert.Contains(t, stdout, "FAIL  devices.completed >= 4", "the shard shows its own figures")
		assert.Contains(t, stderr, "abort_on_fail is off in shard")
		assert.Contains(t, stderr, "the gates above judge this shard's figures only; the run's verdict is jitpsim report merge's")
	}
	code, stdout, stderr := runCLI(t, "report", "merge", "--out", filepath.Join(dir, "merged"), outs[0], outs[1])
	require.Equal(t, exitPass, code, "stdout:\n%s\nstderr:\n%s", stdout, stderr)
	assert.Contains(t, stdout, "PASS  devices.completed >= 4")
}
