package report

import (
	"bytes"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"
)

// maxTextReason is the longest sample reason WriteText prints before cutting it short.
const maxTextReason = 100

// WriteText writes a compact report a person reads at a glance: a header with
// devices, duration and throughput (and, for a shard or a merge of shards, a
// line saying which), the latency table in milliseconds, outcome
// counts with a sample reason for failures, idempotency, gates and the verdict.
func WriteText(w io.Writer, s *Summary) error {
	var b bytes.Buffer
	writeHeader(&b, s)
	writeLatency(&b, s)
	writeOutcomes(&b, s)
	fmt.Fprintf(&b, "idempotency: %d checked, %d violations\n", s.Idempotency.Checked, s.Idempotency.Violations)
	writeTarget(&b, s)
	writeCapacity(&b, s)
	writeGates(&b, s)
	if s.Aborted != "" {
		fmt.Fprintf(&b, "\naborted: gate %s can no longer pass\n", s.Aborted)
	}
	b.WriteString(s.Verdict())
	b.WriteByte('\n')
	_, err := w.Write(b.Bytes())
	return err
}

func writeHeader(b *bytes.Buffer, s *Summary) {
	name := "jitpsim"
	if s.Scenario != "" {
		name += " " + s.Scenario
	}
	d := time.Duration(s.DurationS * float64(time.Second)).Round(time.Millisecond)
	fmt.Fprintf(b, "%s: %d/%d devices completed in %s (%d succeeded, %d failed), %.1f succeeded/s\n",
		name, s.Devices.Completed, s.Devices.Planned, d, s.Success(), s.Failed(), s.Throughput())
	if note := s.ShardNote(); note != "" {
		b.WriteString(note + "\n")
	}
}

func writeLatency(b *bytes.Buffer, s *Summary) {
	width := len("phase")
	for _, p := range Phases() {
		width = max(width, len(p.String()))
	}
	b.WriteString("\nlatency (ms)\n")
	tw := tabwriter.NewWriter(b, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintf(tw, "%-*s\tcount\tp50\tp90\tp99\tmax\t\n", width, "phase")
	var clamped []string
	for _, p := range Phases() {
		ps := s.Latency[p.String()]
		if ps.Count == 0 {
			fmt.Fprintf(tw, "%-*s\t0\t-\t-\t-\t-\t\n", width, p)
			continue
		}
		fmt.Fprintf(tw, "%-*s\t%d\t%s\t%s\t%s\t%s\t\n", width, p, ps.Count,
			formatMs(ps.P50), formatMs(ps.P90), formatMs(ps.P99), formatMs(ps.Max))
		if ps.Clamped > 0 {
			clamped = append(clamped, fmt.Sprintf("%d %s", ps.Clamped, p))
		}
	}
	_ = tw.Flush() // writes to a bytes.Buffer cannot fail
	if len(clamped) > 0 {
		fmt.Fprintf(b, "note: latencies above %s were clamped to it: %s\n",
			time.Duration(HistogramHighest)*time.Microsecond, strings.Join(clamped, ", "))
	}
}

func writeOutcomes(b *bytes.Buffer, s *Summary) {
	b.WriteString("\noutcomes\n")
	if s.Devices.Completed == 0 {
		b.WriteString("  none: no device completed\n")
		return
	}
	order := Outcomes()
	var extra []Outcome
	for o := range s.Outcomes {
		if !slices.Contains(order, o) {
			extra = append(extra, o)
		}
	}
	slices.Sort(extra)
	order = append(order, extra...)

	tw := tabwriter.NewWriter(b, 0, 0, 2, ' ', 0)
	for _, o := range order {
		n := s.Outcomes[o]
		if n == 0 {
			continue
		}
		pct := 100 * float64(n) / float64(s.Devices.Completed)
		fmt.Fprintf(tw, "  %s\t%d\t%5.1f%%", o, n, pct)
		if rs := s.Reasons[o]; !o.Success() && len(rs) > 0 {
			fmt.Fprintf(tw, "\te.g. %s", shorten(rs[0], maxTextReason))
		}
		fmt.Fprintln(tw)
	}
	_ = tw.Flush()
}

func writeTarget(b *bytes.Buffer, s *Summary) {
	if len(s.Target) == 0 {
		return
	}
	keys := make([]string, 0, len(s.Target))
	for k := range s.Target {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	b.WriteString("target:")
	for _, k := range keys {
		fmt.Fprintf(b, " %s=%d", k, s.Target[k])
	}
	b.WriteByte('\n')
}

func writeGates(b *bytes.Buffer, s *Summary) {
	if len(s.Gates) == 0 {
		return
	}
	b.WriteString("\ngates\n")
	tw := tabwriter.NewWriter(b, 0, 0, 2, ' ', 0)
	for _, g := range s.Gates {
		verdict := "FAIL"
		if g.Passed {
			verdict = "PASS"
		}
		detail := g.Reason
		if g.Value != nil {
			detail = "value " + formatMetric(g.Metric, *g.Value)
		}
		fmt.Fprintf(tw, "  %s\t%s\t%s\n", verdict, g.Expr, detail)
	}
	_ = tw.Flush()
}

// formatMs formats milliseconds with microsecond precision.
func formatMs(ms float64) string {
	return strconv.FormatFloat(ms, 'f', 3, 64)
}

// formatMetric formats a metric's value with its unit.
func formatMetric(metric string, v float64) string {
	switch metricKinds[metric] {
	case kindLatency:
		return formatMs(v) + "ms"
	case kindRate:
		return strconv.FormatFloat(100*v, 'f', 2, 64) + "%"
	default:
		return strconv.FormatFloat(v, 'f', -1, 64)
	}
}

// shorten cuts s to at most n runes, marking the cut with an ellipsis, and
// flattens line breaks so the reason stays on one line.
func shorten(s string, n int) string {
	s = strings.Join(strings.Fields(s), " ")
	if r := []rune(s); len(r) > n {
		return string(r[:n-1]) + "…"
	}
	return s
}
