package sim

import (
	"context"
	"sync"
	"sync/atomic"
	"time"

	"github.com/jitpsim/jitpsim/report"
	"github.com/jitpsim/jitpsim/scenario"
)

// Fleet starts the scenario's devices on an open arrival schedule: device i
// starts at i/rate seconds after the first, whether or not earlier devices
// have finished, so a slow target shows up as latency rather than as a lower
// rate.
type Fleet struct {
	// Scenario gives the device count, rate and behaviour.
	Scenario *scenario.Scenario
	// Identities supplies each device's key and certificate.
	Identities *Identities
	// Target is where devices connect.
	Target Target
	// Recorder receives one observation per device.
	Recorder *report.Recorder

	started atomic.Int64
}

// Started returns how many devices have started so far.
func (f *Fleet) Started() int { return int(f.started.Load()) }

// Run starts every device and waits for all of them. When ctx is cancelled
// it starts no more devices, lets the running ones end with an interrupted
// outcome, and returns ctx's error.
func (f *Fleet) Run(ctx context.Context) error {
	s := f.Scenario
	count := s.Devices.Count
	interval := time.Duration(float64(time.Second) / s.Arrival.Rate)
	// Keep about one second of arrivals minted ahead, at least a few per core.
	ahead := min(max(int(s.Arrival.Rate), 16), 4096, count)
	mctx, stopMinting := context.WithCancel(ctx)
	defer stopMinting()
	ids := f.Identities.stream(mctx, s.Devices.FirstIndex, count, ahead)

	var wg sync.WaitGroup
	start := time.Now()
	timer := time.NewTimer(0)
	defer timer.Stop()
loop:
	for i := 0; i < count; i++ {
		due := start.Add(time.Duration(i) * interval)
		if wait := time.Until(due); wait > 0 {
			timer.Reset(wait)
			select {
			case <-timer.C:
			case <-ctx.Done():
				break loop
			}
		}
		var m minted
		select {
		case m = <-ids:
		case <-ctx.Done():
			break loop
		}
		f.started.Add(1)
		wg.Add(1)
		go func() {
			defer wg.Done()
			lag := time.Since(due)
			obs := f.runOne(ctx, m)
			obs.Set(report.PhaseSchedulerLag, lag)
			f.Recorder.Record(obs)
		}()
	}
	wg.Wait()
	return ctx.Err()
}

func (f *Fleet) runOne(ctx context.Context, m minted) report.Observation {
	name := f.Scenario.DeviceName(m.index)
	if m.err != nil {
		return report.Observation{Index: m.index, Name: name, Start: time.Now(),
			Outcome: report.OutcomeError, Reason: m.err.Error()}
	}
	d := Device{
		Index:      m.index,
		Name:       name,
		Identity:   m.id,
		ExpectDrop: m.fresh,
		Target:     f.Target,
		Behaviour:  f.Scenario.Device,
	}
	return d.Run(ctx)
}
