package main

import (
	"context"
	"crypto/x509"
	"fmt"
	"io"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/jitpsim/jitpsim/report"
	"github.com/jitpsim/jitpsim/scenario"
	"github.com/jitpsim/jitpsim/sim"
	"github.com/jitpsim/jitpsim/sim/awsiot"
	"github.com/jitpsim/jitpsim/sim/localiot/template"
	"github.com/jitpsim/jitpsim/sim/pki"
)

// maxFindingsInSummary bounds the sample findings kept in summary.json.
const maxFindingsInSummary = 20

// awsTarget is an AWS IoT account (or `jitpsim serve` through the endpoint
// overrides). The CA must have been registered by `jitpsim aws setup`; the
// run records every device it starts in a run file, which verify and
// cleanup work from.
type awsTarget struct {
	s      *scenario.Scenario
	o      runOptions
	cfg    awsiot.Config
	client *awsiot.Client
	tmpl   *template.Template
	ca     awsiot.CA
	where  string

	mu      sync.Mutex
	run     *awsiot.Run
	runPath string
	before  int
}

// openAWSTarget loads the credentials, prints the plan and checks the safety
// rule (--yes above confirm_above on a real account); each failure is one
// line, before anything starts.
func openAWSTarget(ctx context.Context, s *scenario.Scenario, o runOptions, stderr io.Writer) (runTarget, error) {
	cfg := awsConfigOf(s)
	c, err := openAWS(ctx, cfg)
	if err != nil {
		return nil, err
	}
	if err := confirmAWSRun(s, cfg, o, stderr); err != nil {
		c.Close()
		return nil, err
	}
	switch {
	case s.CA.CertFile == "" && o.state == "":
		c.Close()
		return nil, usagef("an aws target needs the CA that jitpsim aws setup registered: give the --state DIR you gave setup " +
			"(or set ca.cert_file and ca.key_file)")
	case runsDir(o.state, o.out) == "":
		c.Close()
		return nil, usagef("an aws run records the devices it creates, for verify and cleanup: give --state DIR (or --out DIR)")
	}
	return &awsTarget{s: s, o: o, cfg: cfg, client: c}, nil
}

// start checks that the CA is registered with the scenario's template and
// finds the MQTT endpoint and the server CA.
func (t *awsTarget) start(ctx context.Context, ca *pki.CA, tmpl *template.Template) (sim.Target, error) {
	if t.s.Target.RoleArn != "" {
		tmpl = tmpl.WithRoleArn(t.s.Target.RoleArn)
	}
	t.tmpl = tmpl
	id := pki.CertificateID(ca.Cert.Raw)
	reg, ok, err := t.client.DescribeCA(ctx, id)
	if err != nil {
		return sim.Target{}, fmt.Errorf("describe CA %s: %w", id, err)
	}
	setup := fmt.Sprintf("run jitpsim aws setup %s%s first", t.s.File, stateFlag(t.o.state))
	switch {
	case !ok:
		return sim.Target{}, usagef("CA %s (%s) is not registered in %s: %s", id, ca.Cert.Subject.CommonName, t.cfg.Region, setup)
	case !reg.Ready():
		return sim.Target{}, usagef("CA %s is %s with auto-registration %s: JITP would not run; %s", id, reg.Status, reg.AutoRegistration, setup)
	case !awsiot.SameTemplate(reg, tmpl):
		return sim.Target{}, usagef("CA %s is registered with another template or role ARN than the scenario's: %s", id, setup)
	}
	t.ca = reg
	addr, serverName, err := mqttEndpoint(ctx, t.s, t.client)
	if err != nil {
		return sim.Target{}, err
	}
	// AWS IoT allows one CONNECT per second per client ID, so the idempotency probe waits that long.
	target := sim.Target{Addr: addr, ServerName: serverName, ClientIDConnectInterval: time.Second}
	if f := t.s.Target.ServerCA; f != "" {
		if target.RootCAs, err = loadPool(t.s.Path(f)); err != nil {
			return sim.Target{}, usageError{err}
		}
	}
	t.where = fmt.Sprintf("AWS IoT %s at %s (SNI %s)", t.cfg.Region, addr, serverName)
	if !t.cfg.RealAccount() {
		t.where = fmt.Sprintf("the aws target %s at %s (SNI %s)", t.cfg.EndpointURL, addr, serverName)
	}
	certs, err := t.client.CertificatesByCA(ctx, id)
	if err != nil {
		return sim.Target{}, fmt.Errorf("list the certificates of CA %s: %w", id, err)
	}
	t.before = len(certs)
	start := time.Now()
	t.run = &awsiot.Run{
		Schema: awsiot.RunSchema, ID: awsiot.NewRunID(start), Scenario: t.s.Name, StartedAt: start.UTC(),
		Target: awsiot.RunTarget{Region: t.cfg.Region, Profile: t.cfg.Profile, EndpointURL: t.cfg.EndpointURL,
			APIRates: t.cfg.Rates, CACertificateID: id},
	}
	t.runPath = awsiot.RunPath(runsDir(t.o.state, t.o.out), t.run.ID)
	if err := t.run.Save(t.runPath); err != nil {
		return sim.Target{}, fmt.Errorf("run file: %w", err)
	}
	return target, nil
}

// describe names the account or endpoint and the MQTT address.
func (t *awsTarget) describe() string { return t.where }

// onDevice records each device's certificate and what the template gives it.
func (t *awsTarget) onDevice() func(*pki.Identity, report.Observation) {
	return func(id *pki.Identity, obs report.Observation) {
		d := awsiot.RunDevice{Index: obs.Index, Outcome: string(obs.Outcome), Expectation: awsiot.Expect(t.tmpl, obs.Name, id)}
		t.mu.Lock()
		t.run.Devices = append(t.run.Devices, d)
		t.mu.Unlock()
	}
}

// stop saves the run file and returns the certificates under the CA before
// and after, and the devices recorded.
func (t *awsTarget) stop(stderr io.Writer) map[string]int64 {
	t.mu.Lock()
	defer t.mu.Unlock()
	if err := t.run.Save(t.runPath); err != nil {
		fmt.Fprintf(stderr, "jitpsim: run file: %v\n", err)
	}
	counters := map[string]int64{"certificates_before": int64(t.before), "devices_recorded": int64(len(t.run.Devices))}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if certs, err := t.client.CertificatesByCA(ctx, t.ca.ID); err != nil {
		fmt.Fprintf(stderr, "jitpsim: counting the CA's certificates after the run: %v\n", err)
	} else {
		counters["certificates_after"] = int64(len(certs))
	}
	return counters
}

// check verifies the run's devices on the control plane when the scenario
// asks for it, adding what it finds to the idempotency section, and says how
// to clean up.
func (t *awsTarget) check(ctx context.Context, sum *report.Summary, stderr io.Writer) error {
	log := stderr
	if t.o.quiet {
		log = io.Discard
	}
	defer func() {
		st := t.client.Stats().Total()
		sum.Target["api_calls"], sum.Target["api_throttled"], sum.Target["api_retries"] = st.Calls, st.Throttled, st.Retries
		fmt.Fprintf(log, "jitpsim: run %s: %d devices recorded in %s; remove what they created with: jitpsim aws cleanup --run %s%s\n",
			t.run.ID, len(t.run.Devices), t.runPath, t.run.ID, stateFlag(runsDir(t.o.state, t.o.out)))
	}()
	if sum.Target == nil {
		sum.Target = map[string]int64{}
	}
	if !t.s.Target.Verify {
		return nil
	}
	if sum.Interrupted {
		fmt.Fprintf(log, "jitpsim: verify skipped: the run was stopped early\n")
		return nil
	}
	want, skipped := expectations(t.run, false)
	start := time.Now()
	res, err := t.client.Verify(ctx, t.ca.ID, want, awsiot.DefaultWorkers, nil)
	if err != nil {
		return fmt.Errorf("verify: %w", err)
	}
	addFindings(sum, res)
	fmt.Fprintf(log, "jitpsim: verify: %d devices checked on the control plane in %s (%d failed in the run, not checked): %d violations\n",
		res.Checked, time.Since(start).Round(time.Millisecond), skipped, res.Violations)
	for _, f := range firstFindings(res.Findings, 10) {
		fmt.Fprintf(log, "jitpsim:   %s\n", f)
	}
	return nil
}

// close closes the client's connections.
func (t *awsTarget) close() { t.client.Close() }

// expectations returns the devices to verify: those that succeeded in the
// run, or all with all set; skipped counts the others.
func expectations(run *awsiot.Run, all bool) (want []awsiot.Expectation, skipped int) {
	for _, d := range run.Devices {
		if all || report.Outcome(d.Outcome).Success() {
			want = append(want, d.Expectation)
		} else {
			skipped++
		}
	}
	return want, skipped
}

// addFindings puts a verify result into the summary's idempotency section
// and target counters.
func addFindings(sum *report.Summary, res awsiot.VerifyResult) {
	sum.Idempotency.Verified += res.Checked
	sum.Idempotency.Violations += res.Violations
	sum.Idempotency.Findings = append(sum.Idempotency.Findings, firstFindings(res.Findings, maxFindingsInSummary-len(sum.Idempotency.Findings))...)
	if sum.Target == nil {
		sum.Target = map[string]int64{}
	}
	sum.Target["verify_checked"] = int64(res.Checked)
	sum.Target["verify_violations"] = int64(res.Violations)
}

// firstFindings formats at most n findings, with a last line counting the rest.
func firstFindings(fs []awsiot.Finding, n int) []string {
	lines := make([]string, len(fs))
	for i, f := range fs {
		lines[i] = f.String()
	}
	return firstLines(lines, max(n, 0))
}

// loadPool reads a PEM file of CA certificates into a pool.
func loadPool(path string) (*x509.CertPool, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("target.server_ca: %w", err)
	}
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(data) {
		return nil, fmt.Errorf("target.server_ca: %s holds no PEM certificate", path)
	}
	return pool, nil
}

// stateFlag returns " --state DIR" for messages, or "" without a state directory.
func stateFlag(dir string) string {
	if dir == "" {
		return ""
	}
	if strings.ContainsAny(dir, " \t'\"") {
		return fmt.Sprintf(" --state %q", dir)
	}
	return " --state " + dir
}
