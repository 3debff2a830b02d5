package sim

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestPlanCapacity(t *testing.T) {
	tests := []struct {
		name      string
		src       string
		inProcess bool
		want      CapacityPlan
	}{
		{"rate times session", "devices: {count: 10000}\narrival: {rate: 100}\ndevice: {backoff: 1s}\ntarget: {provision_delay: 1s}\n", true,
			CapacityPlan{InFlight: 300, FDsPerDevice: 2, Sources: 1, Shards: 1}},
		{"aws limits assume AWS's 3 s delay", "devices: {count: 10000}\narrival: {rate: 100}\ndevice: {backoff: 1s}\ntarget: {aws_limits: true}\n", true,
			CapacityPlan{InFlight: 500, FDsPerDevice: 2, Sources: 1, Shards: 1}},
		{"aws limits with a delay of the scenario's", "devices: {count: 10000}\narrival: {rate: 100}\ndevice: {backoff: 1s}\ntarget: {aws_limits: true, provision_delay: 1s}\n", true,
			CapacityPlan{InFlight: 300, FDsPerDevice: 2, Sources: 1, Shards: 1}},
		{"never more than the fleet", "devices: {count: 20}\narrival: {rate: 1000}\n", false,
			CapacityPlan{InFlight: 20, FDsPerDevice: 1, Sources: 1, Shards: 1}},
		{"cap wins", "devices: {count: 10000}\narrival: {rate: 1000, max_in_flight: 50}\n", true,
			CapacityPlan{InFlight: 50, FDsPerDevice: 2, Sources: 1, Shards: 1}},
		{"closed", "devices: {count: 10000}\narrival: {model: closed, concurrency: 7}\n", true,
			CapacityPlan{InFlight: 7, FDsPerDevice: 2, Sources: 1, Shards: 1}},
		{"hold and sources", "devices: {count: 100000}\narrival: {rate: 100}\ndevice: {backoff: 0s, hold: {duration: 99s}}\ntarget: {provision_delay: 0s, source_addresses: [\"127.0.0.2-127.0.0.5\"]}\n", false,
			CapacityPlan{InFlight: 10000, FDsPerDevice: 1, Sources: 4, Shards: 1}},
		{"burst", "devices: {count: 1000}\narrival: {burst: {size: 500, every: 10s}}\ndevice: {backoff: 0s}\ntarget: {provision_delay: 0s}\n", false,
			CapacityPlan{InFlight: 500, FDsPerDevice: 1, Sources: 1, Shards: 1}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, PlanCapacity(testScenario(t, tt.src), nil, tt.inProcess))
		})
	}
}

func TestCheckCapacity(t *testing.T) {
	limits := Limits{OpenFiles: 1024, EphemeralPorts: 28232}
	require.NoError(t, CheckCapacity(CapacityPlan{InFlight: 400, FDsPerDevice: 2, Sources: 1}, limits))
	err := CheckCapacity(CapacityPlan{InFlight: 600, FDsPerDevice: 2, Sources: 1}, limits)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "need 1264 open files")
	assert.Contains(t, err.Error(), "ulimit -n 1264")
	assert.Contains(t, err.Error(), "max_in_flight")
	assert.NotContains(t, err.Error(), "\n")

	big := Limits{OpenFiles: 1 << 20, EphemeralPorts: 28232}
	err = CheckCapacity(CapacityPlan{InFlight: 40000, FDsPerDevice: 1, Sources: 1}, big)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "source_addresses")
	require.NoError(t, CheckCapacity(CapacityPlan{InFlight: 40000, FDsPerDevice: 1, Sources: 2}, big))
}

func TestSystemLimits(t *testing.T) {
	l, err := SystemLimits()
	require.NoError(t, err)
	assert.Positive(t, l.OpenFiles)
	assert.Positive(t, l.EphemeralPorts)
}
