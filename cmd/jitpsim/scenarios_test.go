package main

import (
	"bytes"
	"context"
	"fmt"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/jitpsim/jitpsim/scenario"
)

// TestShippedScenariosRunAtTinySize runs every shipped scenario that targets
// the embedded stand-in with a handful of devices, and checks that it passes
// its own gates. aws-account.yaml is only validated (it is for a real
// account); smoke.yaml has its own test; the capacity ramp runs shrunk.
func TestShippedScenariosRunAtTinySize(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("..", "..", "scenarios", "*.yaml"))
	require.NoError(t, err)
	devices := map[string]string{"nordic-walkthrough.yaml": "2"} // RSA keys are slow to mint
	for _, f := range files {
		name := filepath.Base(f)
		t.Run(name, func(t *testing.T) {
			code, _, stderr := runCLI(t, "validate", f)
			require.Equal(t, exitPass, code, stderr)
			s, err := scenario.Load(f)
			require.NoError(t, err)
			switch {
			case name == "aws-account.yaml" || name == "smoke.yaml":
				return
			case name == "idempotency-rerun.yaml":
				testRerun(t, f)
				return
			case s.Capacity != nil:
				s.Capacity.MaxRate = s.Capacity.StartRate // one step
				s.Capacity.StepDuration = s.Capacity.StepDuration / 10
				var stdout, stderr bytes.Buffer
				code, err := run(context.Background(), s, runOptions{quiet: true}, &stdout, &stderr)
				require.NoError(t, err)
				assert.NotEqual(t, exitUsage, code, stderr.String())
				assert.Contains(t, stdout.String(), "capacity\n  knee:")
				return
			}
			n := devices[name]
			if n == "" {
				n = "6"
			}
			out := filepath.Join(t.TempDir(), "out")
			code, stdout, stderr := runCLI(t, "run", f, "--devices", n, "--quiet", "--out", out)
			require.Equal(t, exitPass, code, "stdout:\n%s\nstderr:\n%s", stdout, stderr)
			assert.EqualValues(t, n, fmt.Sprint(readSummary(t, out)["devices"].(map[string]any)["completed"]))
		})
	}
}

// testRerun runs the idempotency scenario twice on one state directory: the
// second run finds every device provisioned and creates nothing.
func testRerun(t *testing.T, file string) {
	state := filepath.Join(t.TempDir(), "state")
	for i, want := range []string{"provisioned", "already_provisioned"} {
		out := filepath.Join(t.TempDir(), "out")
		code, stdout, _ := runCLI(t, "run", file, "--devices", "4", "--quiet", "--state", state, "--out", out)
		require.Equal(t, exitPass, code, "run %d:\n%s", i+1, stdout)
		sum := readSummary(t, out)
		assert.EqualValues(t, 4, sum["outcomes"].(map[string]any)[want], "run %d", i+1)
		if i == 1 {
			target := sum["target"].(map[string]any)
			assert.Equal(t, target["things_before"], target["things_after"])
			assert.EqualValues(t, 0, target["registrations"])
		}
	}
}
