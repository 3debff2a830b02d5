package sim

import (
	"context"
	"fmt"
	"regexp"
	"sort"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/jitpsim/jitpsim/report"
	"github.com/jitpsim/jitpsim/sim/localiot"
	"github.com/jitpsim/jitpsim/sim/pki"
)

// start is one planned device start: its index and due time.
type start struct {
	index int
	due   time.Duration
}

func TestShardsReproduceTheWholeSchedule(t *testing.T) {
	tests := []struct {
		name string
		src  string
	}{
		{"constant rate", "devices: {count: 23, first_index: 5}\narrival: {rate: 7}\n"},
		{"ramp up and down", "devices: {count: 40}\narrival: {start_rate: 2, stages: [{duration: 2s, rate: 10}, {duration: 1s, rate: 10}, {duration: 2s, rate: 0}]}\n"},
		{"ramp ends before the fleet", "devices: {count: 100, first_index: 1}\narrival: {stages: [{duration: 1s, rate: 10}]}\n"},
		{"burst", "devices: {count: 17}\narrival: {burst: {size: 5, every: 1s}}\n"},
	}
	for _, tt := range tests {
		s := testScenario(t, tt.src)
		sched := ScheduleFor(s.Arrival)
		whole := map[start]bool{}
		for g := range PlannedStarts(s) {
			due, ok := sched.Due(g)
			require.True(t, ok)
			whole[start{s.Devices.FirstIndex + g, due}] = true
		}
		require.NotEmpty(t, whole)
		for _, n := range []int{1, 2, 3, 4, 7} {
			t.Run(fmt.Sprintf("%s in %d shards", tt.name, n), func(t *testing.T) {
				union := map[start]bool{}
				planned := 0
				for k := range n {
					sh := &report.Shard{Index: k, Count: n}
					mine := PlannedShardStarts(s, sh)
					planned += mine
					prev := start{index: -1}
					for p := range mine {
						g := ShardPosition(sh, p)
						require.Equal(t, k, g%n, "shard %d takes position %d", k, g)
						due, ok := ShardDue(sched, sh, p)
						require.True(t, ok, "shard %d device %d has no due time", k, p)
						st := start{s.Devices.FirstIndex + g, due}
						assert.False(t, union[st], "%v started twice", st)
						assert.Greater(t, st.index, prev.index)
						assert.GreaterOrEqual(t, st.due, prev.due)
						union[st], prev = true, st
					}
					_, ok := ShardDue(sched, sh, mine)
					assert.False(t, ok && ShardPosition(sh, mine) < s.Devices.Count,
						"shard %d plans %d starts but the schedule has another within the fleet", k, mine)
				}
				assert.Equal(t, PlannedStarts(s), planned)
				assert.Equal(t, whole, union)
			})
		}
	}
}

func TestShardArrivalSplitsConcurrencyAndCap(t *testing.T) {
	tests := []struct {
		name  string
		src   string
		n     int
		want  []int // per shard: concurrency (closed) or max_in_flight (open)
		total int
	}{
		{"closed 10 over 4", "devices: {count: 100}\narrival: {model: closed, concurrency: 10}\n", 4, []int{3, 3, 2, 2}, 10},
		{"closed 4 over 4", "devices: {count: 100}\narrival: {model: closed, concurrency: 4}\n", 4, []int{1, 1, 1, 1}, 4},
		{"cap 50 over 3", "devices: {count: 100}\narrival: {rate: 10, max_in_flight: 50}\n", 3, []int{17, 17, 16}, 50},
		{"cap 3 over 4 is at least 1", "devices: {count: 100}\narrival: {rate: 10, max_in_flight: 3}\n", 4, []int{1, 1, 1, 1}, 0},
		{"whole fleet", "devices: {count: 100}\narrival: {model: closed, concurrency: 7}\n", 1, []int{7}, 7},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := testScenario(t, tt.src)
			sum := 0
			for k := range tt.n {
				sh := &report.Shard{Index: k, Count: tt.n}
				require.NoError(t, CheckShard(s, sh))
				a := ShardArrival(s.Arrival, sh)
				got := a.Concurrency + a.MaxInFlight // one of them is 0
				assert.Equal(t, tt.want[k], got, "shard %d", k)
				sum += got
			}
			if tt.total > 0 {
				assert.Equal(t, tt.total, sum)
			}
		})
	}
}

func TestCheckShard(t *testing.T) {
	tests := []struct {
		name  string
		src   string
		shard report.Shard
		want  string
	}{
		{"closed concurrency below the shards", "devices: {count: 100}\narrival: {model: closed, concurrency: 3}\n",
			report.Shard{Index: 0, Count: 4}, "arrival.concurrency 3 is less than the 4 shards"},
		{"no device for the shard", "devices: {count: 3}\n", report.Shard{Index: 3, Count: 4}, "has no device"},
		{"index out of range", "devices: {count: 3}\n", report.Shard{Index: 2, Count: 2}, "I from 0 to N-1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := CheckShard(testScenario(t, tt.src), &tt.shard)
			require.Error(t, err)
			assert.Contains(t, err.Error(), tt.want)
			assert.NotContains(t, err.Error(), "\n")
		})
	}
	require.NoError(t, CheckShard(testScenario(t, "devices: {count: 3}\n"), &report.Shard{Index: 2, Count: 3}))
	require.NoError(t, CheckShard(testScenario(t, "devices: {count: 3}\n"), nil))
}

func TestMintAheadUsesTheShardsRate(t *testing.T) {
	tests := []struct {
		name   string
		src    string
		shards int
		want   int
	}{
		{"whole fleet", "devices: {count: 10000}\narrival: {rate: 400}\n", 1, 400},
		{"a quarter of the rate", "devices: {count: 10000}\narrival: {rate: 400}\n", 4, 100},
		{"ramp peak", "devices: {count: 10000}\narrival: {stages: [{duration: 10s, rate: 800}]}\n", 4, 200},
		{"burst", "devices: {count: 10000}\narrival: {burst: {size: 500, every: 1s}}\n", 2, 500},
		{"at least a few", "devices: {count: 10000}\narrival: {rate: 40}\n", 4, 16},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := testScenario(t, tt.src)
			assert.Equal(t, tt.want, mintAhead(s.Arrival, s.Devices.Count, tt.shards))
		})
	}
	closed := testScenario(t, "devices: {count: 10000}\narrival: {model: closed, concurrency: 100}\n")
	sh := &report.Shard{Index: 3, Count: 4}
	assert.Equal(t, 50, mintAhead(ShardArrival(closed.Arrival, sh), 10000, 4), "twice the shard's 25")
}

func TestIdentitiesStreamMintsTheShardsIndices(t *testing.T) {
	ca, err := pki.NewCA("shard order CA", pki.KeyEC256)
	require.NoError(t, err)
	s := testScenario(t, "devices: {count: 50, first_index: 10}\n")
	for _, sh := range []*report.Shard{nil, {Index: 0, Count: 3}, {Index: 2, Count: 3}, {Index: 4, Count: 7}} {
		t.Run(fmt.Sprintf("%v", sh), func(t *testing.T) {
			k, n := shardOf(sh)
			count := ShardSize(s.Devices.Count, sh)
			var got, want []int
			for p := range count {
				want = append(want, s.Devices.FirstIndex+ShardPosition(sh, p))
			}
			for m := range (&Identities{CA: ca, Scenario: s}).stream(context.Background(), s.Devices.FirstIndex+k, n, count, 4) {
				require.NoError(t, m.err)
				assert.Equal(t, s.DeviceName(m.index), m.id.Leaf().Subject.CommonName)
				got = append(got, m.index)
			}
			assert.Equal(t, want, got)
		})
	}
}

func TestPlanCapacityForAShard(t *testing.T) {
	tests := []struct {
		name  string
		src   string
		shard report.Shard
		want  CapacityPlan
	}{
		{"a quarter of the rate", "devices: {count: 10000}\narrival: {rate: 100}\ndevice: {backoff: 1s}\ntarget: {provision_delay: 1s}\n",
			report.Shard{Index: 1, Count: 4}, CapacityPlan{InFlight: 75, FDsPerDevice: 2, Sources: 1, Shards: 4}},
		{"closed share", "devices: {count: 10000}\narrival: {model: closed, concurrency: 7}\n",
			report.Shard{Index: 0, Count: 2}, CapacityPlan{InFlight: 4, FDsPerDevice: 2, Sources: 1, Shards: 2}},
		{"cap share", "devices: {count: 10000}\narrival: {rate: 1000, max_in_flight: 50}\n",
			report.Shard{Index: 2, Count: 3}, CapacityPlan{InFlight: 16, FDsPerDevice: 2, Sources: 1, Shards: 3}},
		{"burst share", "devices: {count: 1000}\narrival: {burst: {size: 500, every: 10s}}\ndevice: {backoff: 0s}\ntarget: {provision_delay: 0s}\n",
			report.Shard{Index: 3, Count: 4}, CapacityPlan{InFlight: 125, FDsPerDevice: 2, Sources: 1, Shards: 4}},
		{"never more than the shard's devices", "devices: {count: 20}\narrival: {rate: 1000}\n",
			report.Shard{Index: 1, Count: 4}, CapacityPlan{InFlight: 5, FDsPerDevice: 2, Sources: 1, Shards: 4}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, PlanCapacity(testScenario(t, tt.src), &tt.shard, true))
		})
	}
}

func TestCheckCapacitySaysHowToShard(t *testing.T) {
	limits := Limits{OpenFiles: 1024, EphemeralPorts: 28232}
	tests := []struct {
		name string
		plan CapacityPlan
		want string
	}{
		// 1500 devices × 2 files over 960 usable: 4 processes.
		{"unsharded", CapacityPlan{InFlight: 1500, FDsPerDevice: 2, Sources: 1, Shards: 1}, "shard across 4 processes: jitpsim run ... --shard I/4 for I = 0..3"},
		// Still 2 × 750 × 2 files: more shards than now.
		{"too few shards", CapacityPlan{InFlight: 750, FDsPerDevice: 2, Sources: 1, Shards: 2}, "--shard I/4 for I = 0..3"},
		{"one over", CapacityPlan{InFlight: 481, FDsPerDevice: 2, Sources: 1, Shards: 1}, "--shard I/2 for I = 0..1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := CheckCapacity(tt.plan, limits)
			require.Error(t, err)
			assert.Contains(t, err.Error(), tt.want)
			assert.Contains(t, err.Error(), "--start-at")
			assert.NotContains(t, err.Error(), "\n")
		})
	}
	err := CheckCapacity(CapacityPlan{InFlight: 40000, FDsPerDevice: 1, Sources: 1, Shards: 1}, Limits{OpenFiles: 1 << 20, EphemeralPorts: 28232})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "--shard I/N")
}

func TestShardedFleetsRunTheirOwnDevices(t *testing.T) {
	// Two shards of six devices on one stand-in, started together: each runs
	// three, the even and the odd positions, none before the common start.
	srv, ca := standIn(t, localiot.Config{})
	s := testScenario(t, "devices: {count: 6, name_pattern: \"shard-{index:02}\", first_index: 10}\narrival: {rate: 100}\ndevice: {backoff: 10ms, timeout: 10s}\n")
	at := time.Now().Add(100 * time.Millisecond)
	var mu sync.Mutex
	names := map[int][]string{}
	var wg sync.WaitGroup
	fleets := make([]*Fleet, 2)
	for k := range 2 {
		rec := report.NewRecorder()
		f := &Fleet{Scenario: s, Identities: &Identities{CA: ca, Scenario: s}, Target: target(srv), Recorder: rec,
			Shard: &report.Shard{Index: k, Count: 2}, Start: at,
			OnDevice: func(_ *pki.Identity, obs report.Observation) {
				mu.Lock()
				defer mu.Unlock()
				names[k] = append(names[k], obs.Name)
				assert.False(t, obs.Start.Before(at), "%s started before the common start", obs.Name)
			}}
		fleets[k] = f
		wg.Add(1)
		go func() {
			defer wg.Done()
			assert.NoError(t, f.Run(context.Background()))
		}()
	}
	wg.Wait()
	want := [][]string{{"shard-10", "shard-12", "shard-14"}, {"shard-11", "shard-13", "shard-15"}}
	for k, f := range fleets {
		assert.Equal(t, 3, f.Planned())
		assert.Equal(t, 3, f.Started())
		sort.Strings(names[k])
		assert.Equal(t, want[k], names[k], "shard %d", k)
		sum := f.Recorder.Summarize(report.Meta{Planned: f.Planned(), Started: f.Started()})
		assert.Equal(t, 3, sum.Outcomes[report.OutcomeProvisioned], sum.Reasons)
	}
	assert.Equal(t, 6, srv.Stats().Things)
}

func TestTheSuggestedShardsFitTheLimit(t *testing.T) {
	// The guard's advice, followed, passes the guard in every shard.
	limits := Limits{OpenFiles: 1024, EphemeralPorts: 28232}
	tests := []struct {
		name string
		src  string
	}{
		{"rate", "devices: {count: 100000}\narrival: {rate: 1000}\ndevice: {backoff: 1s}\ntarget: {provision_delay: 1s}\n"},
		{"closed", "devices: {count: 100000}\narrival: {model: closed, concurrency: 5000}\n"},
		{"cap", "devices: {count: 100000}\narrival: {rate: 5000, max_in_flight: 2001}\n"},
		{"burst", "devices: {count: 100000}\narrival: {burst: {size: 3333, every: 10s}}\ndevice: {backoff: 0s}\ntarget: {provision_delay: 0s}\n"},
	}
	re := regexp.MustCompile(`--shard I/(\d+) `)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := testScenario(t, tt.src)
			err := CheckCapacity(PlanCapacity(s, nil, true), limits)
			require.Error(t, err)
			m := re.FindStringSubmatch(err.Error())
			require.NotNil(t, m, err.Error())
			n, err := strconv.Atoi(m[1])
			require.NoError(t, err)
			for k := range n {
				assert.NoError(t, CheckCapacity(PlanCapacity(s, &report.Shard{Index: k, Count: n}, true), limits), "shard %d/%d", k, n)
			}
			if n > 2 {
				assert.Error(t, CheckCapacity(PlanCapacity(s, &report.Shard{Index: 0, Count: n - 2}, true), limits),
					"%d shards would do too: the advice is not the least", n-2)
			}
		})
	}
}

func TestAFleetStartedLateRunsItsScheduleLate(t *testing.T) {
	// A Start already past does not make the overdue devices start at once:
	// the schedule counts from the call to Run.
	srv, ca := standIn(t, localiot.Config{})
	s := testScenario(t, "devices: {count: 4, name_pattern: \"late-{index}\"}\narrival: {rate: 40}\ndevice: {backoff: 10ms, timeout: 10s}\n")
	var mu sync.Mutex
	starts := map[int]time.Time{}
	f := &Fleet{Scenario: s, Identities: &Identities{CA: ca, Scenario: s}, Target: target(srv), Recorder: report.NewRecorder(),
		Shard: &report.Shard{Index: 1, Count: 2}, Start: time.Now().Add(-10 * time.Second),
		OnDevice: func(_ *pki.Identity, obs report.Observation) {
			mu.Lock()
			defer mu.Unlock()
			starts[obs.Index] = obs.Start
		}}
	called := time.Now()
	require.NoError(t, f.Run(context.Background()))
	require.Len(t, starts, 2)
	// Positions 1 and 3 are due 25 ms and 75 ms into the run.
	assert.False(t, starts[1].Before(called.Add(25*time.Millisecond)), "device 1 started %s after Run", starts[1].Sub(called))
	assert.False(t, starts[3].Before(called.Add(75*time.Millisecond)), "device 3 started %s after Run", starts[3].Sub(called))
}
