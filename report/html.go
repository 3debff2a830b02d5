package report

import (
	_ "embed"
	"fmt"
	"html/template"
	"io"
	"slices"
	"time"
)

// htmlTemplate is the report page: inline CSS, inline SVG, no script and no
// external resource; its Content-Security-Policy forbids loading any.
//
//go:embed html.tmpl
var htmlTemplate string

var htmlPage = template.Must(template.New("report").Parse(htmlTemplate))

// htmlModel is what the template renders.
type htmlModel struct {
	S            *Summary
	Title        string
	Verdict      string
	VerdictClass string
	Facts        []htmlFact
	Gates        []htmlGate
	Latency      []htmlLatency
	Outcomes     []htmlOutcome
	Target       []htmlFact
	Charts       map[string]template.HTML
}

type htmlFact struct{ Name, Value string }

type htmlGate struct {
	Expr, Detail string
	Passed       bool
}

type htmlLatency struct {
	Phase                               string
	Count                               int64
	P50, P90, P99, P999, Max, Mean, Min string
}

type htmlOutcome struct {
	Name    string
	Count   int
	Pct     string
	Reasons []string
	Success bool
}

// WriteHTML writes a self-contained HTML report: run facts, gates, SVG charts
// of the latency distribution per phase, completions per second and provision
// latency over time, the outcome breakdown, the latency table and, for a
// capacity ramp, its knee, charts and steps. It needs no network to display.
func WriteHTML(w io.Writer, s *Summary) error {
	m := htmlModel{S: s, Title: "jitpsim " + s.Scenario, Verdict: s.Verdict(), Charts: map[string]template.HTML{}}
	switch m.Verdict {
	case "PASSED":
		m.VerdictClass = "pass"
	case "FAILED":
		m.VerdictClass = "fail"
	default:
		m.VerdictClass = "stop"
	}
	started := "unknown"
	if !s.StartedAt.IsZero() {
		started = s.StartedAt.UTC().Format(time.RFC3339)
	}
	m.Facts = []htmlFact{
		{"started", started},
		{"duration", (time.Duration(s.DurationS*1000) * time.Millisecond).String()},
		{"devices planned", fmt.Sprint(s.Devices.Planned)},
		{"devices started", fmt.Sprint(s.Devices.Started)},
		{"devices completed", fmt.Sprint(s.Devices.Completed)},
		{"succeeded / failed", fmt.Sprintf("%d / %d", s.Success(), s.Failed())},
		{"throughput", fmt.Sprintf("%.1f succeeded/s", s.Throughput())},
		{"idempotency", fmt.Sprintf("%d checked, %d violations", s.Idempotency.Checked, s.Idempotency.Violations)},
	}
	if note := s.ShardNote(); note != "" {
		m.Facts = append(m.Facts, htmlFact{"shards", note})
	}
	if s.Devices.DroppedStarts > 0 {
		m.Facts = append(m.Facts, htmlFact{"dropped starts", fmt.Sprint(s.Devices.DroppedStarts)})
	}
	if s.Aborted != "" {
		m.Facts = append(m.Facts, htmlFact{"aborted", "gate " + s.Aborted + " can no longer pass"})
	}
	for _, g := range s.Gates {
		m.Gates = append(m.Gates, htmlGate{Expr: g.Expr, Detail: gateDetail(g), Passed: g.Passed})
	}
	for _, p := range Phases() {
		ps := s.Latency[p.String()]
		row := htmlLatency{Phase: p.String(), Count: ps.Count}
		if ps.Count > 0 {
			row.P50, row.P90, row.P99, row.P999 = formatMs(ps.P50), formatMs(ps.P90), formatMs(ps.P99), formatMs(ps.P999)
			row.Max, row.Mean, row.Min = formatMs(ps.Max), formatMs(ps.Mean), formatMs(ps.Min)
		}
		m.Latency = append(m.Latency, row)
	}
	for _, o := range Outcomes() {
		n := s.Outcomes[o]
		if n == 0 {
			continue
		}
		m.Outcomes = append(m.Outcomes, htmlOutcome{Name: string(o), Count: n, Success: o.Success(),
			Pct: fmt.Sprintf("%.1f%%", 100*float64(n)/float64(max(s.Devices.Completed, 1))), Reasons: s.Reasons[o]})
	}
	keys := make([]string, 0, len(s.Target))
	for k := range s.Target {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		m.Target = append(m.Target, htmlFact{k, fmt.Sprint(s.Target[k])})
	}
	m.Charts["distribution"] = distributionChart(s)
	m.Charts["throughput"] = throughputChart(s)
	m.Charts["provision"] = provisionOverTimeChart(s)
	m.Charts["outcomes"] = outcomesChart(s)
	if s.Capacity != nil {
		m.Charts["capacityRate"], m.Charts["capacityLatency"] = capacityCharts(s.Capacity)
	}
	if err := htmlPage.Execute(w, m); err != nil {
		return fmt.Errorf("write report.html: %w", err)
	}
	return nil
}
