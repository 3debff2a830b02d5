package report

// GateResult is a gate together with the outcome of evaluating it against a summary.
type GateResult struct {
	// Gate is the gate that was evaluated.
	Gate
	// Value is the metric's value, or nil when the metric had no data.
	Value *float64 `json:"value"`
	// Passed is true when the comparison held.
	Passed bool `json:"passed"`
	// Reason says why a gate failed without a comparison, such as "no data".
	Reason string `json:"reason,omitempty"`
}

// Evaluate evaluates the gates against the summary, filling s.Gates and
// s.Passed. A gate whose metric has no data fails with reason "no data";
// Passed is true when there are no gates.
func (s *Summary) Evaluate(gates []Gate) {
	results := make([]GateResult, 0, len(gates))
	passed := true
	for _, g := range gates {
		r := GateResult{Gate: g}
		switch v, ok := s.Metric(g.Metric); {
		case !KnownMetric(g.Metric):
			r.Reason = "unknown metric"
		case !validOp(g.Op):
			r.Reason = "unknown operator"
		case !ok:
			r.Reason = "no data"
		default:
			r.Value = &v
			r.Passed = compare(v, g.Op, g.Threshold)
		}
		passed = passed && r.Passed
		results = append(results, r)
	}
	s.Gates = results
	s.Passed = passed
}

// compare applies op to v and threshold.
func compare(v float64, op string, threshold float64) bool {
	switch op {
	case "<":
		return v < threshold
	case "<=":
		return v <= threshold
	case ">":
		return v > threshold
	case ">=":
		return v >= threshold
	case "==":
		return v == threshold
	case "!=":
		return v != threshold
	}
	return false
}
