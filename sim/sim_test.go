package sim

import (
	"context"
	"crypto/tls"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/jitpsim/jitpsim/report"
	"github.com/jitpsim/jitpsim/scenario"
	"github.com/jitpsim/jitpsim/sim/localiot"
	"github.com/jitpsim/jitpsim/sim/localiot/template"
	"github.com/jitpsim/jitpsim/sim/pki"
)

// standIn starts the embedded AWS IoT stand-in on loopback with a registered
// device CA and returns both.
func standIn(t *testing.T, cfg localiot.Config) (*localiot.Server, *pki.CA) {
	t.Helper()
	srv, err := localiot.New(cfg)
	require.NoError(t, err)
	require.NoError(t, srv.Start())
	t.Cleanup(func() { _ = srv.Close() })
	ca, err := pki.NewCA("sim test CA", pki.KeyEC256)
	require.NoError(t, err)
	_, err = srv.RegisterCA(ca.Cert, template.Classic(), true)
	require.NoError(t, err)
	return srv, ca
}

func testScenario(t *testing.T, src string) *scenario.Scenario {
	t.Helper()
	s, err := scenario.Parse([]byte(src), "test.yaml")
	require.NoError(t, err)
	return s
}

func target(srv *localiot.Server) Target {
	return Target{Addr: srv.Addr(), ServerName: srv.ServerName(), RootCAs: srv.RootCAs()}
}

func newDevice(t *testing.T, s *scenario.Scenario, ca *pki.CA, srv *localiot.Server, index int) *Device {
	t.Helper()
	m := (&Identities{CA: ca, Scenario: s}).get(index)
	require.NoError(t, m.err)
	return &Device{Index: index, Name: s.DeviceName(index), Identity: m.id, ExpectDrop: m.fresh,
		Target: target(srv), Behaviour: s.Device}
}

const quick = "devices: {count: 1, name_pattern: \"dev-{index:03}\"}\ndevice: {backoff: 20ms, timeout: 5s}\n"

func TestDeviceJITPRoundTrip(t *testing.T) {
	srv, ca := standIn(t, localiot.Config{ProvisionDelay: 10 * time.Millisecond})
	s := testScenario(t, quick)
	d := newDevice(t, s, ca, srv, 1)

	obs := d.Run(context.Background())
	require.Equal(t, report.OutcomeProvisioned, obs.Outcome, obs.Reason)
	assert.GreaterOrEqual(t, obs.Drops, 1)
	for _, p := range report.Phases() {
		// Scheduler lag belongs to the fleet, not to a device run alone.
		assert.Equal(t, p != report.PhaseSchedulerLag, obs.Has[p], "phase %s", p)
	}
	assert.Equal(t, uint16(tls.VersionTLS13), obs.TLSVersion)
	assert.True(t, obs.IdempotencyChecked)
	assert.False(t, obs.IdempotencyViolated)
	assert.LessOrEqual(t, obs.Durations[report.PhaseConnect], obs.Durations[report.PhaseProvision])

	cert, ok := srv.Registry().Certificate(d.Identity.ID)
	require.True(t, ok)
	assert.Equal(t, "ACTIVE", cert.Status)
	_, ok = srv.Registry().Thing("dev-001")
	assert.True(t, ok)

	// The same identity again: accepted at once, nothing new is created.
	things := srv.Stats().Things
	d.ExpectDrop = false
	obs = d.Run(context.Background())
	require.Equal(t, report.OutcomeAlreadyProvisioned, obs.Outcome, obs.Reason)
	assert.Zero(t, obs.Drops)
	assert.False(t, obs.Has[report.PhaseDrop])
	assert.Equal(t, things, srv.Stats().Things)

	// Expecting a drop that does not come is reported as such.
	d.ExpectDrop = true
	obs = d.Run(context.Background())
	assert.Equal(t, report.OutcomeNoDrop, obs.Outcome)
}

func TestDeviceOutcomes(t *testing.T) {
	srv, ca := standIn(t, localiot.Config{})
	other, err := pki.NewCA("unregistered CA", pki.KeyEC256)
	require.NoError(t, err)
	s := testScenario(t, quick)

	t.Run("unregistered CA is dropped until attempts run out", func(t *testing.T) {
		d := newDevice(t, s, other, srv, 2)
		obs := d.Run(context.Background())
		assert.Equal(t, report.OutcomeReconnectExhausted, obs.Outcome)
		assert.Equal(t, s.Device.MaxAttempts, obs.Drops)
		assert.Contains(t, obs.Reason, "dropped on all")
	})
	t.Run("nothing listening is an error", func(t *testing.T) {
		d := newDevice(t, s, ca, srv, 3)
		d.Target.Addr = "127.0.0.1:1"
		obs := d.Run(context.Background())
		assert.Equal(t, report.OutcomeError, obs.Outcome)
		assert.Contains(t, obs.Reason, "dial 127.0.0.1:1")
	})
	t.Run("wrong server name fails the handshake", func(t *testing.T) {
		d := newDevice(t, s, ca, srv, 4)
		d.Target.ServerName = "not-the-server.example"
		obs := d.Run(context.Background())
		assert.Equal(t, report.OutcomeError, obs.Outcome)
		assert.Contains(t, obs.Reason, "tls handshake")
	})
	t.Run("cancelled run is interrupted", func(t *testing.T) {
		d := newDevice(t, s, ca, srv, 5)
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		obs := d.Run(ctx)
		assert.Equal(t, report.OutcomeInterrupted, obs.Outcome)
	})
}

func TestFleetRun(t *testing.T) {
	srv, ca := standIn(t, localiot.Config{ProvisionDelay: 5 * time.Millisecond})
	s := testScenario(t, "devices: {count: 20, name_pattern: \"fleet-{index:04}\"}\narrival: {rate: 200}\ndevice: {backoff: 20ms}\n")
	rec := report.NewRecorder()
	f := &Fleet{Scenario: s, Identities: &Identities{CA: ca, Scenario: s}, Target: target(srv), Recorder: rec}
	require.NoError(t, f.Run(context.Background()))
	assert.Equal(t, 20, f.Started())
	sum := rec.Summarize(report.Meta{Scenario: s.Name, Planned: 20})
	assert.Equal(t, 20, sum.Devices.Completed)
	assert.Equal(t, 20, sum.Outcomes[report.OutcomeProvisioned], sum.Reasons)
	assert.Equal(t, 20, srv.Stats().Things)
	assert.Equal(t, 20, sum.Idempotency.Checked)
	assert.Zero(t, sum.Idempotency.Violations)
}

func TestFleetStopsOnCancel(t *testing.T) {
	srv, ca := standIn(t, localiot.Config{})
	s := testScenario(t, "devices: {count: 1000}\narrival: {rate: 5}\n")
	rec := report.NewRecorder()
	f := &Fleet{Scenario: s, Identities: &Identities{CA: ca, Scenario: s}, Target: target(srv), Recorder: rec}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- f.Run(ctx) }()
	require.Eventually(t, func() bool { return f.Started() >= 2 }, 10*time.Second, 10*time.Millisecond)
	cancel()
	require.ErrorIs(t, <-done, context.Canceled)
	completed, _, _ := rec.Counts()
	assert.Equal(t, f.Started(), completed)
	assert.Less(t, f.Started(), 1000)
}

func TestIdentityStoreMakesSecondRunAlreadyProvisioned(t *testing.T) {
	srv, ca := standIn(t, localiot.Config{})
	s := testScenario(t, "devices: {count: 3}\narrival: {rate: 100}\ndevice: {backoff: 20ms}\n")
	store := &pki.IdentityStore{Dir: t.TempDir()}
	for run, want := range []report.Outcome{report.OutcomeProvisioned, report.OutcomeAlreadyProvisioned} {
		rec := report.NewRecorder()
		f := &Fleet{Scenario: s, Identities: &Identities{CA: ca, Scenario: s, Store: store}, Target: target(srv), Recorder: rec}
		require.NoError(t, f.Run(context.Background()))
		sum := rec.Summarize(report.Meta{Planned: 3})
		assert.Equal(t, 3, sum.Outcomes[want], "run %d: %v", run, sum.Reasons)
	}
	assert.Equal(t, 3, srv.Stats().Things)
}

func TestIdentitiesStreamInOrder(t *testing.T) {
	ca, err := pki.NewCA("order CA", pki.KeyEC256)
	require.NoError(t, err)
	s := testScenario(t, "devices: {count: 50, first_index: 10}\n")
	ch := (&Identities{CA: ca, Scenario: s}).stream(context.Background(), 10, 1, 50, 4)
	next := 10
	for m := range ch {
		require.NoError(t, m.err)
		assert.Equal(t, next, m.index)
		assert.Equal(t, s.DeviceName(next), m.id.Leaf().Subject.CommonName)
		next++
	}
	assert.Equal(t, 60, next)
}

func TestDeviceDeniedByPolicy(t *testing.T) {
	// The JITP blog's template grants iot:Connect and iot:Publish only.
	tmpl, err := template.Parse([]byte(`{"templateBody": {
	  "Parameters": {"AWS::IoT::Certificate::CommonName": {"Type": "String"}, "AWS::IoT::Certificate::Id": {"Type": "String"}},
	  "Resources": {
	    "thing": {"Type": "AWS::IoT::Thing", "Properties": {"ThingName": {"Ref": "AWS::IoT::Certificate::CommonName"}}},
	    "certificate": {"Type": "AWS::IoT::Certificate", "Properties": {"CertificateId": {"Ref": "AWS::IoT::Certificate::Id"}, "Status": "ACTIVE"}},
	    "policy": {"Type": "AWS::IoT::Policy", "Properties": {"PolicyDocument": {"Version": "2012-10-17",
	      "Statement": [{"Effect": "Allow", "Action": ["iot:Connect", "iot:Publish"], "Resource": ["*"]}]}}}}},
	  "roleArn": "arn:aws:iam::123456789012:role/JITPRole"}`))
	require.NoError(t, err)
	srv, err := localiot.New(localiot.Config{})
	require.NoError(t, err)
	require.NoError(t, srv.Start())
	t.Cleanup(func() { _ = srv.Close() })
	ca, err := pki.NewCA("policy test CA", pki.KeyEC256)
	require.NoError(t, err)
	_, err = srv.RegisterCA(ca.Cert, tmpl, true)
	require.NoError(t, err)

	d := newDevice(t, testScenario(t, quick), ca, srv, 1)
	obs := d.Run(context.Background())
	assert.Equal(t, report.OutcomeSubscribeDenied, obs.Outcome)
	assert.Equal(t, "subscribe jitp_test: SUBACK reason code 0x87", obs.Reason)
}

func TestProbeWaitsForTheClientIDConnectLimit(t *testing.T) {
	// Four CONNECTs per second per client ID: a probe right after the echo is
	// refused unless it waits out the 250 ms the target asks for.
	limits := localiot.Limits{ProvisionDelayMin: 5 * time.Millisecond, ProvisionDelayMax: 5 * time.Millisecond,
		ConnectsPerClientIDPerSecond: 4}
	srv, ca := standIn(t, localiot.Config{AWSLimits: true, Limits: &limits})
	s := testScenario(t, "devices: {count: 1, name_pattern: \"gap-{index:03}\"}\ndevice: {backoff: 300ms, timeout: 5s}\n")
	tests := []struct {
		name     string
		index    int
		gap      time.Duration
		violated bool
	}{
		{"probe at once is throttled", 1, 0, true},
		{"probe after the interval is accepted", 2, 250 * time.Millisecond, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := newDevice(t, s, ca, srv, tt.index)
			d.Target.ClientIDConnectInterval = tt.gap
			obs := d.Run(context.Background())
			require.Equal(t, report.OutcomeProvisioned, obs.Outcome, obs.Reason)
			assert.True(t, obs.IdempotencyChecked)
			assert.Equal(t, tt.violated, obs.IdempotencyViolated, obs.Reason)
			assert.GreaterOrEqual(t, obs.Durations[report.PhaseTotal]-obs.Durations[report.PhaseProvision], tt.gap)
		})
	}
}
