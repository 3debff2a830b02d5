package main

import (
	"context"
	"fmt"
	"io"

	"github.com/jitpsim/jitpsim/report"
	"github.com/jitpsim/jitpsim/scenario"
	"github.com/jitpsim/jitpsim/sim"
)

// runExtras are the parts of a run around the fleet: a capacity ramp in place
// of the single fleet, live Prometheus metrics and the abort_on_fail watcher.
type runExtras struct {
	s           *scenario.Scenario
	fleet       *sim.Fleet
	ramp        *ramp
	src         liveSource
	stopMetrics func()
}

// startExtras prepares the ramp (for a capacity scenario) and starts the
// metrics server (with --metrics-addr); where names the target for the log.
func startExtras(o runOptions, s *scenario.Scenario, fleet *sim.Fleet, where string, stderr io.Writer) (*runExtras, error) {
	x := &runExtras{s: s, fleet: fleet, src: fleet, stopMetrics: func() {}}
	var log io.Writer
	if !o.quiet {
		log = stderr
	}
	if x.ramp = newRamp(s, fleet, log); x.ramp != nil {
		x.src = x.ramp
		if log != nil {
			c := s.Capacity
			fmt.Fprintf(log, "jitpsim: %s: capacity ramp of up to %d steps of %s, from %g/s by %g/s up to %g/s until a gate breaks, "+
				"against %s\n",
				s.Name, len(c.Steps(s.Devices.FirstIndex)), c.StepDuration, c.StartRate, c.StepRate, c.MaxRate, where)
		}
	}
	if o.metricsAddr != "" {
		addr, stop, err := startMetrics(o.metricsAddr, s.Name, x.src, fleet.Recorder, fleet.Planned())
		if err != nil {
			return nil, usageError{err}
		}
		x.stopMetrics = stop
		if log != nil {
			fmt.Fprintf(log, "jitpsim: Prometheus metrics at http://%s/metrics\n", addr)
		}
	}
	return x, nil
}

// run runs the ramp, or the fleet under the abort watcher, and returns the
// gate that aborted the run, if any.
func (x *runExtras) run(ctx context.Context) (aborted string) {
	if x.ramp != nil {
		x.ramp.Run(ctx)
		return ""
	}
	wctx, stop := watchGates(ctx, x.s.AbortOnFail, x.s.Gates, x.fleet.Recorder, x.fleet.Planned())
	_ = x.fleet.Run(wctx)
	return stop()
}

// finish puts a ramp's result into the run's summary, after the gates were evaluated.
func (x *runExtras) finish(sum *report.Summary) {
	if x.ramp != nil {
		x.ramp.apply(sum)
	}
}

// stop stops the metrics server.
func (x *runExtras) stop() { x.stopMetrics() }
