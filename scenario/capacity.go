package scenario

import (
	"math"
	"time"
)

// Capacity defaults and bounds.
const (
	// DefaultMinAchieved is the share of the offered rate a step must achieve
	// to count as sustained.
	DefaultMinAchieved = 0.9
	// MaxCapacitySteps bounds the number of steps of a ramp.
	MaxCapacitySteps = 1000
)

// Capacity is a stepped ramp for capacity planning: the run offers
// StartRate devices per second for StepDuration, then StartRate+StepRate, and
// so on up to MaxRate, with fresh identities in every step, until a step
// breaks a gate or does not keep up; the report names the knee.
type Capacity struct {
	// StartRate is the arrival rate of the first step, devices per second.
	StartRate float64 `yaml:"start_rate"`
	// StepRate is how much the rate rises from one step to the next.
	StepRate float64 `yaml:"step_rate"`
	// MaxRate is the highest rate offered; the ramp ends after it.
	MaxRate float64 `yaml:"max_rate"`
	// StepDuration is how long each step offers its rate; a step runs
	// rate × step_duration devices and waits for all of them.
	StepDuration time.Duration `yaml:"step_duration"`
	// MinAchieved is the share (0..1) of the offered rate a step must achieve
	// to count as sustained (default 0.9; 0 turns the check off).
	MinAchieved float64 `yaml:"min_achieved"`
}

// CapacityStep is one planned step of a ramp.
type CapacityStep struct {
	// Rate is the step's arrival rate, devices per second.
	Rate float64
	// Devices is the number of devices the step starts.
	Devices int
	// FirstIndex is the index of the step's first device; steps never share an index.
	FirstIndex int
}

// Steps plans the ramp: each step's rate, device count and first index,
// counting device indices on from firstIndex.
func (c *Capacity) Steps(firstIndex int) []CapacityStep {
	var steps []CapacityStep
	next := firstIndex
	for i := 0; i < MaxCapacitySteps; i++ {
		rate := c.StartRate + float64(i)*c.StepRate
		if rate > c.MaxRate*(1+1e-9) {
			break
		}
		n := max(1, int(math.Round(rate*c.StepDuration.Seconds())))
		steps = append(steps, CapacityStep{Rate: rate, Devices: n, FirstIndex: next})
		next += n
		if c.StepRate <= 0 {
			break
		}
	}
	return steps
}

// validateCapacity checks the capacity section and sizes the fleet to the
// whole ramp: devices.count becomes the sum of every step's devices.
func (d *decoder) validateCapacity(s *Scenario) error {
	c := s.Capacity
	if c == nil {
		return nil
	}
	for _, f := range []string{"devices.count", "arrival.rate", "arrival.start_rate", "arrival.stages",
		"arrival.burst", "arrival.model", "arrival.concurrency"} {
		if _, set := d.pos[f]; set {
			return d.errAt(f, "a capacity ramp sets the rate and the devices of every step (rate × step_duration); remove %s", f)
		}
	}
	if c.StartRate <= 0 {
		return d.errAt("capacity.start_rate", "must be a positive rate in devices per second, got %g", c.StartRate)
	}
	if c.StepRate <= 0 {
		return d.errAt("capacity.step_rate", "must be a positive rate in devices per second, got %g", c.StepRate)
	}
	if _, set := d.pos["capacity.max_rate"]; !set {
		return d.errAt("capacity.max_rate", "missing: set the highest rate to offer, e.g. max_rate: 200")
	}
	if c.MaxRate < c.StartRate {
		return d.errAt("capacity.max_rate", "must be at least start_rate (%g), got %g", c.StartRate, c.MaxRate)
	}
	if c.StepDuration <= 0 {
		return d.errAt("capacity.step_duration", "must be a positive duration such as 10s")
	}
	if _, set := d.pos["capacity.min_achieved"]; !set {
		c.MinAchieved = DefaultMinAchieved
	}
	if c.MinAchieved < 0 || c.MinAchieved > 1 {
		return d.errAt("capacity.min_achieved", "must be a share between 0 and 1, got %g", c.MinAchieved)
	}
	if n := (c.MaxRate - c.StartRate) / c.StepRate; n >= MaxCapacitySteps {
		return d.errAt("capacity.step_rate", "gives %.0f steps; at most %d: raise step_rate or lower max_rate", n+1, MaxCapacitySteps)
	}
	total := 0
	for _, st := range c.Steps(s.Devices.FirstIndex) {
		total += st.Devices
	}
	if total > MaxDevices {
		return d.errAt("capacity", "the ramp runs %d devices in all; at most %d", total, MaxDevices)
	}
	s.Devices.Count = total
	return nil
}
