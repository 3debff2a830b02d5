package sim

import (
	"context"
	"crypto/tls"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/jitpsim/jitpsim/report"
	"github.com/jitpsim/jitpsim/scenario"
	"github.com/jitpsim/jitpsim/sim/localiot"
)

func runFleet(t *testing.T, cfg localiot.Config, src string) (*Fleet, *report.Summary) {
	t.Helper()
	srv, ca := standIn(t, cfg)
	s := testScenario(t, src)
	rec := report.NewRecorder()
	f := &Fleet{Scenario: s, Identities: &Identities{CA: ca, Scenario: s}, Target: target(srv), Recorder: rec}
	require.NoError(t, f.Run(context.Background()))
	return f, rec.Summarize(report.Meta{Planned: f.Planned(), Started: f.Started(), DroppedStarts: f.DroppedStarts()})
}

func TestSlowTargetShowsLatencyAndDroppedStarts(t *testing.T) {
	// Provisioning takes far longer than the arrival interval (10 ms): the open
	// model keeps starting devices on time, the cap drops the starts that do
	// not fit, and the provision latency shows the slow target.
	f, sum := runFleet(t, localiot.Config{ProvisionDelay: 300 * time.Millisecond},
		"devices: {count: 30}\narrival: {rate: 100, max_in_flight: 5}\ndevice: {backoff: 50ms, max_attempts: 20}\n")
	assert.Positive(t, f.DroppedStarts())
	assert.Equal(t, 30, f.Started()+f.DroppedStarts())
	assert.LessOrEqual(t, f.PeakInFlight(), 5)
	assert.Equal(t, f.Started(), sum.Outcomes[report.OutcomeProvisioned], sum.Reasons)
	assert.GreaterOrEqual(t, sum.Latency["provision"].P50, 300.0, "provision latency should include the slow provisioning")
	assert.Equal(t, f.DroppedStarts(), sum.Devices.DroppedStarts)
	v, ok := sum.Metric("devices.dropped_starts")
	require.True(t, ok)
	assert.Equal(t, float64(f.DroppedStarts()), v)
}

func TestClosedModelKeepsConcurrency(t *testing.T) {
	f, sum := runFleet(t, localiot.Config{ProvisionDelay: 20 * time.Millisecond},
		"devices: {count: 9}\narrival: {model: closed, concurrency: 3}\ndevice: {backoff: 30ms}\n")
	assert.Equal(t, 9, f.Started())
	assert.LessOrEqual(t, f.PeakInFlight(), 3)
	assert.Equal(t, 9, sum.Outcomes[report.OutcomeProvisioned], sum.Reasons)
	assert.Zero(t, sum.Latency["scheduler_lag"].Count, "no schedule in the closed model")
}

func TestRampAndBurstSchedules(t *testing.T) {
	// 0 → 40/s over 0.5 s = 10 starts, fewer than the 50 devices.
	f, sum := runFleet(t, localiot.Config{},
		"devices: {count: 50}\narrival: {stages: [{duration: 500ms, rate: 40}]}\ndevice: {backoff: 10ms}\n")
	assert.Equal(t, 10, f.Planned())
	assert.Equal(t, 10, sum.Outcomes[report.OutcomeProvisioned], sum.Reasons)

	f, sum = runFleet(t, localiot.Config{},
		"devices: {count: 6}\narrival: {burst: {size: 3, every: 100ms}}\ndevice: {backoff: 10ms}\n")
	assert.Equal(t, 6, f.Started())
	assert.Equal(t, 6, sum.Outcomes[report.OutcomeProvisioned], sum.Reasons)
	assert.Equal(t, int64(6), sum.Latency["scheduler_lag"].Count)
}

func TestPlannedStarts(t *testing.T) {
	tests := []struct {
		src  string
		want int
	}{
		{"devices: {count: 7}\n", 7},
		{"devices: {count: 7}\narrival: {model: closed, concurrency: 2}\n", 7},
		{"devices: {count: 100}\narrival: {stages: [{duration: 1s, rate: 10}]}\n", 5},
		{"devices: {count: 100}\narrival: {start_rate: 10, stages: [{duration: 1s, rate: 10}]}\n", 10},
		{"devices: {count: 3}\narrival: {start_rate: 10, stages: [{duration: 1s, rate: 10}]}\n", 3},
	}
	for _, tt := range tests {
		s, err := scenario.Parse([]byte(tt.src), "p.yaml")
		require.NoError(t, err)
		assert.Equal(t, tt.want, PlannedStarts(s), tt.src)
	}
}

func TestDeviceOptions(t *testing.T) {
	t.Run("tls 1.2 and curves", func(t *testing.T) {
		srv, ca := standIn(t, localiot.Config{})
		s := testScenario(t, "devices: {count: 1}\ndevice: {backoff: 20ms, timeout: 5s, tls: {max_version: \"1.2\", curves: [p256]}}\n")
		d := newDevice(t, s, ca, srv, 1)
		obs := d.Run(context.Background())
		require.Equal(t, report.OutcomeProvisioned, obs.Outcome, obs.Reason)
		assert.Equal(t, uint16(tls.VersionTLS12), obs.TLSVersion)
	})
	t.Run("source addresses", func(t *testing.T) {
		_, sum := runFleet(t, localiot.Config{},
			"devices: {count: 4}\narrival: {rate: 200}\ntarget: {source_addresses: [\"127.0.0.2-127.0.0.3\"]}\ndevice: {backoff: 10ms}\n")
		assert.Equal(t, 4, sum.Outcomes[report.OutcomeProvisioned], sum.Reasons)
	})
	t.Run("hold phase publishes and stays connected", func(t *testing.T) {
		_, sum := runFleet(t, localiot.Config{},
			"devices: {count: 2}\narrival: {rate: 200}\ndevice: {backoff: 10ms, hold: {duration: 300ms, publish_every: 50ms}}\n")
		assert.Equal(t, 2, sum.Outcomes[report.OutcomeProvisioned], sum.Reasons)
		assert.GreaterOrEqual(t, sum.Latency["total"].Min, 300.0)
	})
	t.Run("rsa key pool shares keys, not certificates", func(t *testing.T) {
		s := testScenario(t, "devices: {count: 4, key_type: rsa-2048, key_pool: 2}\n")
		_, ca := standIn(t, localiot.Config{})
		ids := &Identities{CA: ca, Scenario: s}
		keys := map[string]bool{}
		certs := map[string]bool{}
		for i := range 4 {
			m := ids.get(i)
			require.NoError(t, m.err)
			keys[string(m.id.Leaf().RawSubjectPublicKeyInfo)] = true
			certs[m.id.ID] = true
		}
		assert.Len(t, keys, 2)
		assert.Len(t, certs, 4)
	})
}
