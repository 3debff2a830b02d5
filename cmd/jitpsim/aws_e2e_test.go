package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iot"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/jitpsim/jitpsim/sim/awsiot/awsiottest"
	"github.com/jitpsim/jitpsim/sim/localiot"
	"github.com/jitpsim/jitpsim/sim/pki"
)

// hermeticAWS makes the test's AWS environment empty; see awsiottest.Hermetic.
func hermeticAWS(t *testing.T) { awsiottest.Hermetic(t) }

// awsScenario writes a scenario whose aws target is the running `jitpsim serve` r.
func awsScenario(t *testing.T, r *running, devices int, extra string) string {
	t.Helper()
	src := fmt.Sprintf(`name: aws-e2e
devices: {count: %d, name_pattern: "e2e-{index:04}", subject: {country: US}}
arrival:
  rate: 400
target:
  type: aws
  region: eu-west-1
  endpoint_url: %s
  mqtt_endpoint: %s
  server_ca: %s
  api_rates: {default: 0}
%sdevice: {backoff: 20ms, timeout: 10s, topic: "e2e/{name}"}
thresholds:
  - rate.success == 100%%
  - idempotency.violations == 0
`, devices, r.info.APIURL, r.info.MQTTAddr, r.info.ServerCAFile, extra)
	path := filepath.Join(t.TempDir(), "aws-e2e.yaml")
	require.NoError(t, os.WriteFile(path, []byte(src), 0o644))
	return path
}

// serveCredentials makes the standard chain find the access key `jitpsim serve` checks.
func serveCredentials(t *testing.T) {
	hermeticAWS(t)
	t.Setenv("AWS_ACCESS_KEY_ID", defaultAccessKey)
	t.Setenv("AWS_SECRET_ACCESS_KEY", defaultSecretKey)
}

// counts returns the things of the stand-in and the certificates of the CA kept in state.
func (r *running) counts(t *testing.T, state string) (things, certs int) {
	t.Helper()
	ctx := context.Background()
	ca, err := pki.LoadCA(filepath.Join(state, "ca", pki.CACertFile), filepath.Join(state, "ca", pki.CAKeyFile))
	require.NoError(t, err)
	tp := iot.NewListThingsPaginator(r.cli, &iot.ListThingsInput{MaxResults: aws.Int32(250)})
	for tp.HasMorePages() {
		page, err := tp.NextPage(ctx)
		require.NoError(t, err)
		things += len(page.Things)
	}
	cp := iot.NewListCertificatesByCAPaginator(r.cli, &iot.ListCertificatesByCAInput{
		CaCertificateId: aws.String(pki.CertificateID(ca.Cert.Raw)), PageSize: aws.Int32(250)})
	for cp.HasMorePages() {
		page, err := cp.NextPage(ctx)
		require.NoError(t, err)
		certs += len(page.Certificates)
	}
	return things, certs
}

// TestAWSTargetEndToEnd takes 200 devices through the aws target against `jitpsim serve`:
// aws setup, a run that verifies itself, aws verify, a dry-run cleanup, the cleanup, and a
// second cleanup that has nothing to do.
func TestAWSTargetEndToEnd(t *testing.T) {
	const n = 200
	serveCredentials(t)
	r := startServe(t, serveOptions{})
	path := awsScenario(t, r, n, "  verify: true\n")
	state := filepath.Join(t.TempDir(), "state")

	code, stdout, stderr := runCLI(t, "aws", "setup", path, "--state", state, "--create-resources")
	require.Equal(t, exitPass, code, "stdout:\n%s\nstderr:\n%s", stdout, stderr)
	assert.Contains(t, stdout, ") registered\n")
	assert.Contains(t, stdout, "MQTT endpoint: "+r.info.MQTTAddr+" (SNI localhost)")
	info, err := os.Stat(filepath.Join(state, "ca", pki.CAKeyFile))
	require.NoError(t, err)
	assert.Equal(t, os.FileMode(0o600), info.Mode().Perm())
	code, stdout, _ = runCLI(t, "aws", "setup", path, "--state", state)
	require.Equal(t, exitPass, code)
	assert.Contains(t, stdout, "was registered already, with the same template")

	out := filepath.Join(t.TempDir(), "out")
	code, stdout, stderr = runCLI(t, "run", path, "--state", state, "--out", out)
	require.Equal(t, exitPass, code, "stdout:\n%s\nstderr:\n%s", stdout, stderr)
	assert.Contains(t, stderr, "jitpsim: verify: 200 devices checked on the control plane")
	assert.Contains(t, stderr, "remove what they created with: jitpsim aws cleanup --run ")
	sum := readSummary(t, out)
	assert.EqualValues(t, n, sum["outcomes"].(map[string]any)["provisioned"])
	idem := sum["idempotency"].(map[string]any)
	assert.EqualValues(t, n, idem["verified"])
	assert.EqualValues(t, 0, idem["violations"])
	target := sum["target"].(map[string]any)
	assert.EqualValues(t, 0, target["certificates_before"])
	assert.EqualValues(t, n, target["certificates_after"])
	things, certs := r.counts(t, state)
	require.Equal(t, n, things)
	require.Equal(t, n, certs)

	code, stdout, stderr = runCLI(t, "aws", "verify", "--state", state)
	require.Equal(t, exitPass, code, "stdout:\n%s\nstderr:\n%s", stdout, stderr)
	assert.Contains(t, stdout, "200 devices checked on the control plane, 0 violations\n")

	code, stdout, _ = runCLI(t, "aws", "cleanup", "--state", state, "--dry-run")
	require.Equal(t, exitPass, code, stdout)
	assert.Contains(t, stdout, "dry run: would remove 200 certificates and 200 things")
	things, certs = r.counts(t, state)
	require.Equal(t, n, things, "a dry run removes nothing")
	require.Equal(t, n, certs)

	code, stdout, stderr = runCLI(t, "aws", "cleanup", "--state", state)
	require.Equal(t, exitPass, code, "stdout:\n%s\nstderr:\n%s", stdout, stderr)
	assert.Contains(t, stdout, "removed 200 certificates and 200 things (200 set INACTIVE, 200 policies and 200 things detached)")
	assert.Contains(t, stdout, "left 0\n")
	things, certs = r.counts(t, state)
	assert.Zero(t, things)
	assert.Zero(t, certs)

	code, stdout, _ = runCLI(t, "aws", "cleanup", "--state", state)
	require.Equal(t, exitPass, code, stdout)
	assert.Contains(t, stdout, "nothing to do: all 200 devices were cleaned up before")
}

// TestAWSTargetUnderThrottling switches the stand-in's API limits on (every operation at 25
// calls/s) and the client's own limits off: verify and cleanup are throttled and retried, and
// still lose nothing.
func TestAWSTargetUnderThrottling(t *testing.T) {
	const n = 40
	serveCredentials(t)
	rates := localiot.DefaultAPIRates()
	for op := range rates {
		rates[op] = 25
	}
	r := startServe(t, serveOptions{limits: &localiot.Limits{APIRates: rates}})
	path := awsScenario(t, r, n, "")
	state := filepath.Join(t.TempDir(), "state")
	code, stdout, stderr := runCLI(t, "aws", "setup", path, "--state", state)
	require.Equal(t, exitPass, code, "stdout:\n%s\nstderr:\n%s", stdout, stderr)
	code, stdout, stderr = runCLI(t, "run", path, "--state", state, "--quiet")
	require.Equal(t, exitPass, code, "stdout:\n%s\nstderr:\n%s", stdout, stderr)

	code, stdout, _ = runCLI(t, "aws", "verify", "--state", state)
	require.Equal(t, exitPass, code, stdout)
	assert.Contains(t, stdout, fmt.Sprintf("%d devices checked on the control plane, 0 violations\n", n))
	verifyThrottled := throttledIn(t, stdout)

	code, stdout, _ = runCLI(t, "aws", "cleanup", "--state", state)
	require.Equal(t, exitPass, code, stdout)
	assert.Contains(t, stdout, fmt.Sprintf("removed %d certificates and %d things", n, n))
	assert.Contains(t, stdout, "left 0\n")
	assert.Positive(t, verifyThrottled+throttledIn(t, stdout), "nothing was throttled")
	things, certs := r.counts(t, state)
	assert.Zero(t, things)
	assert.Zero(t, certs)
}

// throttledIn reads "throttled N" from a command's API calls line.
func throttledIn(t *testing.T, stdout string) int {
	t.Helper()
	_, rest, ok := strings.Cut(stdout, ", throttled ")
	require.True(t, ok, stdout)
	var n int
	_, err := fmt.Sscanf(rest, "%d", &n)
	require.NoError(t, err)
	return n
}

// TestAWSRunWithoutCredentials runs the shipped aws-account scenario with no credentials and no
// overrides: it fails at once with one line naming what is missing.
func TestAWSRunWithoutCredentials(t *testing.T) {
	hermeticAWS(t)
	code, stdout, stderr := runCLI(t, "run", filepath.Join("..", "..", "scenarios", "aws-account.yaml"))
	assert.Equal(t, exitUsage, code)
	assert.Empty(t, stdout)
	lines := strings.Split(strings.TrimRight(stderr, "\n"), "\n")
	require.Len(t, lines, 1, stderr)
	assert.Contains(t, lines[0], "no AWS credentials found")
	assert.Contains(t, lines[0], "AWS_ACCESS_KEY_ID")
}

// TestAWSTargetShardedRun runs one fleet as two shards against one shared
// target (`jitpsim serve`, the same code path as an AWS account), each with
// its own --state holding the CA that aws setup registered, started together,
// and merges them: the merged report covers every device once.
func TestAWSTargetShardedRun(t *testing.T) {
	const n = 60
	serveCredentials(t)
	r := startServe(t, serveOptions{})
	path := awsScenario(t, r, n, "  verify: true\n")
	setup := filepath.Join(t.TempDir(), "setup")
	code, stdout, stderr := runCLI(t, "aws", "setup", path, "--state", setup)
	require.Equal(t, exitPass, code, "stdout:\n%s\nstderr:\n%s", stdout, stderr)
	caPEM, err := os.ReadFile(filepath.Join(setup, "ca", pki.CACertFile))
	require.NoError(t, err)
	caKey, err := os.ReadFile(filepath.Join(setup, "ca", pki.CAKeyFile))
	require.NoError(t, err)

	at := time.Now().Add(1500 * time.Millisecond).UTC().Format(time.RFC3339Nano)
	dirs := make([]string, 2)
	errs := make(chan error, 2)
	logs := make([]string, 2)
	for k := range dirs {
		state := filepath.Join(t.TempDir(), "state")
		require.NoError(t, os.MkdirAll(filepath.Join(state, "ca"), 0o700))
		require.NoError(t, os.WriteFile(filepath.Join(state, "ca", pki.CACertFile), caPEM, 0o644))
		require.NoError(t, os.WriteFile(filepath.Join(state, "ca", pki.CAKeyFile), caKey, 0o600))
		dirs[k] = filepath.Join(t.TempDir(), "out")
		go func() {
			code, stdout, stderr := runCLI(t, "run", path, "--state", state, "--out", dirs[k],
				"--shard", fmt.Sprintf("%d/2", k), "--start-at", at)
			logs[k] = stderr
			if code != exitPass {
				errs <- fmt.Errorf("shard %d: exit %d\nstdout:\n%s\nstderr:\n%s", k, code, stdout, stderr)
				return
			}
			errs <- nil
		}()
	}
	for range dirs {
		require.NoError(t, <-errs)
	}
	for k, log := range logs {
		assert.Contains(t, log, fmt.Sprintf("jitpsim: plan for the whole run (all 2 shards; this is shard %d) against the aws target", k),
			"AWS's quotas are the account's: a shard plans the whole run")
	}
	merged := filepath.Join(t.TempDir(), "merged")
	code, stdout, stderr = runCLI(t, "report", "merge", "--out", merged, dirs[0], dirs[1])
	require.Equal(t, exitPass, code, "stdout:\n%s\nstderr:\n%s", stdout, stderr)
	assert.Contains(t, stdout, "merged from 2 shards")
	sum := readSummary(t, merged)
	assert.EqualValues(t, n, sum["outcomes"].(map[string]any)["provisioned"])
	idem := sum["idempotency"].(map[string]any)
	assert.EqualValues(t, n, idem["verified"], "every device verified once, by its own shard")
	assert.EqualValues(t, 0, idem["violations"])
	target := sum["target"].(map[string]any)
	assert.EqualValues(t, 0, target["certificates_before"], "a shared target's counters: the smallest before")
	things, certs := r.counts(t, setup)
	assert.Equal(t, n, things)
	assert.Equal(t, n, certs)
}
