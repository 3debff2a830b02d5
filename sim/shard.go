package sim

import (
	"fmt"
	"time"

	"github.com/jitpsim/jitpsim/report"
	"github.com/jitpsim/jitpsim/scenario"
)

// Sharding by segment (as k6's execution segments): shard k of n runs the
// devices at the whole fleet's positions g = k, k+n, k+2n, ... (g counts
// from 0; the device index is devices.first_index + g), each at the time the
// whole fleet's schedule gives position g. Shards started at the same moment
// therefore reproduce the whole run's schedule exactly, for a constant rate,
// ramp stages and bursts alike, with no coordinator and no rate divided.
// Concurrency (closed model) and the in-flight cap are split: shard k gets
// total/n, plus one when k < total%n.
//
// A shard whose Fleet.Start has passed when it runs (a pod that came up
// late) runs its schedule that much late rather than starting its overdue
// devices at once: such a catch-up burst loads the target with starts the
// scenario never asked for (a shard 5 s late at 200/s fired 1,000 starts at
// once and lost 817 echoes on a 2-core machine that the same shard on time
// took without a failure).

// shardOf returns the shard's index and count: 0 and 1 for the whole fleet.
func shardOf(sh *report.Shard) (k, n int) {
	if sh == nil || sh.Count <= 1 {
		return 0, 1
	}
	return sh.Index, sh.Count
}

// ShardPosition returns the whole fleet's position of the shard's p-th device.
func ShardPosition(sh *report.Shard, p int) int {
	k, n := shardOf(sh)
	return p*n + k
}

// ShardSize returns how many of the positions 0..whole-1 belong to the shard.
func ShardSize(whole int, sh *report.Shard) int {
	k, n := shardOf(sh)
	if whole <= k {
		return 0
	}
	return (whole - k + n - 1) / n
}

// ShareOf returns the shard's share of a total such as the closed model's
// concurrency: total/n, plus one for the first total%n shards.
func ShareOf(total int, sh *report.Shard) int {
	k, n := shardOf(sh)
	share := total / n
	if k < total%n {
		share++
	}
	return share
}

// PlannedShardStarts returns how many devices the shard's run will try to
// start: its positions below the whole fleet's PlannedStarts.
func PlannedShardStarts(s *scenario.Scenario, sh *report.Shard) int {
	return ShardSize(PlannedStarts(s), sh)
}

// ShardArrival returns the arrival limits the shard runs with: its share of
// the closed model's concurrency and of the open model's max_in_flight (at
// least 1 when set). The schedule itself is the whole fleet's (see Fleet).
func ShardArrival(a scenario.Arrival, sh *report.Shard) scenario.Arrival {
	if a.Concurrency > 0 {
		a.Concurrency = max(ShareOf(a.Concurrency, sh), 1)
	}
	if a.MaxInFlight > 0 {
		a.MaxInFlight = max(ShareOf(a.MaxInFlight, sh), 1)
	}
	return a
}

// CheckShard returns one line saying what is wrong when the scenario cannot
// run as the given shard, or nil (always nil for the whole fleet: nil or 0/1).
func CheckShard(s *scenario.Scenario, sh *report.Shard) error {
	if sh == nil || (sh.Index == 0 && sh.Count == 1) {
		return nil // the whole fleet
	}
	if sh.Count < 1 || sh.Index < 0 || sh.Index >= sh.Count {
		return fmt.Errorf("shard %d/%d: want I/N with N at least 1 and I from 0 to N-1", sh.Index, sh.Count)
	}
	if s.Arrival.Model == scenario.ModelClosed && s.Arrival.Concurrency < sh.Count {
		return fmt.Errorf("shard %d/%d: arrival.concurrency %d is less than the %d shards and every shard needs at least one device running: "+
			"use at most %d shards or raise arrival.concurrency", sh.Index, sh.Count, s.Arrival.Concurrency, sh.Count, s.Arrival.Concurrency)
	}
	if whole := PlannedStarts(s); ShardSize(whole, sh) == 0 {
		return fmt.Errorf("shard %d/%d has no device: the run plans %d device starts in all; use at most %d shards",
			sh.Index, sh.Count, whole, max(whole, 1))
	}
	return nil
}

// ShardDue returns when the shard's p-th device is due, from the start of
// the run: the whole fleet's schedule time of its position p*n+k.
func ShardDue(sched Schedule, sh *report.Shard, p int) (time.Duration, bool) {
	return sched.Due(ShardPosition(sh, p))
}
