package main

import (
	"context"
	"fmt"
	"io"
	"path/filepath"
	"strings"
	"time"

	"github.com/jitpsim/jitpsim/report"
	"github.com/jitpsim/jitpsim/scenario"
	"github.com/jitpsim/jitpsim/sim"
)

// checkShard says why the scenario cannot run as the shard, or nil.
func checkShard(s *scenario.Scenario, sh *report.Shard) error {
	if sh == nil {
		return nil
	}
	if s.Capacity != nil {
		return fmt.Errorf("shard %d/%d: a capacity ramp runs in one process, since its steps stop at the first that breaks a gate "+
			"and shards would each stop at their own; run it without --shard (or "+envShardCount+")", sh.Index, sh.Count)
	}
	return sim.CheckShard(s, sh)
}

// shardOutDir is where a shard writes its outputs when --out is not given:
// SCENARIO-shard-I-of-N in the working directory, named after the scenario
// file, so that shards on one machine do not overwrite each other.
func shardOutDir(s *scenario.Scenario, sh *report.Shard) string {
	base := strings.TrimSuffix(filepath.Base(s.File), filepath.Ext(s.File))
	if base == "" || base == "." {
		base = "jitpsim"
	}
	return fmt.Sprintf("%s-shard-%d-of-%d", base, sh.Index, sh.Count)
}

// startLine is the run's first line: what starts, how fast, against what.
// A shard says which it is and its part of the whole fleet and rate.
func startLine(s *scenario.Scenario, f *sim.Fleet, embedded bool, where string) string {
	sh := f.Shard
	if sh == nil {
		return fmt.Sprintf("jitpsim: %s: %d devices %s against %s", s.Name, sim.PlannedStarts(s), pace(s.Arrival), where)
	}
	line := fmt.Sprintf("jitpsim: %s: shard %d/%d: %d of %d devices %s against %s",
		s.Name, sh.Index, sh.Count, f.Planned(), sim.PlannedStarts(s), shardPace(s.Arrival, sh), where)
	if embedded {
		line += " (each shard has its own embedded stand-in; for one shared target use jitpsim serve or an aws target)"
	}
	return line
}

// pace describes the whole fleet's arrival: its rate, ramp, bursts or concurrency.
func pace(a scenario.Arrival) string {
	switch {
	case a.Model == scenario.ModelClosed:
		return fmt.Sprintf("%d at a time", a.Concurrency)
	case len(a.Stages) > 0:
		return fmt.Sprintf("on %d ramp stages from %g/s, up to %g/s", len(a.Stages), a.StartRate, a.StagesPeak())
	case a.Burst != nil:
		return fmt.Sprintf("in bursts of %d every %s", a.Burst.Size, a.Burst.Every)
	}
	p := fmt.Sprintf("at %g/s", a.Rate)
	if a.MaxInFlight > 0 {
		p += fmt.Sprintf(", at most %d in flight", a.MaxInFlight)
	}
	return p
}

// shardPace describes a shard's part of the whole fleet's arrival.
func shardPace(a scenario.Arrival, sh *report.Shard) string {
	n := float64(sh.Count)
	switch {
	case a.Model == scenario.ModelClosed:
		return fmt.Sprintf("%d at a time of %d", sim.ShardArrival(a, sh).Concurrency, a.Concurrency)
	case len(a.Stages) > 0:
		peak := a.StagesPeak()
		return fmt.Sprintf("on every %s start of the ramp stages (up to %.4g/s of %g/s)", ordinal(sh.Count), peak/n, peak)
	case a.Burst != nil:
		return fmt.Sprintf("in about 1/%d of each burst of %d every %s", sh.Count, a.Burst.Size, a.Burst.Every)
	}
	pace := fmt.Sprintf("at %.4g/s of %g/s", a.Rate/n, a.Rate)
	if a.MaxInFlight > 0 {
		pace += fmt.Sprintf(", at most %d of %d in flight", sim.ShardArrival(a, sh).MaxInFlight, a.MaxInFlight)
	}
	return pace
}

// ordinal returns "2nd", "3rd", "4th", ...
func ordinal(n int) string {
	suffix := "th"
	if n%100 < 11 || n%100 > 13 {
		switch n % 10 {
		case 1:
			suffix = "st"
		case 2:
			suffix = "nd"
		case 3:
			suffix = "rd"
		}
	}
	return fmt.Sprintf("%d%s", n, suffix)
}

// announceStart says in one line that the run waits until --start-at, or
// that the start time has passed (by less than the minute parseStartAt
// allows), so the run starts now and runs its schedule that much late.
func announceStart(at time.Time, quiet bool, stderr io.Writer) {
	if quiet {
		return
	}
	when := at.UTC().Format(time.RFC3339Nano)
	if wait := time.Until(at); wait > 0 {
		fmt.Fprintf(stderr, "jitpsim: waiting until %s to start (in %s)\n", when, wait.Round(100*time.Millisecond))
	} else {
		fmt.Fprintf(stderr, "jitpsim: the start time %s passed %s ago: starting now, that much behind a shard that started on time\n",
			when, (-wait).Round(time.Millisecond))
	}
}

// progressFrom starts the progress lines (start) at the moment at, or at
// once when at is zero or past, so that no line shows the wait; the returned
// function stops them, also when the wait has not ended.
func progressFrom(ctx context.Context, at time.Time, start func() func()) func() {
	if time.Until(at) <= 0 {
		return start()
	}
	wctx, cancel := context.WithCancel(ctx)
	var stop func()
	done := make(chan struct{})
	go func() {
		defer close(done)
		if sim.SleepUntil(wctx, at) {
			stop = start()
		}
	}()
	return func() {
		cancel()
		<-done
		if stop != nil {
			stop()
		}
	}
}
