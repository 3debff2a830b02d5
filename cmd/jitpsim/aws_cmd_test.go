package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/jitpsim/jitpsim/sim/pki"
)

// writeFile writes a scenario into a temporary directory and returns its path.
func writeFile(t *testing.T, src string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "s.yaml")
	require.NoError(t, os.WriteFile(path, []byte(src), 0o644))
	return path
}

// TestAWSUsageErrors checks the one-line errors (exit 2) of the aws commands and of an aws run
// that need no endpoint: each fails before any network call.
func TestAWSUsageErrors(t *testing.T) {
	serveCredentials(t) // credentials exist, so the checks after them are reached
	real := "devices: {count: 3}\ntarget: {type: aws, region: us-east-1}\n"
	bare := `template:
  inline:
    Parameters: {"AWS::IoT::Certificate::Id": {Type: String}}
    Resources: {certificate: {Type: "AWS::IoT::Certificate", Properties: {CertificateId: {Ref: "AWS::IoT::Certificate::Id"}, Status: ACTIVE}}}
`
	state := t.TempDir()
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"no subcommand", []string{"aws"}, "want a subcommand"},
		{"unknown subcommand", []string{"aws", "deploy"}, `unknown subcommand "deploy"`},
		{"setup needs an aws target", []string{"aws", "setup", writeFile(t, "devices: {count: 3}\n")}, "the aws commands need target.type: aws"},
		{"setup keeps a generated CA", []string{"aws", "setup", writeFile(t, "devices: {count: 3}\ntarget: {type: aws, region: us-east-1, endpoint_url: \"http://127.0.0.1:9\"}\n")},
			"give --state DIR to keep it"},
		{"setup on a real account needs a role", []string{"aws", "setup", writeFile(t, real+bare), "--state", state}, "set target.role_arn"},
		{"a big real run needs --yes", []string{"run", writeFile(t, "devices: {count: 101}\ntarget: {type: aws, region: us-east-1}\n"), "--state", state},
			"101 devices against a real AWS account is above target.confirm_above (100): check the plan above and add --yes"},
		{"confirm_above is the scenario's", []string{"run", writeFile(t, "devices: {count: 3}\ntarget: {type: aws, region: us-east-1, confirm_above: 2}\n"), "--state", state},
			"above target.confirm_above (2)"},
		{"an aws run keeps its CA", []string{"run", writeFile(t, real), "--quiet"}, "give the --state DIR you gave setup"},
		{"verify needs a run", []string{"aws", "verify", "--state", state}, "no run recorded in " + filepath.Join(state, "runs")},
		{"cleanup needs a run", []string{"aws", "cleanup", "--state", state, "--run", "nope"}, "nope.json: no such file"},
		{"cleanup --ca needs the scenario", []string{"aws", "cleanup", "--ca", strings.Repeat("a", 64)}, "--ca needs the scenario"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			code, stdout, stderr := runCLI(t, tc.args...)
			assert.Equal(t, exitUsage, code, "stdout:\n%s\nstderr:\n%s", stdout, stderr)
			assert.Contains(t, stderr, tc.want)
		})
	}
}

// TestAWSRunNeedsSetup runs against `jitpsim serve` before setup, then with a template other
// than the one registered: both stop before any device starts and say to run setup.
func TestAWSRunNeedsSetup(t *testing.T) {
	serveCredentials(t)
	r := startServe(t, serveOptions{})
	path := awsScenario(t, r, 3, "")
	state := filepath.Join(t.TempDir(), "state")
	code, _, stderr := runCLI(t, "run", path, "--state", state, "--quiet")
	assert.Equal(t, exitUsage, code)
	assert.Contains(t, stderr, "is not registered in eu-west-1: run jitpsim aws setup "+path+" --state "+state+" first")

	code, stdout, stderr := runCLI(t, "aws", "setup", path, "--state", state)
	require.Equal(t, exitPass, code, "stdout:\n%s\nstderr:\n%s", stdout, stderr)
	other := awsScenario(t, r, 3, "  role_arn: arn:aws:iam::123456789012:role/Other\n")
	code, _, stderr = runCLI(t, "run", other, "--state", state, "--quiet")
	assert.Equal(t, exitUsage, code)
	assert.Contains(t, stderr, "is registered with another template or role ARN than the scenario's")
}

// TestAWSCleanupOfACA registers the CA in SNI_ONLY mode (devices always send SNI), runs five
// devices, then removes everything under the CA without a run file.
func TestAWSCleanupOfACA(t *testing.T) {
	serveCredentials(t)
	r := startServe(t, serveOptions{})
	path := awsScenario(t, r, 5, "  certificate_mode: SNI_ONLY\n")
	state := filepath.Join(t.TempDir(), "state")
	code, stdout, stderr := runCLI(t, "aws", "setup", path, "--state", state)
	require.Equal(t, exitPass, code, stderr)
	assert.Contains(t, stdout, "SNI_ONLY mode")
	code, stdout, stderr = runCLI(t, "run", path, "--state", state, "--quiet")
	require.Equal(t, exitPass, code, "stdout:\n%s\nstderr:\n%s", stdout, stderr)
	ca, err := pki.LoadCA(filepath.Join(state, "ca", pki.CACertFile), filepath.Join(state, "ca", pki.CAKeyFile))
	require.NoError(t, err)

	code, stdout, _ = runCLI(t, "aws", "cleanup", path, "--ca", pki.CertificateID(ca.Cert.Raw))
	require.Equal(t, exitPass, code, stdout)
	assert.Contains(t, stdout, "removed 5 certificates and 5 things")
	things, certs := r.counts(t, state)
	assert.Zero(t, things)
	assert.Zero(t, certs)

	code, stdout, _ = runCLI(t, "aws", "cleanup", "--state", state)
	require.Equal(t, exitPass, code, stdout)
	assert.Contains(t, stdout, "removed 0 certificates and 0 things", "the run's certificates are gone already")
	assert.Contains(t, stdout, "5 certificates were gone already")
}
