package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
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
		os.Exit(realMain(cliArgs(), os.Stdout, os.Stderr))
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
		os.Exit(realMain(cliArgs(), os.Stdout, os.Stderr))
	}
	os.Exit(m.Run())
}

// cliArgs returns the jitpsim arguments a child process of the test binary
// was given: its arguments after the leading -test.* flags.
func cliArgs() []string {
	args := os.Args[1:]
	for len(args) > 0 && strings.HasPrefix(args[0], "-test.") {
		args = args[1:]
	}
	return args
}

// runChild runs jitpsim in a child process (the test binary) with the
// open-files limit lowered to nofile, and returns its exit code and output.
func runChild(t *testing.T, nofile int, args ...string) (int, string) {
	t.Helper()
	cmd := exec.Command(os.Args[0], append([]string{"-test.run=^$"}, args...)...)
	cmd.Env = append(os.Environ(), childNoFileEnv+"="+strconv.Itoa(nofile))
	out, err := cmd.CombinedOutput()
	if err == nil {
		return 0, string(out)
	}
	var exitErr *exec.ExitError
	require.ErrorAs(t, err, &exitErr, "output: %s", out)
	return exitErr.ExitCode(), string(out)
}

func TestLowOpenFilesLimitFailsBeforeAnyDeviceStarts(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "big.yaml")
	require.NoError(t, os.WriteFile(path, []byte("devices: {count: 5000}\narrival: {rate: 1000}\n"), 0o644))
	code, out := runChild(t, 256, "run", path)
	assert.Equal(t, exitUsage, code, "output: %s", out)
	assert.Contains(t, out, "open files")
	assert.Contains(t, out, "ulimit -n")
	assert.Contains(t, out, "--shard I/")
	assert.NotContains(t, out, "devices at", "no device may start")
}

func TestCapacityGuardPlansForTheShard(t *testing.T) {
	// 1000/s with a one-second session: about 1000 devices in flight, two open
	// files each, against 256 files of which 192 are for devices: 11 shards.
	path := filepath.Join(t.TempDir(), "wide.yaml")
	require.NoError(t, os.WriteFile(path, []byte("devices: {count: 1100, name_pattern: \"w-{index}\"}\narrival: {rate: 1000}\n"+
		"device: {backoff: 0s, timeout: 20s}\ntarget: {provision_delay: 0s}\n"), 0o644))
	tests := []struct {
		name  string
		shard string
		code  int
		want  string
	}{
		{"two shards are too few", "0/2", exitUsage, "shard across 11 processes: jitpsim run ... --shard I/11 for I = 0..10"},
		{"the advice fits", "10/11", exitPass, "PASSED"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out := filepath.Join(t.TempDir(), "out")
			code, output := runChild(t, 256, "run", path, "--quiet", "--out", out, "--shard", tt.shard)
			require.Equal(t, tt.code, code, "output: %s", output)
			assert.Contains(t, output, tt.want)
			if tt.code == exitUsage {
				assert.Equal(t, 1, strings.Count(strings.TrimSpace(output), "\n")+1, "want one line, got:\n%s", output)
			}
		})
	}
}
