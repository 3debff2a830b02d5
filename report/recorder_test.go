package report

import (
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// obs builds an observation with the given outcome and phase durations.
func obs(o Outcome, d map[Phase]time.Duration) Observation {
	var ob Observation
	ob.Outcome = o
	for p, v := range d {
		ob.Set(p, v)
	}
	return ob
}

func TestRecorderPercentilesKnownInputs(t *testing.T) {
	r := NewRecorder()
	for i := 1; i <= 1000; i++ {
		r.Record(obs(OutcomeProvisioned, map[Phase]time.Duration{PhaseProvision: time.Duration(i) * time.Millisecond}))
	}
	ps := r.Summarize(Meta{}).Latency["provision"]
	require.EqualValues(t, 1000, ps.Count)

	tests := []struct {
		name string
		got  float64
		want float64
	}{
		{"p50", ps.P50, 500},
		{"p90", ps.P90, 900},
		{"p95", ps.P95, 950},
		{"p99", ps.P99, 990},
		{"p999", ps.P999, 999},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			// Three significant digits: within 0.1%.
			assert.InEpsilon(t, tt.want, tt.got, 0.001)
		})
	}
	// Min, max and mean are exact.
	assert.Equal(t, 1.0, ps.Min)
	assert.Equal(t, 1000.0, ps.Max)
	assert.Equal(t, 500.5, ps.Mean)
	assert.Zero(t, ps.Clamped)
}

func TestRecorderValueConversion(t *testing.T) {
	tests := []struct {
		name        string
		d           time.Duration
		wantMs      float64
		wantClamped int64
	}{
		{"microsecond precision", 12345 * time.Microsecond, 12.345, 0},
		{"rounds to nearest microsecond", 1500 * time.Nanosecond, 0.002, 0},
		{"below a microsecond", 400 * time.Nanosecond, 0, 0},
		{"negative is zero", -time.Second, 0, 0},
		{"exactly the highest", 10 * time.Minute, 600000, 0},
		{"above the highest is clamped", 11 * time.Minute, 600000, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := NewRecorder()
			r.Record(obs(OutcomeProvisioned, map[Phase]time.Duration{PhaseConnect: tt.d}))
			ps := r.Summarize(Meta{}).Latency["connect"]
			require.EqualValues(t, 1, ps.Count, "a clamped value is counted, not dropped")
			assert.Equal(t, tt.wantMs, ps.Max)
			assert.Equal(t, tt.wantMs, ps.P50)
			assert.Equal(t, tt.wantMs, ps.Min)
			assert.Equal(t, tt.wantClamped, ps.Clamped)
		})
	}
}

func TestRecorderCountsAndOutcomes(t *testing.T) {
	tests := []struct {
		name           string
		observations   []Observation
		wantCompleted  int
		wantSucceeded  int
		wantFailed     int
		wantOutcomes   map[Outcome]int
		wantIdempotent Idempotency
	}{
		{
			name:         "empty",
			wantOutcomes: map[Outcome]int{},
		},
		{
			name: "mixed",
			observations: []Observation{
				{Outcome: OutcomeProvisioned, IdempotencyChecked: true},
				{Outcome: OutcomeAlreadyProvisioned},
				{Outcome: OutcomeTimeout, Reason: "connack timeout"},
				{Outcome: OutcomeAlreadyProvisioned, IdempotencyViolated: true}, // a violation implies a check
				{Outcome: OutcomeProvisioned, IdempotencyChecked: true, IdempotencyViolated: true},
			},
			wantCompleted:  5,
			wantSucceeded:  4,
			wantFailed:     1,
			wantOutcomes:   map[Outcome]int{OutcomeProvisioned: 2, OutcomeAlreadyProvisioned: 2, OutcomeTimeout: 1},
			wantIdempotent: Idempotency{Checked: 3, Violations: 2},
		},
		{
			name:          "empty outcome counts as error",
			observations:  []Observation{{Reason: "simulator bug"}},
			wantCompleted: 1,
			wantFailed:    1,
			wantOutcomes:  map[Outcome]int{OutcomeError: 1},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := NewRecorder()
			for _, o := range tt.observations {
				r.Record(o)
			}
			completed, succeeded, failed := r.Counts()
			assert.Equal(t, tt.wantCompleted, completed)
			assert.Equal(t, tt.wantSucceeded, succeeded)
			assert.Equal(t, tt.wantFailed, failed)

			s := r.Summarize(Meta{Planned: 10})
			require.Len(t, s.Outcomes, len(Outcomes()), "every outcome is present")
			for _, o := range Outcomes() {
				assert.Equal(t, tt.wantOutcomes[o], s.Outcomes[o], "outcome %s", o)
			}
			assert.Equal(t, tt.wantCompleted, s.Devices.Completed)
			assert.Equal(t, 10, s.Devices.Planned)
			assert.Equal(t, tt.wantSucceeded, s.Success())
			assert.Equal(t, tt.wantIdempotent, s.Idempotency)
		})
	}
}

func TestRecorderReasons(t *testing.T) {
	r := NewRecorder()
	for _, reason := range []string{"a", "a", "b", "", "c", "d", "b"} {
		r.Record(Observation{Outcome: OutcomeTimeout, Reason: reason})
	}
	r.Record(Observation{Outcome: OutcomeRejectedTLS, Reason: "bad certificate"})
	r.Record(Observation{Outcome: OutcomeProvisioned})

	s := r.Summarize(Meta{})
	assert.Equal(t, map[Outcome][]string{
		OutcomeTimeout:     {"a", "b", "c"},
		OutcomeRejectedTLS: {"bad certificate"},
	}, s.Reasons)

	// The summary owns its reasons.
	s.Reasons[OutcomeTimeout][0] = "changed"
	assert.Equal(t, "a", r.Summarize(Meta{}).Reasons[OutcomeTimeout][0])
}

func TestRecorderSummarizeTwice(t *testing.T) {
	r := NewRecorder()
	r.Record(obs(OutcomeProvisioned, map[Phase]time.Duration{PhaseTotal: time.Second}))
	first := r.Summarize(Meta{Scenario: "s", Duration: 1500 * time.Millisecond})
	r.Record(obs(OutcomeTimeout, map[Phase]time.Duration{PhaseTotal: 3 * time.Second}))
	second := r.Summarize(Meta{Scenario: "s", Duration: 2 * time.Second})

	assert.EqualValues(t, 1, first.Latency["total"].Count)
	assert.EqualValues(t, 1, first.Histogram(PhaseTotal).TotalCount(), "earlier summary is not affected by later records")
	assert.EqualValues(t, 2, second.Latency["total"].Count)
	assert.Equal(t, 1.5, first.DurationS)
	assert.Equal(t, 1, first.Devices.Completed)
	assert.Equal(t, 2, second.Devices.Completed)
}

func TestRecorderConcurrent(t *testing.T) {
	const goroutines, perGoroutine = 32, 300
	outcomes := Outcomes()
	r := NewRecorder()

	var wg sync.WaitGroup
	stop := make(chan struct{})
	// Readers run alongside the writers so the race detector sees them too.
	readers := sync.WaitGroup{}
	readers.Add(1)
	go func() {
		defer readers.Done()
		for {
			select {
			case <-stop:
				return
			default:
				r.Counts()
				r.Summarize(Meta{})
			}
		}
	}()
	for g := range goroutines {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range perGoroutine {
				o := obs(outcomes[(g+i)%len(outcomes)], map[Phase]time.Duration{
					PhaseConnect: time.Duration(i+1) * time.Millisecond,
					PhaseTotal:   time.Duration(g+1) * time.Second,
				})
				o.Reason = fmt.Sprintf("reason %d", i%5)
				r.Record(o)
			}
		}()
	}
	wg.Wait()
	close(stop)
	readers.Wait()

	const total = goroutines * perGoroutine
	completed, succeeded, failed := r.Counts()
	require.Equal(t, total, completed)
	assert.Equal(t, total, succeeded+failed)

	s := r.Summarize(Meta{Planned: total})
	sum := 0
	for _, n := range s.Outcomes {
		sum += n
	}
	assert.Equal(t, total, sum)
	assert.Equal(t, succeeded, s.Success())
	assert.EqualValues(t, total, s.Latency["connect"].Count)
	assert.EqualValues(t, total, s.Latency["total"].Count)
	assert.Zero(t, s.Latency["drop"].Count)
	assert.Equal(t, 300.0, s.Latency["connect"].Max)
	assert.Equal(t, 32000.0, s.Latency["total"].Max)
	for o, rs := range s.Reasons {
		assert.LessOrEqual(t, len(rs), maxReasons, "reasons of %s", o)
	}
}

func TestRecorderRecordDoesNotAllocate(t *testing.T) {
	r := NewRecorder()
	o := obs(OutcomeTimeout, map[Phase]time.Duration{PhaseConnect: time.Millisecond, PhaseTotal: time.Second})
	o.Reason = "timeout"
	r.Record(o) // the first record of an outcome may allocate its map entry
	allocs := testing.AllocsPerRun(100, func() { r.Record(o) })
	assert.Zero(t, allocs)
}

func BenchmarkRecorderRecord(b *testing.B) {
	r := NewRecorder()
	o := obs(OutcomeProvisioned, nil)
	for _, p := range Phases() {
		o.Set(p, time.Duration(p+1)*7*time.Millisecond)
	}
	b.ReportAllocs()
	b.ResetTimer() // NewRecorder's histograms are not part of the cost of Record
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			r.Record(o)
		}
	})
}
