package main

import (
	"context"
	"fmt"
	"io"
	"path/filepath"
	"time"

	"github.com/jitpsim/jitpsim/report"
	"github.com/jitpsim/jitpsim/scenario"
	"github.com/jitpsim/jitpsim/sim"
	"github.com/jitpsim/jitpsim/sim/localiot"
	"github.com/jitpsim/jitpsim/sim/localiot/template"
	"github.com/jitpsim/jitpsim/sim/pki"
)

// embeddedTarget is the local AWS IoT stand-in started inside the process,
// with the CA registered directly (no control-plane API).
type embeddedTarget struct {
	s      *scenario.Scenario
	state  string
	srv    *localiot.Server
	closed bool
	before localiot.Stats
	after  localiot.Stats
}

// start starts the stand-in (keeping its registry in STATE/localiot with
// --state) and registers the CA with the template.
func (t *embeddedTarget) start(_ context.Context, ca *pki.CA, tmpl *template.Template) (sim.Target, error) {
	tg := t.s.Target
	cfg := localiot.Config{ProvisionDelay: tg.ProvisionDelay}
	if tg.AWSLimits {
		useAWSLimits(&cfg, tg.ProvisionDelay, tg.ProvisionDelaySet)
	}
	if t.state != "" {
		cfg.StateDir = filepath.Join(t.state, "localiot")
	}
	srv, err := localiot.New(cfg)
	if err != nil {
		return sim.Target{}, fmt.Errorf("local AWS IoT stand-in: %w", err)
	}
	if err := srv.Start(); err != nil {
		_ = srv.Close()
		return sim.Target{}, fmt.Errorf("local AWS IoT stand-in: %w", err)
	}
	t.srv = srv
	if _, err := srv.RegisterCA(ca.Cert, tmpl, true); err != nil {
		return sim.Target{}, fmt.Errorf("register CA with the stand-in: %w", err)
	}
	t.before = srv.Stats()
	where := sim.Target{Addr: srv.Addr(), ServerName: srv.ServerName(), RootCAs: srv.RootCAs()}
	if tg.AWSLimits {
		where.ClientIDConnectInterval = clientIDConnectInterval(cfg)
	}
	return where, nil
}

// describe names the stand-in and its address, and says when AWS's limits are on.
func (t *embeddedTarget) describe() string {
	d := "the embedded AWS IoT stand-in on " + t.srv.Addr()
	if t.s.Target.AWSLimits {
		d += " with AWS IoT's limits"
	}
	return d
}

// useAWSLimits turns on the stand-in's AWS-like limits in cfg: AWS's defaults
// (localiot.DefaultLimits), with the provisioning delay fixed at delay instead
// of AWS's 1-3 s when delaySet (serve --provision-delay, a scenario's
// target.provision_delay).
func useAWSLimits(cfg *localiot.Config, delay time.Duration, delaySet bool) {
	cfg.AWSLimits = true
	if delaySet {
		l := localiot.DefaultLimits()
		l.ProvisionDelayMin, l.ProvisionDelayMax = delay, delay
		cfg.Limits = &l
	}
}

// clientIDConnectInterval is the least time the limits of cfg allow between two
// CONNECTs with the same client ID (AWS: one per second), 0 for no limit.
func clientIDConnectInterval(cfg localiot.Config) time.Duration {
	l := localiot.DefaultLimits()
	if cfg.Limits != nil {
		l = *cfg.Limits
	}
	if !cfg.AWSLimits || l.ConnectsPerClientIDPerSecond <= 0 {
		return 0
	}
	return time.Duration(float64(time.Second) / l.ConnectsPerClientIDPerSecond)
}

// onDevice needs no hook: the stand-in's counters tell what was created.
func (t *embeddedTarget) onDevice() func(*pki.Identity, report.Observation) { return nil }

// stop closes the stand-in (finishing its provisioning runs) and returns its counters.
func (t *embeddedTarget) stop(stderr io.Writer) map[string]int64 {
	t.closed = true
	if err := t.srv.Close(); err != nil {
		fmt.Fprintf(stderr, "jitpsim: closing the stand-in: %v\n", err)
	}
	t.after = t.srv.Stats()
	return targetCounters(t.before, t.after, t.s.Target.AWSLimits)
}

// check adds the count of things created twice.
func (t *embeddedTarget) check(_ context.Context, sum *report.Summary, _ io.Writer) error {
	checkThingsCreated(sum, t.before, t.after)
	return nil
}

// close stops the stand-in if stop did not.
func (t *embeddedTarget) close() {
	if t.srv != nil && !t.closed {
		t.closed = true
		_ = t.srv.Close()
	}
}
