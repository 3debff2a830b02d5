package scenario

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestCapacitySteps(t *testing.T) {
	c := Capacity{StartRate: 10, StepRate: 15, MaxRate: 50, StepDuration: 2 * time.Second}
	steps := c.Steps(100)
	require.Len(t, steps, 3, "10, 25 and 40; 55 is above max_rate")
	assert.Equal(t, []CapacityStep{
		{Rate: 10, Devices: 20, FirstIndex: 100},
		{Rate: 25, Devices: 50, FirstIndex: 120},
		{Rate: 40, Devices: 80, FirstIndex: 170},
	}, steps)

	tiny := Capacity{StartRate: 0.1, StepRate: 0.1, MaxRate: 0.3, StepDuration: time.Second}
	for _, st := range tiny.Steps(0) {
		assert.Equal(t, 1, st.Devices, "every step runs at least one device")
	}
}

func TestParseCapacity(t *testing.T) {
	src := `devices: {name_pattern: "r-{index}"}
capacity: {start_rate: 10, step_rate: 10, max_rate: 30, step_duration: 1s}
`
	s, err := Parse([]byte(src), "ramp.yaml")
	require.NoError(t, err)
	require.NotNil(t, s.Capacity)
	assert.Equal(t, 60, s.Devices.Count, "10 + 20 + 30 devices")
	assert.Equal(t, DefaultMinAchieved, s.Capacity.MinAchieved)

	tests := []struct{ name, src, want string }{
		{"count set", "devices: {count: 5}\ncapacity: {start_rate: 1, step_rate: 1, max_rate: 2, step_duration: 1s}\n",
			"r.yaml:1:18: devices.count: a capacity ramp sets"},
		{"rate set", "arrival: {rate: 5}\ncapacity: {start_rate: 1, step_rate: 1, max_rate: 2, step_duration: 1s}\n",
			"r.yaml:1:17: arrival.rate: a capacity ramp sets"},
		{"no start", "capacity: {step_rate: 1, max_rate: 2, step_duration: 1s}\n", "capacity.start_rate: must be a positive rate"},
		{"no step", "capacity: {start_rate: 1, max_rate: 2, step_duration: 1s}\n", "capacity.step_rate: must be a positive rate"},
		{"no max", "capacity: {start_rate: 1, step_rate: 1, step_duration: 1s}\n", "capacity.max_rate: missing"},
		{"max below start", "capacity: {start_rate: 5, step_rate: 1, max_rate: 2, step_duration: 1s}\n", "r.yaml:1:51: capacity.max_rate: must be at least start_rate"},
		{"no duration", "capacity: {start_rate: 1, step_rate: 1, max_rate: 2}\n", "capacity.step_duration: must be a positive duration"},
		{"bad share", "capacity: {start_rate: 1, step_rate: 1, max_rate: 2, step_duration: 1s, min_achieved: 90}\n", "capacity.min_achieved: must be a share"},
		{"too many steps", "capacity: {start_rate: 1, step_rate: 0.001, max_rate: 2, step_duration: 1s}\n", "at most 1000"},
		{"misspelt", "capacity: {start_rat: 1}\n", `r.yaml:1:12: capacity: unknown field "start_rat" (did you mean "start_rate"?)`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse([]byte(tt.src), "r.yaml")
			require.Error(t, err)
			assert.Contains(t, err.Error(), tt.want)
		})
	}
}

func TestParseAbortOnFail(t *testing.T) {
	s, err := Parse([]byte("devices: {count: 1}\nabort_on_fail: true\nthresholds: [outcome.timeout == 0]\n"), "a.yaml")
	require.NoError(t, err)
	assert.True(t, s.AbortOnFail)
	_, err = Parse([]byte("devices: {count: 1}\nabort_on_fail: maybe\n"), "a.yaml")
	assert.ErrorContains(t, err, "a.yaml:2:16: abort_on_fail:")
}
