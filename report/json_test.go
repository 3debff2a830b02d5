package report

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// sampleSummary returns a small evaluated summary used by the writer tests.
func sampleSummary(t *testing.T, meta Meta, gates ...string) *Summary {
	t.Helper()
	r := NewRecorder()
	for i := 1; i <= 3; i++ {
		o := obs(OutcomeProvisioned, map[Phase]time.Duration{
			PhaseConnect:   time.Duration(i) * 12345 * time.Microsecond,
			PhaseDrop:      time.Duration(i) * 20 * time.Millisecond,
			PhaseProvision: time.Duration(i) * 100 * time.Millisecond,
			PhasePublish:   5 * time.Millisecond,
			PhaseTotal:     time.Duration(i) * time.Second,
		})
		o.IdempotencyChecked = true
		r.Record(o)
	}
	r.Record(Observation{Outcome: OutcomeTimeout, Reason: "no CONNACK <within> 5s"})
	s := r.Summarize(meta)
	var gs []Gate
	for _, e := range gates {
		gs = append(gs, mustGate(t, e))
	}
	s.Evaluate(gs)
	return s
}

func decodeMap(t *testing.T, s *Summary) (map[string]any, string) {
	t.Helper()
	var b bytes.Buffer
	require.NoError(t, WriteJSON(&b, s))
	var m map[string]any
	require.NoError(t, json.Unmarshal(b.Bytes(), &m))
	return m, b.String()
}

func TestWriteJSONSchema(t *testing.T) {
	s := sampleSummary(t, Meta{Scenario: "smoke", Planned: 5, Duration: 2500 * time.Millisecond},
		"provision.p99 < 2s", "echo.p99 < 1ms", "outcome.no_drop == 0")
	m, raw := decodeMap(t, s)

	assert.Equal(t, "jitpsim.summary/v1", m["schema"])
	assert.Equal(t, "smoke", m["scenario"])
	assert.Equal(t, 2.5, m["duration_s"])
	assert.Equal(t, map[string]any{"planned": 5.0, "completed": 4.0, "started": 0.0, "dropped_starts": 0.0}, m["devices"])
	assert.Equal(t, map[string]any{"checked": 3.0, "violations": 0.0}, m["idempotency"])
	assert.Equal(t, false, m["passed"])
	assert.Equal(t, false, m["interrupted"])
	assert.Equal(t, map[string]any{"timeout": []any{"no CONNACK <within> 5s"}}, m["reasons"])
	assert.NotContains(t, m, "target", "target is omitted when empty")
	assert.Contains(t, raw, "<within>", "HTML characters are not escaped")

	outcomes, ok := m["outcomes"].(map[string]any)
	require.True(t, ok, "outcomes is an object")
	assert.Len(t, outcomes, len(Outcomes()))
	for _, o := range Outcomes() {
		assert.Contains(t, outcomes, string(o), "every outcome is present, zero included")
	}
	assert.Equal(t, 3.0, outcomes["provisioned"])
	assert.Equal(t, 0.0, outcomes["already_provisioned"])
	assert.Equal(t, 1.0, outcomes["timeout"])
	assert.Less(t, strings.Index(raw, `"provisioned"`), strings.Index(raw, `"already_provisioned"`), "outcomes in report order")

	latency, ok := m["latency_ms"].(map[string]any)
	require.True(t, ok, "latency_ms is an object")
	assert.Len(t, latency, int(NumPhases))
	for _, p := range Phases() {
		ps, ok := latency[p.String()].(map[string]any)
		require.True(t, ok, "phase %s present", p)
		for _, k := range []string{"count", "min", "mean", "p50", "p90", "p99", "p999", "max"} {
			assert.Contains(t, ps, k, "phase %s", p)
		}
	}
	connect := latency["connect"].(map[string]any)
	assert.Equal(t, 3.0, connect["count"])
	assert.Equal(t, 12.345, connect["min"], "ms with µs precision")
	assert.InDelta(t, 24.69, connect["p50"], 24.69*0.001, "within HDR precision")
	assert.Equal(t, 37.035, connect["max"])
	assert.NotContains(t, connect, "clamped", "clamped is omitted when zero")
	assert.Less(t, strings.Index(raw, `"connect"`), strings.Index(raw, `"drop"`), "phases in order")

	gates, ok := m["gates"].([]any)
	require.True(t, ok, "gates is an array")
	require.Len(t, gates, 3)
	assert.Equal(t, map[string]any{
		"expr": "provision.p99 < 2s", "metric": "provision.p99", "op": "<", "threshold": 2000.0,
		"value": 300.0, "passed": true,
	}, gates[0])
	assert.Equal(t, true, gates[2].(map[string]any)["passed"])
	assert.Equal(t, 0.0, gates[2].(map[string]any)["value"])
	noData := gates[1].(map[string]any)
	assert.Contains(t, noData, "value")
	assert.Nil(t, noData["value"], "value is null without data")
	assert.Equal(t, false, noData["passed"])
	assert.Equal(t, "no data", noData["reason"])
	assert.NotContains(t, gates[0], "reason")
}

// gatesOnly returns the gates of the summary's results.
func (s *Summary) gatesOnly() []Gate {
	gs := make([]Gate, 0, len(s.Gates))
	for _, r := range s.Gates {
		gs = append(gs, r.Gate)
	}
	return gs
}

func TestWriteJSONOptionalFields(t *testing.T) {
	tests := []struct {
		name      string
		summary   *Summary
		wantKey   map[string]bool
		wantGates int
	}{
		{
			name:      "empty recorder",
			summary:   NewRecorder().Summarize(Meta{Scenario: "empty"}),
			wantKey:   map[string]bool{"reasons": false, "target": false},
			wantGates: 0,
		},
		{
			name:      "target present",
			summary:   NewRecorder().Summarize(Meta{Target: map[string]int64{"things_before": 1, "things_after": 11}}),
			wantKey:   map[string]bool{"reasons": false, "target": true},
			wantGates: 0,
		},
		{
			name:      "hand-built summary is completed",
			summary:   &Summary{Schema: SchemaV1, Outcomes: OutcomeCounts{"custom": 2}},
			wantKey:   map[string]bool{"reasons": false, "target": false},
			wantGates: 0,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m, _ := decodeMap(t, tt.summary)
			for k, want := range tt.wantKey {
				_, got := m[k]
				assert.Equal(t, want, got, "key %s", k)
			}
			gates, ok := m["gates"].([]any)
			require.True(t, ok, "gates is an array, never null")
			assert.Len(t, gates, tt.wantGates)
			outcomes := m["outcomes"].(map[string]any)
			for _, o := range Outcomes() {
				assert.Contains(t, outcomes, string(o))
			}
			assert.Len(t, m["latency_ms"], int(NumPhases))
		})
	}
	m, _ := decodeMap(t, tests[1].summary)
	assert.Equal(t, map[string]any{"things_before": 1.0, "things_after": 11.0}, m["target"])
}

func TestReadJSONRoundTrip(t *testing.T) {
	s := sampleSummary(t, Meta{
		Scenario: "roundtrip", Planned: 4, Duration: 1234 * time.Millisecond, Interrupted: true,
		Target: map[string]int64{"things_after": 3},
	}, "provision.p99 < 2s", "echo.p99 < 1ms")
	s.Evaluate(append(s.gatesOnly(), mustGate(t, "rate.success >= 99%")))

	var b bytes.Buffer
	require.NoError(t, WriteJSON(&b, s))
	got, err := ReadJSON(&b)
	require.NoError(t, err)

	assert.Nil(t, got.Histogram(PhaseConnect), "histograms are not in the JSON")
	assert.Nil(t, got.Intervals(), "interval histograms are not in the JSON")
	assert.True(t, s.StartedAt.Equal(got.StartedAt), "started_at round-trips")
	got.hists, got.intervals, got.Timeline, got.StartedAt = s.hists, s.intervals, s.Timeline, s.StartedAt
	got.okDone = s.okDone
	assert.Equal(t, s, got)

	// A read summary can be re-evaluated against new gates.
	got.Evaluate([]Gate{mustGate(t, "provision.max <= 300ms")})
	assert.True(t, got.Passed)
}

func TestReadJSONErrors(t *testing.T) {
	tests := []struct {
		name    string
		input   string
		wantErr string
	}{
		{"other schema", `{"schema": "jitpsim.summary/v2", "scenario": "x"}`, `unsupported schema "jitpsim.summary/v2"`},
		{"no schema", `{"scenario": "x"}`, `no "schema" field`},
		{"not JSON", `hello`, "read summary"},
		{"wrong types", `{"schema": "jitpsim.summary/v1", "devices": []}`, "read summary"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ReadJSON(strings.NewReader(tt.input))
			require.Error(t, err)
			assert.Contains(t, err.Error(), tt.wantErr)
		})
	}
}

func TestReadJSONFillsMissing(t *testing.T) {
	s, err := ReadJSON(strings.NewReader(`{"schema": "jitpsim.summary/v1", "outcomes": {"provisioned": 2}}`))
	require.NoError(t, err)
	assert.Len(t, s.Outcomes, len(Outcomes()))
	assert.Equal(t, 2, s.Success())
	assert.Len(t, s.Latency, int(NumPhases))
	assert.NotNil(t, s.Gates)
}
