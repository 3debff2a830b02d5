package scenario

import (
	"net/netip"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestArrivalAndBehaviourValid(t *testing.T) {
	tests := []struct {
		name  string
		src   string
		check func(t *testing.T, s *Scenario)
	}{
		{"stages", "arrival:\n  start_rate: 5\n  stages: [{duration: 10s, rate: 100}, {duration: 5s, rate: 100}]\n", func(t *testing.T, s *Scenario) {
			assert.Equal(t, ModelOpen, s.Arrival.Model)
			require.Len(t, s.Arrival.Stages, 2)
			assert.Equal(t, 10*time.Second, s.Arrival.Stages[0].Duration)
			assert.Equal(t, 5.0, s.Arrival.StartRate)
		}},
		{"burst with cap", "arrival: {burst: {size: 10, every: 2s}, max_in_flight: 50}\n", func(t *testing.T, s *Scenario) {
			assert.Equal(t, 10, s.Arrival.Burst.Size)
			assert.Equal(t, 50, s.Arrival.MaxInFlight)
		}},
		{"closed", "arrival: {model: closed, concurrency: 8}\n", func(t *testing.T, s *Scenario) {
			assert.Equal(t, 8, s.Arrival.Concurrency)
		}},
		{"exponential backoff defaults", "device: {backoff: 3s, backoff_policy: exponential, backoff_jitter: 0.2}\n", func(t *testing.T, s *Scenario) {
			assert.Equal(t, 30*time.Second, s.Device.BackoffMax)
		}},
		{"hold and tls", "device:\n  hold: {duration: 30s, publish_every: 5s}\n  tls: {min_version: \"1.3\", curves: [x25519, p256]}\n", func(t *testing.T, s *Scenario) {
			assert.Equal(t, 30*time.Second, s.Device.Hold.Duration)
			assert.Equal(t, "1.3", s.Device.TLS.MinVersion)
			assert.Equal(t, "1.3", s.Device.TLS.MaxVersion)
		}},
		{"source addresses", "target: {source_addresses: [\"127.0.0.2-127.0.0.4\", \"::1\"]}\n", func(t *testing.T, s *Scenario) {
			assert.Len(t, s.Target.SourceAddresses, 2)
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, err := Parse([]byte("devices: {count: 5}\n"+tt.src), "a.yaml")
			require.NoError(t, err)
			tt.check(t, s)
		})
	}
}

func TestArrivalAndBehaviourErrors(t *testing.T) {
	tests := []struct{ name, src, want string }{
		{"two shapes", "arrival: {rate: 5, burst: {size: 1, every: 1s}}\n", "arrival: set one of rate, stages or burst"},
		{"start_rate alone", "arrival: {start_rate: 5}\n", "arrival.start_rate: applies to stages only"},
		{"empty stages", "arrival: {stages: [{duration: 0s, rate: 5}]}\n", "the stages start no device"},
		{"negative stage rate", "arrival: {stages: [{duration: 1s, rate: -5}]}\n", "arrival.stages[0].rate: must not be negative"},
		{"burst size", "arrival: {burst: {size: 0, every: 1s}}\n", "arrival.burst.size"},
		{"burst every", "arrival: {burst: {size: 2}}\n", "arrival.burst.every"},
		{"closed without concurrency", "arrival: {model: closed}\n", "needs concurrency"},
		{"closed with rate", "arrival: {model: closed, concurrency: 2, rate: 5}\n", "arrival.rate: applies to the open model only"},
		{"open with concurrency", "arrival: {concurrency: 2}\n", "applies to the closed model only"},
		{"bad model", "arrival: {model: half-open}\n", `unknown model "half-open"`},
		{"negative cap", "arrival: {max_in_flight: -1}\n", "arrival.max_in_flight"},
		{"bad policy", "device: {backoff_policy: linear}\n", `unknown policy "linear"`},
		{"max below backoff", "device: {backoff: 5s, backoff_policy: exponential, backoff_max: 1s}\n", "must be at least device.backoff"},
		{"max on constant", "device: {backoff_max: 1s}\n", "applies to backoff_policy: exponential only"},
		{"jitter", "device: {backoff_jitter: 1.5}\n", "fraction from 0 to 1"},
		{"publish without hold", "device: {hold: {publish_every: 1s}}\n", "needs device.hold.duration"},
		{"tls version", "device: {tls: {min_version: \"1.1\"}}\n", `unknown TLS version "1.1"`},
		{"tls order", "device: {tls: {min_version: \"1.3\", max_version: \"1.2\"}}\n", "is above max_version"},
		{"curve", "device: {tls: {curves: [p255]}}\n", `device.tls.curves[0]: unknown curve "p255"`},
		{"source address", "target: {source_addresses: [\"127.0.0.300\"]}\n", "target.source_addresses[0]: bad address"},
		{"key pool", "devices: {key_pool: -1}\n", "devices.key_pool"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			src := "devices: {count: 5}\n" + tt.src
			if tt.name == "key pool" {
				src = "devices: {count: 5, key_pool: -1}\n"
			}
			_, err := Parse([]byte(src), "a.yaml")
			require.Error(t, err)
			assert.Contains(t, err.Error(), tt.want)
		})
	}
}

func TestOverrideRateNeedsConstantRate(t *testing.T) {
	s, err := Parse([]byte("devices: {count: 5}\narrival: {burst: {size: 2, every: 1s}}\n"), "a.yaml")
	require.NoError(t, err)
	assert.ErrorContains(t, s.Override(0, 10), "not a constant rate")
}

func TestParseAddresses(t *testing.T) {
	got, err := ParseAddresses("127.0.0.2-127.0.0.4")
	require.NoError(t, err)
	assert.Equal(t, []netip.Addr{netip.MustParseAddr("127.0.0.2"), netip.MustParseAddr("127.0.0.3"), netip.MustParseAddr("127.0.0.4")}, got)
	got, err = ParseAddresses("::1")
	require.NoError(t, err)
	assert.Len(t, got, 1)
	for _, bad := range []string{"", "x", "127.0.0.5-127.0.0.1", "127.0.0.1-::1", "10.0.0.0-10.2.0.0"} {
		_, err := ParseAddresses(bad)
		assert.Error(t, err, bad)
	}
}
