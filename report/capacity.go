package report

import (
	"fmt"
	"math"
	"time"
)

// Capacity is the result of a capacity ramp: one entry per step of rising
// offered rate, and the knee, the highest provisioning rate the target
// sustained within the gates.
type Capacity struct {
	// StepDurationS is how long each step offered its rate, in seconds.
	StepDurationS float64 `json:"step_duration_s"`
	// MinAchieved is the share of the offered rate a step must achieve to count as sustained.
	MinAchieved float64 `json:"min_achieved"`
	// Steps holds the steps that ran, in order.
	Steps []CapacityStep `json:"steps"`
	// Knee is the best step within the gates, or nil when even the first step broke them.
	Knee *Knee `json:"knee"`
	// Stopped says why the ramp ended.
	Stopped string `json:"stopped"`
}

// CapacityStep is one step of a capacity ramp.
type CapacityStep struct {
	// Step numbers the steps from 1.
	Step int `json:"step"`
	// OfferedRate is the arrival rate of the step, devices per second.
	OfferedRate float64 `json:"offered_rate"`
	// AchievedRate is successful provisionings per second over the step.
	AchievedRate float64 `json:"achieved_rate"`
	// Devices is the number of devices the step planned (rate × step duration).
	Devices int `json:"devices"`
	// Completed counts devices that reported an observation.
	Completed int `json:"completed"`
	// Succeeded counts devices that ended provisioned or already provisioned.
	Succeeded int `json:"succeeded"`
	// ErrorPct is the share of completed devices that failed, in percent.
	ErrorPct float64 `json:"error_pct"`
	// ProvisionP50 and ProvisionP99 are the step's provision latencies in ms (0 without data).
	ProvisionP50 float64 `json:"provision_p50_ms"`
	// ProvisionP99 is the step's 99th percentile provision latency in ms.
	ProvisionP99 float64 `json:"provision_p99_ms"`
	// DurationS is the step's wall time until its last device finished.
	DurationS float64 `json:"duration_s"`
	// Within is true when every gate passed and the achieved rate kept up.
	Within bool `json:"within"`
	// Failures lists why the step is not within: failing gates and a rate that did not keep up.
	Failures []string `json:"failures,omitempty"`
	// Gates holds the gates evaluated on the step alone.
	Gates []GateResult `json:"gates"`
}

// Knee is the highest sustained provisioning rate within the gates.
type Knee struct {
	// Step is the step the knee was measured in.
	Step int `json:"step"`
	// OfferedRate is that step's arrival rate.
	OfferedRate float64 `json:"offered_rate"`
	// AchievedRate is the successful provisionings per second it sustained.
	AchievedRate float64 `json:"achieved_rate"`
	// ProvisionP99 is that step's 99th percentile provision latency in ms.
	ProvisionP99 float64 `json:"provision_p99_ms"`
}

// NewCapacityStep evaluates one step's summary: gates on the step alone, the
// achieved rate, and whether the step counts as sustained (achieved at least
// minAchieved × offered).
func NewCapacityStep(step int, offered float64, s *Summary, gates []Gate, minAchieved float64) CapacityStep {
	s.Evaluate(gates)
	prov := s.Latency[PhaseProvision.String()]
	st := CapacityStep{
		Step:         step,
		OfferedRate:  offered,
		AchievedRate: round3(AchievedRate(s, offered)),
		Devices:      s.Devices.Planned,
		Completed:    s.Devices.Completed,
		Succeeded:    s.Success(),
		ProvisionP50: prov.P50,
		ProvisionP99: prov.P99,
		DurationS:    s.DurationS,
		Gates:        s.Gates,
	}
	if st.Completed > 0 {
		st.ErrorPct = round3(100 * float64(st.Completed-st.Succeeded) / float64(st.Completed))
	}
	for _, g := range s.Gates {
		if !g.Passed {
			st.Failures = append(st.Failures, g.Expr)
		}
	}
	if s.Interrupted {
		st.Failures = append(st.Failures, "stopped early")
	}
	if need := minAchieved * offered; st.AchievedRate < need {
		st.Failures = append(st.Failures, fmt.Sprintf("achieved %.1f/s < %.0f%% of offered", st.AchievedRate, 100*minAchieved))
	}
	st.Within = len(st.Failures) == 0
	return st
}

// AchievedRate estimates successful provisionings per second from the
// completion times of one step's successes: the middle 90% of them (5th to
// 95th percentile, so a few stragglers do not count) over the time they took
// to complete. With fewer than 20 successes it uses the first and the last,
// plus one arrival interval. A target that keeps up achieves the offered
// rate; one that queues spreads its completions out.
func AchievedRate(s *Summary, offered float64) float64 {
	n := float64(s.Success())
	lo, hi, share := 0.0, 100.0, 1.0
	if n >= 20 {
		lo, hi, share = 5, 95, 0.9
	}
	first, ok1 := s.SuccessTime(lo)
	last, ok2 := s.SuccessTime(hi)
	if !ok1 || !ok2 {
		return 0
	}
	span := (last - first).Seconds()
	if share == 1 && offered > 0 {
		span += 1 / offered
	}
	if span <= 0 {
		return 0
	}
	return share * n / span
}

// Finish sets the knee: the step with the highest achieved rate among the
// steps within the gates that ran before the first step that was not.
func (c *Capacity) Finish() {
	c.Knee = nil
	for _, st := range c.Steps {
		if !st.Within {
			break
		}
		if c.Knee == nil || st.AchievedRate > c.Knee.AchievedRate {
			c.Knee = &Knee{Step: st.Step, OfferedRate: st.OfferedRate, AchievedRate: st.AchievedRate,
				ProvisionP99: st.ProvisionP99}
		}
	}
}

// ApplyCapacity attaches a finished ramp to the run's summary. A capacity run
// passes when it found a knee; its gates are those evaluated at the knee step
// (or at the first step when there is no knee).
func (s *Summary) ApplyCapacity(c *Capacity) {
	s.Capacity = c
	s.Passed = c.Knee != nil
	s.Gates = []GateResult{}
	var at *CapacityStep
	for i := range c.Steps {
		if c.Knee != nil && c.Steps[i].Step == c.Knee.Step {
			at = &c.Steps[i]
		}
	}
	if at == nil && len(c.Steps) > 0 {
		at = &c.Steps[0]
	}
	if at != nil {
		s.Gates = append(s.Gates, at.Gates...)
	}
}

// StepDuration returns the configured step duration.
func (c *Capacity) StepDuration() time.Duration {
	return time.Duration(c.StepDurationS * float64(time.Second))
}

func round3(v float64) float64 {
	return math.Round(v*1000) / 1000
}
