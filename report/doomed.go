package report

import "strings"

// Doomed reports whether the gate can no longer pass, whatever the devices
// still to come do, given the counters so far and the number of devices the
// run plans to start. Only gates whose metric can move one way are decided
// early: counts that only grow (outcome.*, idempotency.*, devices.started,
// devices.completed, <phase>.count) under <, <= or ==; <phase>.max under < or
// <=; rate.failure under <, <= or == with the bound failed/planned; and
// rate.success under >, >= or == with the bound (planned-failed)/planned.
// Percentiles and means are never decided early.
func (g Gate) Doomed(l Live, planned int) bool {
	group, field, _ := strings.Cut(g.Metric, ".")
	grows := func(v float64) bool { // a count that only grows: broken once past the bound
		switch g.Op {
		case "<":
			return v >= g.Threshold
		case "<=", "==":
			return v > g.Threshold
		}
		return false
	}
	if p, isPhase := ParsePhase(group); isPhase {
		switch field {
		case "count":
			return grows(float64(l.Count[p]))
		case "max":
			if l.Count[p] == 0 || (g.Op != "<" && g.Op != "<=") {
				return false
			}
			return !compare(float64(l.Max[p].Microseconds())/1000, g.Op, g.Threshold)
		}
		return false
	}
	switch g.Metric {
	case "idempotency.violations":
		return grows(float64(l.IdempotencyViolations))
	case "idempotency.checked":
		return grows(float64(l.IdempotencyChecked))
	case "devices.completed":
		return grows(float64(l.Completed))
	}
	switch group {
	case "outcome":
		return grows(float64(l.Outcomes[Outcome(field)]))
	case "rate":
		if planned <= 0 || l.Failed == 0 {
			return false
		}
		failed := float64(l.Failed) / float64(planned)
		if field == "failure" { // the final failure ratio is at least failed/planned
			switch g.Op {
			case "<":
				return failed >= g.Threshold
			case "<=", "==":
				return failed > g.Threshold
			}
			return false
		}
		best := 1 - failed // the final success ratio is at most this
		switch g.Op {
		case ">":
			return best <= g.Threshold
		case ">=", "==":
			return best < g.Threshold
		}
	}
	return false
}

// FirstDoomed returns the first gate that can no longer pass, if any.
func FirstDoomed(gates []Gate, l Live, planned int) (Gate, bool) {
	for _, g := range gates {
		if g.Doomed(l, planned) {
			return g, true
		}
	}
	return Gate{}, false
}
