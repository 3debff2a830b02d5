package report

import (
	"testing"

	"github.com/stretchr/testify/require"
)

func FuzzParseGate(f *testing.F) {
	for _, seed := range []string{
		"provision.p99 < 2s", "rate.success>=99.5%", "outcome.timeout == 0", "connect.max != 12345us",
		"total.p999 >= 1.5m", "provision.p99 = 2", "x", "", "rate.failure < 0x1p-4", "echo.mean < 1e3 ms",
		"devices.completed >= 1e2", "drop.p50 <= 1µs", "provision < 2s", "rate.success >= 99.5",
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, expr string) {
		g, err := ParseGate(expr)
		if err != nil {
			return
		}
		require.True(t, KnownMetric(g.Metric), "metric %q", g.Metric)
		require.True(t, validOp(g.Op), "op %q", g.Op)
		require.False(t, g.Threshold < 0, "threshold %v", g.Threshold)
		again, err := ParseGate(g.Expr)
		require.NoError(t, err, "re-parse of %q", g.Expr)
		require.Equal(t, g, again)
	})
}
