package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"syscall"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// childNoFileEnv makes the test binary run jitpsim itself with a lowered
// open-files limit (see TestMain), so the guard is tested on a real process.
const childNoFileEnv = "JITPSIM_TEST_CHILD_NOFILE"

func TestMain(m *testing.M) {
	if os.Getenv(asCLIEnv) != "" { // the e2e walkthrough uses the test binary as jitpsim (e2e_test.go)
		os.Exit(realMain(os.Args[1:], os.Stdout, os.Stderr))
	}
	if v := os.Getenv(childNoFileEnv); v != "" {
		n, err := strconv.ParseUint(v, 10, 64)
		if err == nil {
			err = syscall.Setrlimit(syscall.RLIMIT_NOFILE, &syscall.Rlimit{Cur: n, Max: n})
		}
		if err != nil {
			os.Stderr.WriteString("set open-files limit: " + err.Error() + "\n")
			os.Exit(99)
		}
		os.Exit(realMain(os.Args[len(os.Args)-2:], os.Stdout, os.Stderr))
	}
	os.Exit(m.Run())
}

func TestLowOpenFilesLimitFailsBeforeAnyDeviceStarts(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "big.yaml")
	require.NoError(t, os.WriteFile(path, []byte("devices: {count: 5000}\narrival: {rate: 1000}\n"), 0o644))
	cmd := exec.Command(os.Args[0], "-test.run=^$", "run", path)
	cmd.Env = append(os.Environ(), childNoFileEnv+"=256")
	out, err := cmd.CombinedOutput()
	var exitErr *exec.ExitError
	require.ErrorAs(t, err, &exitErr, "output: %s", out)
	assert.Equal(t, exitUsage, exitErr.ExitCode(), "output: %s", out)
	assert.Contains(t, string(out), "open files")
	assert.Contains(t, string(out), "ulimit -n")
	assert.NotContains(t, string(out), "devices at", "no device may start")
}
