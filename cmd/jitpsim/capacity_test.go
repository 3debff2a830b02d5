package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"regexp"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/jitpsim/jitpsim/report"
	"github.com/jitpsim/jitpsim/scenario"
)

// tinyRamp loads the shipped capacity-ramp.yaml and shrinks it: three short
// steps of 10, 20 and 30 devices, and a gate that only the third step breaks,
// so the knee is known in advance whatever the machine's speed.
func tinyRamp(t *testing.T) *scenario.Scenario {
	t.Helper()
	s, err := scenario.Load(filepath.Join("..", "..", "scenarios", "capacity-ramp.yaml"))
	require.NoError(t, err)
	require.NotNil(t, s.Capacity)
	s.Capacity.StartRate, s.Capacity.StepRate, s.Capacity.MaxRate = 20, 20, 60
	s.Capacity.StepDuration = 500 * time.Millisecond
	s.Capacity.MinAchieved = 0 // the achieved-rate check is tested in package report
	s.Devices.Count = 60
	s.Device.Backoff = 20 * time.Millisecond
	s.Target.ProvisionDelay = 5 * time.Millisecond
	g, err := report.ParseGate("devices.planned <= 20")
	require.NoError(t, err)
	s.Gates = []report.Gate{g}
	return s
}

func TestCapacityRampReportsKneeAndSteps(t *testing.T) {
	out := filepath.Join(t.TempDir(), "out")
	var stdout, stderr bytes.Buffer
	code, err := run(context.Background(), tinyRamp(t), runOptions{out: out, quiet: true}, &stdout, &stderr)
	require.NoError(t, err)
	require.Equal(t, exitPass, code, "stdout:\n%s\nstderr:\n%s", stdout.String(), stderr.String())

	text := stdout.String()
	assert.Contains(t, text, "knee: ")
	assert.Contains(t, text, "(step 2, 40.0/s offered")
	assert.Contains(t, text, "stopped: step 3 (60.0/s offered) broke the gates: devices.planned <= 20")
	for _, row := range []string{`\s+1\s+20\.0\s+[\d.]+\s+10\s.*within`, `\s+2\s+40\.0\s+[\d.]+\s+20\s.*within`,
		`\s+3\s+60\.0\s+[\d.]+\s+30\s.*OUT: devices\.planned <= 20`} {
		assert.Regexp(t, regexp.MustCompile(`(?m)^`+row+`$`), text)
	}

	sum := readSummary(t, out)
	c := sum["capacity"].(map[string]any)
	assert.Len(t, c["steps"], 3)
	assert.EqualValues(t, 2, c["knee"].(map[string]any)["step"])
	assert.EqualValues(t, 60, sum["devices"].(map[string]any)["planned"])
	assert.EqualValues(t, 60, sum["outcomes"].(map[string]any)["provisioned"], "fresh identities in every step")
	assert.EqualValues(t, 60, sum["target"].(map[string]any)["things_after"])
	html, err := os.ReadFile(filepath.Join(out, "report.html"))
	require.NoError(t, err)
	assert.Contains(t, string(html), "Capacity ramp: provisioned/s achieved per offered rate")
}

func TestCapacityRampRejectsOverrides(t *testing.T) {
	code, _, stderr := runCLI(t, "run", filepath.Join("..", "..", "scenarios", "capacity-ramp.yaml"), "--devices", "5")
	assert.Equal(t, exitUsage, code)
	assert.Contains(t, stderr, "do not apply to a capacity ramp")
}
