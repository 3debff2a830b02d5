package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/jitpsim/jitpsim/report"
	"github.com/jitpsim/jitpsim/scenario"
)

// writeScenario writes a small, fast scenario with the given gates.
func writeScenario(t *testing.T, dir string, extra string) string {
	t.Helper()
	src := `name: cli-test
devices: {count: 8, name_pattern: "cli-{index:03}", subject: {country: US, organization: Test}}
arrival: {rate: 200}
target: {provision_delay: 5ms}
device: {backoff: 20ms, timeout: 10s}
` + extra
	path := filepath.Join(dir, "s.yaml")
	require.NoError(t, os.WriteFile(path, []byte(src), 0o644))
	return path
}

func runCLI(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var stdout, stderr bytes.Buffer
	code := realMain(args, &stdout, &stderr)
	return code, stdout.String(), stderr.String()
}

func readSummary(t *testing.T, dir string) map[string]any {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(dir, "summary.json"))
	require.NoError(t, err)
	var m map[string]any
	require.NoError(t, json.Unmarshal(data, &m))
	return m
}

func TestRunPassesAndWritesSummary(t *testing.T) {
	dir := t.TempDir()
	path := writeScenario(t, dir, "thresholds:\n  - rate.success == 100%\n  - provision.p99 < 1m\n")
	out := filepath.Join(dir, "out")
	code, stdout, stderr := runCLI(t, "run", path, "--out", out, "--quiet")
	require.Equal(t, exitPass, code, "stdout:\n%s\nstderr:\n%s", stdout, stderr)
	assert.Contains(t, stdout, "PASSED")
	assert.Empty(t, stderr)

	m := readSummary(t, out)
	assert.Equal(t, "jitpsim.summary/v1", m["schema"])
	assert.Equal(t, "cli-test", m["scenario"])
	devices := m["devices"].(map[string]any)
	outcomes := m["outcomes"].(map[string]any)
	assert.EqualValues(t, 8, devices["planned"])
	assert.Equal(t, devices["planned"], outcomes["provisioned"])
	assert.Equal(t, true, m["passed"])
	latency := m["latency_ms"].(map[string]any)
	for _, p := range report.Phases() {
		assert.Contains(t, latency, p.String())
	}
}

func TestRunImpossibleGateExitsOne(t *testing.T) {
	dir := t.TempDir()
	path := writeScenario(t, dir, "thresholds:\n  - provision.p99 < 0ms\n")
	out := filepath.Join(dir, "out")
	code, stdout, _ := runCLI(t, "run", "--quiet", "--out", out, path)
	assert.Equal(t, exitGateFailed, code)
	assert.Contains(t, stdout, "FAIL  provision.p99 < 0ms")
	assert.Equal(t, false, readSummary(t, out)["passed"])
}

func TestRunWithStateTwice(t *testing.T) {
	dir := t.TempDir()
	path := writeScenario(t, dir, "")
	state := filepath.Join(dir, "state")
	for i, want := range []string{"provisioned", "already_provisioned"} {
		out := filepath.Join(dir, want)
		code, stdout, _ := runCLI(t, "run", path, "--quiet", "--state", state, "--out", out, "--devices", "5")
		require.Equal(t, exitPass, code, stdout)
		m := readSummary(t, out)
		assert.EqualValues(t, 5, m["outcomes"].(map[string]any)[want], "run %d", i)
		target := m["target"].(map[string]any)
		if i == 1 {
			assert.EqualValues(t, 0, m["latency_ms"].(map[string]any)["drop"].(map[string]any)["count"])
			assert.Equal(t, target["things_before"], target["things_after"], "second run created things")
			assert.EqualValues(t, 0, target["registrations"])
		}
	}
	keys, err := filepath.Glob(filepath.Join(state, "devices", "*.key"))
	require.NoError(t, err)
	require.Len(t, keys, 5)
	for _, k := range append(keys, filepath.Join(state, "ca", "ca.key")) {
		fi, err := os.Stat(k)
		require.NoError(t, err)
		assert.Equal(t, os.FileMode(0o600), fi.Mode().Perm(), k)
	}
}

func TestRunInterruptedStillReports(t *testing.T) {
	dir := t.TempDir()
	s, err := scenario.Load(writeScenario(t, dir, ""))
	require.NoError(t, err)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	out := filepath.Join(dir, "out")
	var stdout, stderr bytes.Buffer
	code, err := run(ctx, s, runOptions{out: out, quiet: true}, &stdout, &stderr)
	require.NoError(t, err)
	assert.Equal(t, exitInterrupted, code)
	assert.Contains(t, stdout.String(), "INTERRUPTED")
	assert.Equal(t, true, readSummary(t, out)["interrupted"])
}

func TestUsageAndConfigErrorsExitTwo(t *testing.T) {
	dir := t.TempDir()
	misspelt := filepath.Join(dir, "misspelt.yaml")
	require.NoError(t, os.WriteFile(misspelt, []byte("devices:\n  cont: 3\n"), 0o644))
	badGate := filepath.Join(dir, "gate.yaml")
	require.NoError(t, os.WriteFile(badGate, []byte("devices: {count: 1}\nthresholds:\n  - latency.p99 < 1s\n"), 0o644))
	badTemplate := filepath.Join(dir, "tmpl.yaml")
	require.NoError(t, os.WriteFile(filepath.Join(dir, "t.json"), []byte("{not json"), 0o644))
	require.NoError(t, os.WriteFile(badTemplate, []byte("devices: {count: 1}\ntemplate: {file: t.json}\n"), 0o644))
	valid := writeScenario(t, dir, "")
	badCA := filepath.Join(dir, "ca.yaml")
	require.NoError(t, os.WriteFile(filepath.Join(dir, "ca.pem"), []byte("garbage"), 0o644))
	require.NoError(t, os.WriteFile(badCA, []byte("devices: {count: 1}\nca: {cert_file: ca.pem, key_file: ca.pem}\n"), 0o644))

	tests := []struct {
		name string
		args []string
		want string
	}{
		{"no command", nil, "Usage:"},
		{"unknown command", []string{"fly"}, `unknown command "fly"`},
		{"no scenario", []string{"run"}, "want one scenario file"},
		{"unknown flag", []string{"run", misspelt, "--fast"}, "flag provided but not defined: -fast"},
		{"missing file", []string{"run", filepath.Join(dir, "absent.yaml")}, "absent.yaml"},
		{"misspelt key", []string{"run", misspelt}, misspelt + `:2:3: devices: unknown field "cont" (did you mean "count"?)`},
		{"unknown gate metric", []string{"run", badGate}, badGate + ":3:5: thresholds[0]:"},
		{"bad template", []string{"run", badTemplate}, "t.json: Invalid registration template"},
		{"bad CA PEM", []string{"run", badCA}, "ca.pem"},
		{"negative devices", []string{"run", valid, "--devices", "-3"}, "--devices must be"},
		{"validate misspelt", []string{"validate", misspelt}, misspelt + ":2:3:"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, stdout, stderr := runCLI(t, tt.args...)
			assert.Equal(t, exitUsage, code)
			assert.Empty(t, stdout)
			assert.Contains(t, stderr, tt.want)
			if len(tt.args) > 0 {
				assert.Equal(t, 1, strings.Count(strings.TrimSpace(stderr), "\n")+1, "want one line, got:\n%s", stderr)
			}
		})
	}
}

func TestValidateAndVersion(t *testing.T) {
	code, stdout, _ := runCLI(t, "validate", filepath.Join("..", "..", "scenarios", "smoke.yaml"))
	assert.Equal(t, exitPass, code)
	assert.Contains(t, stdout, "valid (100 devices")
	code, stdout, _ = runCLI(t, "version")
	assert.Equal(t, exitPass, code)
	assert.Contains(t, stdout, "jitpsim ")
}

func TestShippedScenariosAreValid(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("..", "..", "scenarios", "*.yaml"))
	require.NoError(t, err)
	require.NotEmpty(t, files)
	for _, f := range files {
		code, _, stderr := runCLI(t, "validate", f)
		assert.Equal(t, exitPass, code, "%s: %s", f, stderr)
	}
}

func TestSmokeScenarioRunsAtTinySize(t *testing.T) {
	out := t.TempDir()
	code, stdout, stderr := runCLI(t, "run", filepath.Join("..", "..", "scenarios", "smoke.yaml"),
		"--devices", "10", "--rate", "100", "--quiet", "--out", out)
	require.Equal(t, exitPass, code, "stdout:\n%s\nstderr:\n%s", stdout, stderr)
	assert.EqualValues(t, 10, readSummary(t, out)["outcomes"].(map[string]any)["provisioned"])
}
