package report

import (
	"slices"
	"strings"
)

// metricKind says what unit a metric is measured in.
type metricKind int

const (
	kindCount   metricKind = iota // a plain count, no unit
	kindLatency                   // milliseconds; gates accept us, ms, s, m
	kindRate                      // a ratio 0..1; gates accept %
)

// phaseStatNames are the statistics available for every phase as <phase>.<stat>.
var phaseStatNames = []string{"p50", "p90", "p95", "p99", "p999", "max", "min", "mean", "count"}

// metricNames lists every known metric in a stable order; metricKinds maps each to its kind.
var metricNames, metricKinds = buildMetricCatalog()

func buildMetricCatalog() ([]string, map[string]metricKind) {
	kinds := make(map[string]metricKind)
	var names []string
	add := func(name string, k metricKind) {
		names = append(names, name)
		kinds[name] = k
	}
	for _, p := range Phases() {
		for _, st := range phaseStatNames {
			k := kindLatency
			if st == "count" {
				k = kindCount
			}
			add(p.String()+"."+st, k)
		}
	}
	for _, o := range Outcomes() {
		add("outcome."+string(o), kindCount)
	}
	add("rate.success", kindRate)
	add("rate.failure", kindRate)
	add("idempotency.checked", kindCount)
	add("idempotency.violations", kindCount)
	add("devices.planned", kindCount)
	add("devices.completed", kindCount)
	add("devices.started", kindCount)
	add("devices.dropped_starts", kindCount)
	return names, kinds
}

// KnownMetric reports whether name can be used in a gate expression.
func KnownMetric(name string) bool {
	_, ok := metricKinds[name]
	return ok
}

// KnownMetrics returns every metric name a gate may use, phases first.
func KnownMetrics() []string {
	return slices.Clone(metricNames)
}

// Metric returns the value of a named metric: latencies in milliseconds, rates
// as a ratio 0..1, counts as plain numbers. ok is false when the metric is
// unknown or has no data, such as a percentile of an empty phase or a rate
// before any device completed.
func (s *Summary) Metric(name string) (value float64, ok bool) {
	if !KnownMetric(name) {
		return 0, false
	}
	group, field, _ := strings.Cut(name, ".")
	if _, isPhase := ParsePhase(group); isPhase {
		return s.Latency[group].stat(field)
	}
	switch group {
	case "outcome":
		return float64(s.Outcomes[Outcome(field)]), true
	case "rate":
		if s.Devices.Completed <= 0 {
			return 0, false
		}
		succeeded := s.Success()
		if field == "failure" {
			return float64(s.Devices.Completed-succeeded) / float64(s.Devices.Completed), true
		}
		return float64(succeeded) / float64(s.Devices.Completed), true
	case "idempotency":
		if field == "checked" {
			return float64(s.Idempotency.Checked), true
		}
		return float64(s.Idempotency.Violations), true
	case "devices":
		switch field {
		case "planned":
			return float64(s.Devices.Planned), true
		case "started":
			return float64(s.Devices.Started), true
		case "dropped_starts":
			return float64(s.Devices.DroppedStarts), true
		}
		return float64(s.Devices.Completed), true
	}
	return 0, false
}

// stat returns one named statistic; only count has a value for an empty phase.
func (ps PhaseStats) stat(name string) (float64, bool) {
	if name == "count" {
		return float64(ps.Count), true
	}
	if ps.Count == 0 {
		return 0, false
	}
	switch name {
	case "p50":
		return ps.P50, true
	case "p90":
		return ps.P90, true
	case "p95":
		return ps.P95, true
	case "p99":
		return ps.P99, true
	case "p999":
		return ps.P999, true
	case "max":
		return ps.Max, true
	case "min":
		return ps.Min, true
	case "mean":
		return ps.Mean, true
	}
	return 0, false
}
