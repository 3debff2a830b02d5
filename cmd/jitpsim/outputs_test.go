package main

import (
	"encoding/csv"
	"encoding/xml"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	hdrhistogram "github.com/HdrHistogram/hdrhistogram-go"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// ciGate is the shipped CI scenario.
var ciGate = filepath.Join("..", "..", "scenarios", "ci-gate.yaml")

// junitReport is the part of junit.xml the tests read.
type junitReport struct {
	Tests    int `xml:"tests,attr"`
	Failures int `xml:"failures,attr"`
	Suites   []struct {
		Name  string `xml:"name,attr"`
		Cases []struct {
			Name    string `xml:"name,attr"`
			Failure *struct {
				Message string `xml:"message,attr"`
			} `xml:"failure"`
		} `xml:"testcase"`
	} `xml:"testsuite"`
}

func readJUnit(t *testing.T, dir string) junitReport {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(dir, "junit.xml"))
	require.NoError(t, err)
	var j junitReport
	require.NoError(t, xml.Unmarshal(data, &j), "junit.xml is not well-formed XML:\n%s", data)
	require.NotEmpty(t, j.Suites)
	return j
}

// runCIGate runs ci-gate.yaml (or a copy with one gate replaced) at a tiny size.
func runCIGate(t *testing.T, replace ...string) (code int, out, stdout string) {
	t.Helper()
	path := ciGate
	if len(replace) == 2 {
		data, err := os.ReadFile(ciGate)
		require.NoError(t, err)
		require.Contains(t, string(data), replace[0])
		path = filepath.Join(t.TempDir(), "ci-gate.yaml")
		require.NoError(t, os.WriteFile(path, []byte(strings.Replace(string(data), replace[0], replace[1], 1)), 0o644))
	}
	out = filepath.Join(t.TempDir(), "out")
	code, stdout, stderr := runCLI(t, "run", path, "--devices", "20", "--rate", "100", "--quiet", "--out", out)
	require.NotEqual(t, exitUsage, code, "stderr: %s", stderr)
	return code, out, stdout
}

func TestCIGateWritesEveryOutput(t *testing.T) {
	code, out, stdout := runCIGate(t)
	require.Equal(t, exitPass, code, stdout)

	sum := readSummary(t, out)
	assert.Equal(t, true, sum["passed"])
	gates := sum["gates"].([]any)

	j := readJUnit(t, out)
	assert.Zero(t, j.Failures)
	assert.Equal(t, "jitpsim.ci-gate.gates", j.Suites[0].Name)
	require.Len(t, j.Suites[0].Cases, len(gates), "one testcase per gate")
	for i, c := range j.Suites[0].Cases {
		assert.Equal(t, gates[i].(map[string]any)["expr"], c.Name)
		assert.Nil(t, c.Failure)
	}

	html, err := os.ReadFile(filepath.Join(out, "report.html"))
	require.NoError(t, err)
	assert.Contains(t, string(html), "<svg ")
	assert.Empty(t, regexp.MustCompile(`(?i)(src|href)\s*=|https?://|url\(`).FindAllString(string(html), -1),
		"report.html must not load anything")

	f, err := os.Open(filepath.Join(out, "phases.hlog"))
	require.NoError(t, err)
	defer f.Close()
	lr := hdrhistogram.NewHistogramLogReader(f)
	provisioned := int64(0)
	for {
		h, err := lr.NextIntervalHistogram()
		require.NoError(t, err)
		if h == nil {
			break
		}
		if h.Tag() == "provision" {
			provisioned += h.TotalCount()
		}
	}
	assert.EqualValues(t, 20, provisioned)

	tf, err := os.Open(filepath.Join(out, "timeline.csv"))
	require.NoError(t, err)
	defer tf.Close()
	rows, err := csv.NewReader(tf).ReadAll()
	require.NoError(t, err)
	require.Greater(t, len(rows), 1)
	assert.Equal(t, []string{"second", "started", "completed", "succeeded", "failed", "provision_p50_ms", "provision_p99_ms"}, rows[0])
	completed := 0
	for _, r := range rows[1:] {
		n, err := strconv.Atoi(r[2])
		require.NoError(t, err)
		completed += n
	}
	assert.Equal(t, 20, completed)

	// jitpsim report re-renders the same text from the files.
	code, again, stderr := runCLI(t, "report", out)
	assert.Equal(t, exitPass, code, stderr)
	assert.Equal(t, stdout, again)
}

func TestCIGateImpossibleBoundFails(t *testing.T) {
	code, out, stdout := runCIGate(t, "provision.p99 < 2s", "provision.p99 < 1us")
	assert.Equal(t, exitGateFailed, code, stdout)
	assert.Contains(t, stdout, "FAIL  provision.p99 < 1us")
	j := readJUnit(t, out)
	assert.Equal(t, 1, j.Failures)
	found := false
	for _, c := range j.Suites[0].Cases {
		if c.Name == "provision.p99 < 1us" {
			found = true
			require.NotNil(t, c.Failure, "the flipped gate is a failing testcase")
			assert.Contains(t, c.Failure.Message, "provision.p99 < 1us: value")
		}
	}
	assert.True(t, found)
	code, _, _ = runCLI(t, "report", "--no-html", out)
	assert.Equal(t, exitGateFailed, code)
}

func TestAbortOnFailStopsEarly(t *testing.T) {
	dir := t.TempDir()
	path := writeScenario(t, dir, "abort_on_fail: true\nthresholds:\n  - outcome.provisioned == 0\n")
	out := filepath.Join(dir, "out")
	code, stdout, stderr := runCLI(t, "run", path, "--devices", "200", "--rate", "20", "--quiet", "--out", out)
	require.Equal(t, exitInterrupted, code, "stdout:\n%s\nstderr:\n%s", stdout, stderr)
	assert.Contains(t, stdout, "aborted: gate outcome.provisioned == 0 can no longer pass")
	assert.Contains(t, stdout, "ABORTED")
	sum := readSummary(t, out)
	assert.Equal(t, "outcome.provisioned == 0", sum["aborted"])
	assert.Equal(t, true, sum["interrupted"])
	assert.Less(t, sum["devices"].(map[string]any)["started"].(float64), 200.0, "the run stopped before every device started")
	j := readJUnit(t, out)
	last := j.Suites[len(j.Suites)-1]
	assert.Equal(t, "jitpsim.cli-test.run", last.Name)
	require.NotNil(t, last.Cases[0].Failure)
	assert.Contains(t, last.Cases[0].Failure.Message, "aborted: gate outcome.provisioned == 0")
}

func TestReportCommandErrors(t *testing.T) {
	code, _, stderr := runCLI(t, "report", filepath.Join(t.TempDir(), "absent"))
	assert.Equal(t, exitUsage, code)
	assert.Contains(t, stderr, "summary.json")
	code, _, _ = runCLI(t, "report")
	assert.Equal(t, exitUsage, code)
}

func TestUnsetVariableExitsTwo(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "env.yaml")
	require.NoError(t, os.WriteFile(path, []byte("devices:\n  count: ${JITPSIM_TEST_NEVER_SET}\n"), 0o644))
	code, _, stderr := runCLI(t, "validate", path)
	assert.Equal(t, exitUsage, code)
	assert.Contains(t, stderr, path+":2:10: devices.count: environment variable JITPSIM_TEST_NEVER_SET is not set")
}
