package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"
)

// asCLIEnv makes the test binary run the jitpsim command line itself (see TestMain), so the
// walkthrough script can use it as the jitpsim binary without a separate build.
const asCLIEnv = "JITPSIM_TEST_AS_CLI"

// TestE2EWalkthrough runs .ci/e2e-walkthrough.sh: openssl, the AWS CLI and mosquitto_pub take a
// device through JITP against `jitpsim serve`. CI installs the tools (.ci/run); elsewhere the
// test is skipped when one is missing.
func TestE2EWalkthrough(t *testing.T) {
	if testing.Short() {
		t.Skip("e2e walkthrough skipped in -short mode")
	}
	for _, tool := range []string{"openssl", "aws", "mosquitto_pub"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("e2e walkthrough skipped: %s is not installed (apt-get install openssl awscli mosquitto-clients; .ci/run does it in CI)", tool)
		}
	}
	dir := t.TempDir()
	self, err := os.Executable()
	require.NoError(t, err)
	wrapper := filepath.Join(dir, "jitpsim")
	require.NoError(t, os.WriteFile(wrapper, []byte("#!/bin/sh\n"+asCLIEnv+"=1 exec '"+self+"' \"$@\"\n"), 0o700))

	cmd := exec.Command("bash", filepath.Join("..", "..", ".ci", "e2e-walkthrough.sh"), filepath.Join(dir, "work"))
	cmd.Env = append(os.Environ(), "JITPSIM="+wrapper)
	out, err := cmd.CombinedOutput()
	t.Logf("%s", out)
	require.NoError(t, err, "the walkthrough failed; its work directory is %s", dir)
}
