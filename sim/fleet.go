package sim

import (
	"context"
	"crypto/tls"
	"math"
	"net"
	"net/netip"
	"sync"
	"sync/atomic"
	"time"

	"github.com/jitpsim/jitpsim/report"
	"github.com/jitpsim/jitpsim/scenario"
	"github.com/jitpsim/jitpsim/sim/pki"
)

// Fleet starts the scenario's devices. In the open model (the default) device
// n starts at its due time on the schedule whether or not earlier devices have
// finished, so a slow target shows up as latency rather than as a lower rate;
// a start due while the in-flight cap is reached is dropped and counted, never
// delayed. In the closed model a fixed number of devices run at a time.
//
// With Shard set the fleet is one shard of a run spread over processes: it
// runs the devices at the whole fleet's positions Shard.Index,
// Shard.Index+Shard.Count, ... at the whole fleet's due times (shard.go), so
// shards given the same Start reproduce the whole run's schedule.
type Fleet struct {
	// Scenario gives the device count, arrival model and behaviour.
	Scenario *scenario.Scenario
	// Identities supplies each device's key and certificate.
	Identities *Identities
	// Target is where devices connect.
	Target Target
	// Recorder receives one observation per device.
	Recorder *report.Recorder
	// OnDevice, when set, is called with the identity and the observation of
	// every device that had an identity, as it finishes; calls are concurrent.
	OnDevice func(id *pki.Identity, obs report.Observation)
	// Shard, when set, makes the fleet one shard of the scenario's fleet;
	// nil (or a count of 1) runs the whole fleet.
	Shard *report.Shard
	// Start, when set, is the moment the schedule counts from instead of the
	// call to Run: no device starts before it (the closed model waits for it
	// too) while the first identities are minted. Shards given the same Start
	// keep one schedule. A Start already past when Run is called counts as
	// the call itself: a late shard runs its schedule late rather than
	// starting every overdue device at once.
	Start time.Time

	tlsOnce  sync.Once
	tls      *tls.Config
	holding  atomic.Int64
	started  atomic.Int64
	dropped  atomic.Int64
	inFlight atomic.Int64
	peak     atomic.Int64
}

// clientTLS returns the TLS configuration all the fleet's devices share.
func (f *Fleet) clientTLS() *tls.Config {
	f.tlsOnce.Do(func() { f.tls = f.Target.ClientTLS(f.Scenario.Device.TLS) })
	return f.tls
}

// Holding returns how many devices are in the hold phase now.
func (f *Fleet) Holding() int { return int(f.holding.Load()) }

// PeakInFlight returns the most devices that ran at the same time.
func (f *Fleet) PeakInFlight() int { return int(f.peak.Load()) }

// Started returns how many devices have started so far.
func (f *Fleet) Started() int { return int(f.started.Load()) }

// DroppedStarts returns how many due starts were skipped at the in-flight cap.
func (f *Fleet) DroppedStarts() int { return int(f.dropped.Load()) }

// InFlight returns how many devices are running now.
func (f *Fleet) InFlight() int { return int(f.inFlight.Load()) }

// Planned returns how many devices the run will try to start: the device
// count, or fewer when a ramp's stages end first; for a shard, its own part
// of that.
func (f *Fleet) Planned() int {
	return PlannedShardStarts(f.Scenario, f.Shard)
}

// PlannedStarts returns how many devices a scenario's whole (unsharded) run
// will try to start; PlannedShardStarts gives one shard's part.
func PlannedStarts(s *scenario.Scenario) int {
	count := s.Devices.Count
	sched := ScheduleFor(s.Arrival)
	if sched == nil {
		return count
	}
	if _, ok := sched.Due(count - 1); ok {
		return count
	}
	// The schedule ends first: find its last start by bisection.
	lo, hi := 0, count-1 // Due(lo) may fail too when the schedule is empty
	if _, ok := sched.Due(0); !ok {
		return 0
	}
	for lo+1 < hi {
		mid := (lo + hi) / 2
		if _, ok := sched.Due(mid); ok {
			lo = mid
		} else {
			hi = mid
		}
	}
	return lo + 1
}

// ScheduleFor returns the open-model schedule of an arrival section, or nil
// for the closed model.
func ScheduleFor(a scenario.Arrival) Schedule {
	switch {
	case a.Model == scenario.ModelClosed:
		return nil
	case len(a.Stages) > 0:
		r := Ramp{StartRate: a.StartRate}
		for _, st := range a.Stages {
			r.Stages = append(r.Stages, Stage{Duration: st.Duration, Rate: st.Rate})
		}
		return r
	case a.Burst != nil:
		return Burst{Size: a.Burst.Size, Every: a.Burst.Every}
	}
	return ConstantRate{Rate: a.Rate}
}

// mintAhead is how many identities the fleet keeps minted ahead of starts:
// about one second of the shard's arrivals, at least a few per core, at most
// 4096. a is the shard's arrival (ShardArrival), so the closed model's
// concurrency is its share already; an open schedule is the whole fleet's,
// of which the shard starts 1/shards.
func mintAhead(a scenario.Arrival, planned, shards int) int {
	n := float64(max(shards, 1))
	var want float64
	switch {
	case a.Model == scenario.ModelClosed:
		want = float64(2 * a.Concurrency)
	case len(a.Stages) > 0:
		want = a.StagesPeak() / n
	case a.Burst != nil:
		want = float64(2*a.Burst.Size) / n
	default:
		want = a.Rate / n
	}
	return max(1, min(max(int(math.Ceil(want)), 16), 4096, planned))
}

// Run starts the devices and waits for all of them. When ctx is cancelled it
// starts no more devices, lets the running ones end with an interrupted
// outcome, and returns ctx's error.
func (f *Fleet) Run(ctx context.Context) error {
	s := f.Scenario
	if err := CheckShard(s, f.Shard); err != nil {
		return err
	}
	planned := f.Planned()
	if planned == 0 {
		return nil
	}
	k, n := shardOf(f.Shard)
	arrival := ShardArrival(s.Arrival, f.Shard)
	sources, err := sourceAddrs(s.Target.SourceAddresses)
	if err != nil {
		return err
	}
	mctx, stopMinting := context.WithCancel(ctx)
	defer stopMinting()
	ids := f.Identities.stream(mctx, s.Devices.FirstIndex+k, n, planned, mintAhead(arrival, planned, n))

	var wg sync.WaitGroup
	launch := func(pos int, m minted, due time.Time, timed bool, done func()) {
		f.started.Add(1)
		now := f.inFlight.Add(1)
		for p := f.peak.Load(); now > p && !f.peak.CompareAndSwap(p, now); p = f.peak.Load() {
		}
		wg.Add(1)
		f.startOne(ctx, m, pick(sources, pos), func(obs report.Observation) {
			if timed {
				// Scheduler lag runs to the moment the device's own
				// goroutine started, so a slow goroutine start counts too.
				obs.Set(report.PhaseSchedulerLag, max(0, obs.Start.Sub(due)))
			}
			if f.OnDevice != nil && m.id != nil {
				f.OnDevice(m.id, obs)
			}
			f.Recorder.Record(obs)
			f.inFlight.Add(-1)
			done()
			wg.Done()
		})
	}
	if arrival.Model == scenario.ModelClosed {
		f.runClosed(ctx, ids, arrival.Concurrency, launch)
	} else {
		f.runOpen(ctx, ids, planned, arrival.MaxInFlight, launch)
	}
	wg.Wait()
	return ctx.Err()
}

// runOpen starts the shard's planned devices at the whole fleet's due times
// of their positions (ShardDue); limit caps the devices in flight (0: none).
func (f *Fleet) runOpen(ctx context.Context, ids <-chan minted, planned, limit int, launch launchFunc) {
	sched := ScheduleFor(f.Scenario.Arrival)
	start := time.Now()
	if f.Start.After(start) {
		start = f.Start
	}
	timer := time.NewTimer(0)
	defer timer.Stop()
	for p := 0; p < planned; p++ {
		offset, ok := ShardDue(sched, f.Shard, p)
		if !ok {
			return
		}
		due := start.Add(offset)
		if wait := time.Until(due); wait > 0 {
			timer.Reset(wait)
			select {
			case <-timer.C:
			case <-ctx.Done():
				return
			}
		}
		var m minted
		select {
		case m = <-ids:
		case <-ctx.Done():
			return
		}
		if limit > 0 && f.inFlight.Load() >= int64(limit) {
			f.dropped.Add(1)
			continue
		}
		launch(p, m, due, true, func() {})
	}
}

// launchFunc starts the fleet's p-th device (counting the shard's devices
// only) with identity m; done runs when it has finished.
type launchFunc func(p int, m minted, due time.Time, timed bool, done func())

// runClosed keeps `concurrency` devices running until every identity is
// used: a slot frees when a device finishes and the next one starts at once.
func (f *Fleet) runClosed(ctx context.Context, ids <-chan minted, concurrency int, launch launchFunc) {
	if !SleepUntil(ctx, f.Start) {
		return
	}
	slots := make(chan struct{}, concurrency)
	release := func() { <-slots }
	for p := 0; ; p++ {
		select {
		case slots <- struct{}{}:
		case <-ctx.Done():
			return
		}
		var m minted
		var ok bool
		select {
		case m, ok = <-ids:
		case <-ctx.Done():
			return
		}
		if !ok {
			return
		}
		launch(p, m, time.Time{}, false, release)
	}
}

// startOne starts the device of identity m; done receives its observation.
func (f *Fleet) startOne(ctx context.Context, m minted, local net.Addr, done func(report.Observation)) {
	name := f.Scenario.DeviceName(m.index)
	if m.err != nil {
		done(report.Observation{Index: m.index, Name: name, Start: time.Now(),
			Outcome: report.OutcomeError, Reason: m.err.Error()})
		return
	}
	d := Device{
		Index:      m.index,
		Name:       name,
		Identity:   m.id,
		ExpectDrop: m.fresh,
		Target:     f.Target,
		Behaviour:  f.Scenario.Device,
		LocalAddr:  local,
		Holding:    &f.holding,
		TLSConfig:  f.clientTLS(),
	}
	d.Start(ctx, done)
}

// sourceAddrs expands the scenario's source address list.
func sourceAddrs(specs []string) ([]net.Addr, error) {
	var out []net.Addr
	for _, spec := range specs {
		addrs, err := scenario.ParseAddresses(spec)
		if err != nil {
			return nil, err
		}
		for _, a := range addrs {
			out = append(out, net.TCPAddrFromAddrPort(netip.AddrPortFrom(a, 0)))
		}
	}
	return out, nil
}

// pick returns the n-th source address round robin, or nil when there are
// none. The fleet counts its own devices, so every shard uses every address.
func pick(addrs []net.Addr, n int) net.Addr {
	if len(addrs) == 0 {
		return nil
	}
	return addrs[n%len(addrs)]
}

// SleepUntil waits until t and reports true, or returns false as soon as ctx
// is done. A zero or past t returns true at once (unless ctx is done).
func SleepUntil(ctx context.Context, t time.Time) bool {
	if ctx.Err() != nil {
		return false
	}
	wait := time.Until(t)
	if t.IsZero() || wait <= 0 {
		return true
	}
	timer := time.NewTimer(wait)
	defer timer.Stop()
	select {
	case <-timer.C:
		return true
	case <-ctx.Done():
		return false
	}
}
