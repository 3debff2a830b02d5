package sim

import (
	"fmt"
	"math"
	"os"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/jitpsim/jitpsim/report"
	"github.com/jitpsim/jitpsim/scenario"
)

// fdReserve is the file descriptors kept for the process itself: listeners,
// output files, the Go runtime.
const fdReserve = 64

// Limits are the operating-system limits a run's concurrency must fit in.
type Limits struct {
	// OpenFiles is the soft limit on open file descriptors (RLIMIT_NOFILE).
	OpenFiles uint64
	// EphemeralPorts is the size of the local port range that outgoing
	// connections from one source address to one destination can use.
	EphemeralPorts int
}

// SystemLimits reads the process's file limit and the ephemeral port range.
func SystemLimits() (Limits, error) {
	var rl syscall.Rlimit
	if err := syscall.Getrlimit(syscall.RLIMIT_NOFILE, &rl); err != nil {
		return Limits{}, fmt.Errorf("read the open-files limit: %w", err)
	}
	l := Limits{OpenFiles: rl.Cur, EphemeralPorts: 28232} // Linux's default 32768-60999
	if data, err := os.ReadFile("/proc/sys/net/ipv4/ip_local_port_range"); err == nil {
		if f := strings.Fields(string(data)); len(f) == 2 {
			lo, err1 := strconv.Atoi(f[0])
			hi, err2 := strconv.Atoi(f[1])
			if err1 == nil && err2 == nil && hi >= lo {
				l.EphemeralPorts = hi - lo + 1
			}
		}
	}
	return l, nil
}

// CapacityPlan is what a run needs from the operating system.
type CapacityPlan struct {
	// InFlight is the most devices expected to be connected at once (in this
	// process: for a shard, the shard's devices).
	InFlight int
	// FDsPerDevice is 2 when the target serves in this process (the embedded
	// stand-in holds the other end of every connection), else 1.
	FDsPerDevice int
	// Sources is the number of source addresses devices dial from (at least 1).
	Sources int
	// Shards is the number of processes the run is spread over (1 unsharded).
	Shards int
}

// PlanCapacity estimates the devices in flight for a scenario, or for one
// shard of it (sh; nil for the whole fleet): the closed model's concurrency,
// the open model's in-flight cap, or the peak arrival rate times an estimate
// of one device's session, never more than the fleet. A shard plans for its
// share: 1/n of the rate, its share of the concurrency or the cap.
func PlanCapacity(s *scenario.Scenario, sh *report.Shard, inProcessTarget bool) CapacityPlan {
	_, n := shardOf(sh)
	p := CapacityPlan{FDsPerDevice: 1, Sources: 0, Shards: n}
	if inProcessTarget {
		p.FDsPerDevice = 2
	}
	for _, spec := range s.Target.SourceAddresses {
		addrs, _ := scenario.ParseAddresses(spec)
		p.Sources += len(addrs)
	}
	p.Sources = max(p.Sources, 1)
	a := ShardArrival(s.Arrival, sh)
	count := PlannedShardStarts(s, sh)
	switch {
	case a.Model == scenario.ModelClosed:
		p.InFlight = a.Concurrency
	case a.MaxInFlight > 0:
		p.InFlight = a.MaxInFlight
	default:
		b := s.Device
		// With aws_limits and no provision_delay, assume AWS's 3 s upper bound:
		// the guard would rather overestimate.
		session := b.Backoff + s.Target.ExpectedProvisionDelay() + b.Hold.Duration + time.Second
		rate := math.Max(a.Rate, a.StagesPeak())
		if a.Burst != nil {
			rate = float64(a.Burst.Size) / a.Burst.Every.Seconds()
			p.InFlight = (a.Burst.Size + n - 1) / n // the shard's part of one burst, rounded up
		}
		if s.Capacity != nil {
			rate = math.Max(rate, s.Capacity.MaxRate) // a stepped ramp peaks at its last step
		}
		p.InFlight = max(p.InFlight, int(math.Ceil(rate/float64(n)*session.Seconds())))
	}
	p.InFlight = min(p.InFlight, count)
	return p
}

// CheckCapacity returns one line saying what to change when the plan does not
// fit in the limits, or nil.
func CheckCapacity(p CapacityPlan, l Limits) error {
	need := uint64(p.InFlight*p.FDsPerDevice + fdReserve)
	if need > l.OpenFiles {
		per := "1 per device"
		if p.FDsPerDevice == 2 {
			per = "2 per device: the embedded stand-in holds the other end in this process"
		}
		return fmt.Errorf("about %d devices in flight need %d open files (%s) but the limit is %d: "+
			"raise it with `ulimit -n %d` (up to the hard limit), cap arrival.max_in_flight, lower the arrival rate, or %s",
			p.InFlight, need, per, l.OpenFiles, need, shardAdvice(p, l))
	}
	if ports := l.EphemeralPorts * p.Sources; p.InFlight > ports {
		return fmt.Errorf("about %d devices in flight need more local ports than the %d that %d source address(es) offer to one endpoint: "+
			"add addresses to target.source_addresses (e.g. \"127.0.0.2-127.0.0.40\" on loopback), cap arrival.max_in_flight, "+
			"or shard across machines with --shard I/N (shards on one machine share its ports)",
			p.InFlight, ports, p.Sources)
	}
	return nil
}

// shardAdvice says how many processes the run needs under the open-files
// limit, as the --shard flags to run them with.
func shardAdvice(p CapacityPlan, l Limits) string {
	shards := max(p.Shards, 1)
	perProcess := 0
	if l.OpenFiles > fdReserve {
		perProcess = int(l.OpenFiles-fdReserve) / max(p.FDsPerDevice, 1)
	}
	if perProcess < 1 {
		return "shard across processes with --shard I/N"
	}
	n := max((p.InFlight*shards+perProcess-1)/perProcess, shards+1)
	return fmt.Sprintf("shard across %d processes: jitpsim run ... --shard I/%d for I = 0..%d, started together with --start-at TIME", n, n, n-1)
}
