package report

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestParseGateValid(t *testing.T) {
	tests := []struct {
		expr string
		want Gate
	}{
		{"provision.p99 < 2s", Gate{Metric: "provision.p99", Op: "<", Threshold: 2000}},
		{"provision.p99<2s", Gate{Metric: "provision.p99", Op: "<", Threshold: 2000}},
		{"  connect.p50 <= 150  ", Gate{Metric: "connect.p50", Op: "<=", Threshold: 150}},
		{"connect.p50 <= 150ms", Gate{Metric: "connect.p50", Op: "<=", Threshold: 150}},
		{"connect.max > 12345us", Gate{Metric: "connect.max", Op: ">", Threshold: 12.345}},
		{"connect.max > 12345µs", Gate{Metric: "connect.max", Op: ">", Threshold: 12.345}},
		{"total.p999 >= 1.5m", Gate{Metric: "total.p999", Op: ">=", Threshold: 90000}},
		{"echo.mean != 0.5 s", Gate{Metric: "echo.mean", Op: "!=", Threshold: 500}},
		{"drop.min == 1e3ms", Gate{Metric: "drop.min", Op: "==", Threshold: 1000}},
		{"publish.p95 < 20", Gate{Metric: "publish.p95", Op: "<", Threshold: 20}},
		{"provision.count >= 100", Gate{Metric: "provision.count", Op: ">=", Threshold: 100}},
		{"rate.success >= 99.5%", Gate{Metric: "rate.success", Op: ">=", Threshold: 0.995}},
		{"rate.success >= 99.9%", Gate{Metric: "rate.success", Op: ">=", Threshold: 0.999}},
		{"rate.success >= 0.995", Gate{Metric: "rate.success", Op: ">=", Threshold: 0.995}},
		{"rate.failure < 1 %", Gate{Metric: "rate.failure", Op: "<", Threshold: 0.01}},
		{"rate.failure == 0", Gate{Metric: "rate.failure", Op: "==", Threshold: 0}},
		{"outcome.timeout == 0", Gate{Metric: "outcome.timeout", Op: "==", Threshold: 0}},
		{"outcome.already_provisioned <= 3", Gate{Metric: "outcome.already_provisioned", Op: "<=", Threshold: 3}},
		{"idempotency.violations == 0", Gate{Metric: "idempotency.violations", Op: "==", Threshold: 0}},
		{"idempotency.checked > 10", Gate{Metric: "idempotency.checked", Op: ">", Threshold: 10}},
		{"devices.completed >= 1000", Gate{Metric: "devices.completed", Op: ">=", Threshold: 1000}},
		{"devices.planned == 1000", Gate{Metric: "devices.planned", Op: "==", Threshold: 1000}},
		{"outcome.error == -0", Gate{Metric: "outcome.error", Op: "==", Threshold: 0}},
	}
	for _, tt := range tests {
		t.Run(tt.expr, func(t *testing.T) {
			g, err := ParseGate(tt.expr)
			require.NoError(t, err)
			tt.want.Expr = strings.TrimSpace(tt.expr)
			assert.Equal(t, tt.want, g)
		})
	}
}

func TestParseGateInvalid(t *testing.T) {
	tests := []struct {
		expr    string
		wantErr []string
	}{
		{"", []string{"empty gate expression"}},
		{"   ", []string{"empty gate expression"}},
		{"provision.p99 2s", []string{"missing comparison operator"}},
		{"< 2s", []string{"missing metric"}},
		{"provision.p99 <", []string{"missing threshold"}},
		{"provision.p99 = 2s", []string{`unknown operator "="`, "did you mean ==?"}},
		{"provision.p99 => 2s", []string{`unknown operator "=>"`}},
		{"provision.p99 <> 2s", []string{`unknown operator "<>"`}},
		{"provison.p99 < 2s", []string{`unknown metric "provison.p99"`, "did you mean provision.p99?"}},
		{"provision p99 < 2s", []string{"did you mean provision.p99?"}},
		{"rate.succes > 0.9", []string{"did you mean rate.success?"}},
		{"outcome.timeouts == 0", []string{"did you mean outcome.timeout?"}},
		{"provision < 2s", []string{`metric "provision" needs a statistic`, "provision.p99"}},
		{"latency < 2s", []string{`unknown metric "latency"`, "metrics are <phase>.<stat>"}},
		{"provision.p99 < fast", []string{`threshold "fast" has no number`}},
		{"provision.p99 < 2x", []string{`latency metric provision.p99 takes us, ms, s or m`, `not "x"`}},
		{"provision.p99 < 2h", []string{`not "h"`}},
		{"provision.p99 < 50%", []string{`not "%"`}},
		{"provision.p99 < 1.2.3s", []string{`cannot parse threshold "1.2.3"`}},
		{"provision.p99 < NaN", []string{`threshold "NaN" has no number`}},
		{"provision.p99 < 1e999", []string{"finite number"}},
		{"provision.p99 < -5ms", []string{"negative"}},
		{"provision.p99 < 2 < 3", []string{"cannot parse threshold"}},
		{"rate.success >= 99.5", []string{"ratio 0..1", "did you mean 99.5%?"}},
		{"rate.success >= 150%", []string{"above 100%"}},
		{"rate.success >= 99ms", []string{"rate metric rate.success takes a ratio", `not "ms"`}},
		{"outcome.timeout < 5ms", []string{"outcome.timeout is a count and takes no unit", `got "ms"`}},
		{"provision.count < 5%", []string{"provision.count is a count"}},
		{"devices.completed > 1k", []string{"count and takes no unit"}},
	}
	for _, tt := range tests {
		t.Run(tt.expr, func(t *testing.T) {
			_, err := ParseGate(tt.expr)
			require.Error(t, err)
			for _, want := range tt.wantErr {
				assert.Contains(t, err.Error(), want)
			}
		})
	}
}

func TestParseGates(t *testing.T) {
	gates, err := ParseGates([]string{"provision.p99 < 2s", "rate.success >= 99%"})
	require.NoError(t, err)
	require.Len(t, gates, 2)
	assert.Equal(t, "rate.success", gates[1].Metric)

	_, err = ParseGates([]string{"provison.p99 < 2s", "rate.success >= 99%", "x"})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "provison.p99")
	assert.Contains(t, err.Error(), `gate "x"`)
}

func TestKnownMetric(t *testing.T) {
	tests := []struct {
		name string
		want bool
	}{
		{"provision.p99", true},
		{"total.count", true},
		{"echo.p999", true},
		{"outcome.no_drop", true},
		{"rate.failure", true},
		{"idempotency.checked", true},
		{"devices.planned", true},
		{"provision.p98", false},
		{"outcome.unknown", false},
		{"rate.", false},
		{"", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, KnownMetric(tt.name))
		})
	}
	// 6 phases x 9 stats, every outcome, 2 rates, 2 idempotency, 2 devices.
	assert.Len(t, KnownMetrics(), int(NumPhases)*9+len(Outcomes())+8)
}

func mustGate(t *testing.T, expr string) Gate {
	t.Helper()
	g, err := ParseGate(expr)
	require.NoError(t, err)
	return g
}
