package main

import (
	"context"
	"fmt"
	"io"
	"strings"
	"sync"
	"time"

	"github.com/jitpsim/jitpsim/report"
	"github.com/jitpsim/jitpsim/scenario"
	"github.com/jitpsim/jitpsim/sim"
)

// ramp runs a scenario's capacity section: one fleet per step, all against
// the same target, each with fresh device indices and its own recorder that
// tees into the whole run's. It stops after the first step that breaks a gate
// or does not keep up, or after max_rate.
type ramp struct {
	s      *scenario.Scenario
	base   *sim.Fleet // target, CA, identity store and the run's recorder
	log    io.Writer  // one line per step; nil for none
	abort  bool       // abort_on_fail: cut a step short once a gate can no longer pass
	result report.Capacity

	mu      sync.Mutex
	current *sim.Fleet
	started int // devices started by finished steps
	dropped int
	planned int // devices planned by the steps that ran
}

// newRamp returns the ramp of a capacity scenario, or nil for any other.
func newRamp(s *scenario.Scenario, base *sim.Fleet, log io.Writer) *ramp {
	if s.Capacity == nil {
		return nil
	}
	return &ramp{s: s, base: base, log: log, abort: s.AbortOnFail}
}

// Started returns the devices started so far over every step.
func (r *ramp) Started() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	n := r.started
	if r.current != nil {
		n += r.current.Started()
	}
	return n
}

// InFlight returns the devices of the current step running now.
func (r *ramp) InFlight() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.current == nil {
		return 0
	}
	return r.current.InFlight()
}

// Run runs the steps until one is not within the gates, the last step, or
// ctx is cancelled, and returns the ramp's result with its knee.
func (r *ramp) Run(ctx context.Context) *report.Capacity {
	c := r.s.Capacity
	r.result = report.Capacity{StepDurationS: c.StepDuration.Seconds(), MinAchieved: c.MinAchieved,
		Steps: []report.CapacityStep{}}
	steps := c.Steps(r.s.Devices.FirstIndex)
	r.result.Stopped = fmt.Sprintf("every step up to max_rate %g/s stayed within the gates", c.MaxRate)
	for i, st := range steps {
		cs := r.runStep(ctx, i+1, st)
		r.result.Steps = append(r.result.Steps, cs)
		if r.log != nil {
			fmt.Fprintf(r.log, "jitpsim: capacity step %d: %.1f/s offered, %.1f/s achieved, provision p99 %.1fms, %.1f%% errors: %s\n",
				cs.Step, cs.OfferedRate, cs.AchievedRate, cs.ProvisionP99, cs.ErrorPct, stepVerdict(cs))
		}
		if ctx.Err() != nil {
			r.result.Stopped = fmt.Sprintf("interrupted in step %d", cs.Step)
			break
		}
		if !cs.Within {
			r.result.Stopped = fmt.Sprintf("step %d (%.1f/s offered) broke the gates: %s", cs.Step, cs.OfferedRate, stepVerdict(cs))
			break
		}
	}
	r.result.Finish()
	return &r.result
}

// runStep runs one step as its own fleet and evaluates it alone.
func (r *ramp) runStep(ctx context.Context, n int, st scenario.CapacityStep) report.CapacityStep {
	ss := *r.s
	ss.Capacity = nil
	ss.Devices.Count = st.Devices
	ss.Devices.FirstIndex = st.FirstIndex
	ss.Arrival.Rate = st.Rate
	rec := report.NewRecorder(report.Tee(r.base.Recorder))
	fleet := &sim.Fleet{
		Scenario:   &ss,
		Identities: &sim.Identities{CA: r.base.Identities.CA, Scenario: &ss, Store: r.base.Identities.Store},
		Target:     r.base.Target,
		Recorder:   rec,
	}
	r.mu.Lock()
	r.current = fleet
	r.planned += fleet.Planned()
	r.mu.Unlock()

	start := time.Now()
	sctx, stopWatch := watchGates(ctx, r.abort, r.s.Gates, rec, fleet.Planned())
	_ = fleet.Run(sctx)
	aborted := stopWatch()
	sum := rec.Summarize(report.Meta{Scenario: fmt.Sprintf("%s step %d", r.s.Name, n), Planned: fleet.Planned(),
		Started: fleet.Started(), DroppedStarts: fleet.DroppedStarts(), Duration: time.Since(start),
		Interrupted: ctx.Err() != nil, Aborted: aborted})

	r.mu.Lock()
	r.current = nil
	r.started += fleet.Started()
	r.dropped += fleet.DroppedStarts()
	r.mu.Unlock()
	return report.NewCapacityStep(n, st.Rate, sum, r.s.Gates, r.s.Capacity.MinAchieved)
}

// apply puts the ramp's result and device counts into the run's summary.
func (r *ramp) apply(sum *report.Summary) {
	r.mu.Lock()
	sum.Devices.Planned, sum.Devices.Started, sum.Devices.DroppedStarts = r.planned, r.started, r.dropped
	r.mu.Unlock()
	sum.ApplyCapacity(&r.result)
}

func stepVerdict(cs report.CapacityStep) string {
	if cs.Within {
		return "within"
	}
	return strings.Join(cs.Failures, "; ")
}
