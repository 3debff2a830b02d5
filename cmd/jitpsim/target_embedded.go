package main

import (
	"context"
	"fmt"
	"io"
	"path/filepath"

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
	cfg := localiot.Config{ProvisionDelay: t.s.Target.ProvisionDelay}
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
	return sim.Target{Addr: srv.Addr(), ServerName: srv.ServerName(), RootCAs: srv.RootCAs()}, nil
}

// describe names the stand-in and its address.
func (t *embeddedTarget) describe() string {
	return "the embedded AWS IoT stand-in on " + t.srv.Addr()
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
	return targetCounters(t.before, t.after)
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
