package report

import (
	"bytes"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestEstimateQuotas(t *testing.T) {
	tests := []struct {
		name      string
		devices   int
		overrides []string
		binding   string
		rate      float64
		time      time.Duration
	}{
		{"defaults", 1_000_000, nil, "register_thing_tps", 10, 100_000 * time.Second},
		{"raised API quotas", 3000, []string{"register_thing_tps=100", "update_certificate_tps=100"},
			"certificate_registrations_per_second", 15, 200 * time.Second},
		{"connects binding", 1000, []string{"register_thing_tps=1000", "update_certificate_tps=1000",
			"certificate_registrations_per_second=1000", "create_thing_tps=1000", "attach_policy_tps=1000",
			"attach_thing_principal_tps=1000", "uses:connect_per_second=4"}, "connect_per_second", 125, 8 * time.Second},
		{"quota left out", 100, []string{"uses:register_thing_tps=0"}, "update_certificate_tps", 10, 10 * time.Second},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			qs := DefaultQuotas()
			for _, o := range tt.overrides {
				require.NoError(t, ParseQuotaOverride(qs, o))
			}
			e, err := EstimateQuotas(tt.devices, qs)
			require.NoError(t, err)
			assert.Equal(t, tt.binding, e.Binding.Name)
			assert.InDelta(t, tt.rate, e.Binding.DevicesPerSecond, 1e-9)
			assert.Equal(t, tt.time, e.Binding.Time)
			for i := 1; i < len(e.Rows); i++ {
				assert.LessOrEqual(t, e.Rows[i-1].DevicesPerSecond, e.Rows[i].DevicesPerSecond, "tightest first")
			}
		})
	}
}

func TestQuotaErrors(t *testing.T) {
	_, err := EstimateQuotas(0, DefaultQuotas())
	assert.ErrorContains(t, err, "at least 1")
	qs := DefaultQuotas()
	for i := range qs {
		qs[i].PerDevice = 0
	}
	_, err = EstimateQuotas(5, qs)
	assert.ErrorContains(t, err, "no quota applies")

	for _, tt := range []struct{ arg, want string }{
		{"connect_per_second", "want name=value"},
		{"conect_per_second=3000", "did you mean connect_per_second?"},
		{"zzz=1", "quotas: register_thing_tps"},
		{"connect_per_second=-1", "non-negative number"},
		{"connect_per_second=lots", "non-negative number"},
	} {
		assert.ErrorContains(t, ParseQuotaOverride(DefaultQuotas(), tt.arg), tt.want, tt.arg)
	}
}

func TestWriteQuotaText(t *testing.T) {
	e, err := EstimateQuotas(1_000_000, DefaultQuotas())
	require.NoError(t, err)
	var b bytes.Buffer
	require.NoError(t, WriteQuotaText(&b, e))
	golden(t, "quota.txt", b.Bytes())
	assert.Contains(t, b.String(), "note: 1000000 devices exceed the default of 500000 concurrent connections")
}

func FuzzParseQuotaOverride(f *testing.F) {
	f.Add("connect_per_second=3000")
	f.Add("uses:connect_per_second=2.5")
	f.Add("=")
	f.Fuzz(func(t *testing.T, arg string) {
		qs := DefaultQuotas()
		if ParseQuotaOverride(qs, arg) != nil {
			return
		}
		for _, q := range qs {
			require.GreaterOrEqual(t, q.PerSecond, 0.0)
			require.GreaterOrEqual(t, q.PerDevice, 0.0)
		}
		if e, err := EstimateQuotas(1000, qs); err == nil {
			require.Positive(t, e.Binding.DevicesPerSecond)
		}
	})
}
