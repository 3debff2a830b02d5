package report

import (
	"fmt"
	"html/template"
	"math"
	"strconv"
)

// phaseColors gives every phase a fixed colour in the charts.
var phaseColors = [NumPhases]string{"#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#7f7f7f"}

// Colours for success, failure and offered load.
const (
	colorOK      = "#2ca02c"
	colorFail    = "#d62728"
	colorOffered = "#7f7f7f"
	colorP99     = "#d62728"
	colorP50     = "#1f77b4"
)

// formatMsAxis labels a millisecond value on an axis: µs, ms or s as fits.
func formatMsAxis(ms float64) string {
	switch {
	case ms >= 1000:
		return strconv.FormatFloat(ms/1000, 'g', 3, 64) + "s"
	case ms >= 1:
		return strconv.FormatFloat(ms, 'g', 3, 64) + "ms"
	case ms > 0:
		return strconv.FormatFloat(ms*1000, 'g', 3, 64) + "µs"
	}
	return "0"
}

// distributionChart plots each phase's latency by percentile, HdrHistogram
// style: the x axis is log10(1/(1-p)), so 90%, 99% and 99.9% are evenly apart.
func distributionChart(s *Summary) template.HTML {
	c := lineChart{Title: "Latency by percentile, per phase", XLabel: "percentile", YLabel: "latency",
		LogY: true, YFormat: formatMsAxis}
	var most int64
	for _, p := range Phases() {
		if h := s.Histogram(p); h != nil {
			most = max(most, h.TotalCount())
		}
	}
	xmax := math.Min(math.Max(math.Ceil(math.Log10(float64(max(most, 1)))), 1), 5)
	labels := []string{"0%", "90%", "99%", "99.9%", "99.99%", "99.999%"}
	for i := 0; i <= int(xmax); i++ {
		c.XTicks = append(c.XTicks, tick{float64(i), labels[i]})
	}
	for _, p := range Phases() {
		h := s.Histogram(p)
		if h == nil || h.TotalCount() == 0 {
			continue
		}
		sr := series{Name: p.String(), Color: phaseColors[p]}
		for x := 0.0; x <= xmax+1e-9; x += 0.05 {
			q := 100 * (1 - math.Pow(10, -x))
			sr.Points = append(sr.Points, point{x, msFromMicros(max(h.ValueAtPercentile(q), 1))})
		}
		c.Series = append(c.Series, sr)
	}
	return c.svg()
}

// throughputChart stacks the devices that succeeded and failed in each second.
func throughputChart(s *Summary) template.HTML {
	c := barChart{Title: "Devices completed per second", XLabel: "seconds since start", YLabel: "devices/s"}
	ok := bars{Name: "provisioned", Color: colorOK}
	bad := bars{Name: "failed", Color: colorFail}
	for _, r := range s.Timeline {
		c.X = append(c.X, float64(r.Second))
		ok.Values = append(ok.Values, float64(r.Succeeded))
		bad.Values = append(bad.Values, float64(r.Failed))
	}
	c.Stacks = []bars{ok, bad}
	return c.svg()
}

// provisionOverTimeChart plots each second's provision p50 and p99.
func provisionOverTimeChart(s *Summary) template.HTML {
	c := lineChart{Title: "Provision latency over time (p50, p99)", XLabel: "seconds since start",
		YLabel: "provision", YFormat: formatMsAxis}
	p50 := series{Name: "p50", Color: colorP50}
	p99 := series{Name: "p99", Color: colorP99}
	for _, r := range s.Timeline {
		if r.ProvisionCount == 0 {
			continue
		}
		x := float64(r.Second) + 0.5
		p50.Points = append(p50.Points, point{x, r.ProvisionP50})
		p99.Points = append(p99.Points, point{x, r.ProvisionP99})
	}
	c.Series = []series{p50, p99}
	return c.svg()
}

// outcomesChart shows how many devices ended with each outcome.
func outcomesChart(s *Summary) template.HTML {
	var rows []hbar
	for _, o := range Outcomes() {
		n := s.Outcomes[o]
		if n == 0 {
			continue
		}
		color := colorFail
		if o.Success() {
			color = colorOK
		}
		pct := 100 * float64(n) / float64(max(s.Devices.Completed, 1))
		rows = append(rows, hbar{Label: string(o), Value: float64(n), Color: color, Note: fmt.Sprintf("%d (%.1f%%)", n, pct)})
	}
	return hbarSVG("Outcomes", rows)
}

// capacityCharts plot a ramp's achieved against offered rate, and its
// provision latency per step.
func capacityCharts(c *Capacity) (rate, latency template.HTML) {
	offered := series{Name: "offered", Color: colorOffered, Dashed: true}
	achieved := series{Name: "achieved", Color: colorOK}
	p50 := series{Name: "p50", Color: colorP50}
	p99 := series{Name: "p99", Color: colorP99}
	for _, st := range c.Steps {
		offered.Points = append(offered.Points, point{st.OfferedRate, st.OfferedRate})
		achieved.Points = append(achieved.Points, point{st.OfferedRate, st.AchievedRate})
		if st.Succeeded > 0 {
			p50.Points = append(p50.Points, point{st.OfferedRate, st.ProvisionP50})
			p99.Points = append(p99.Points, point{st.OfferedRate, st.ProvisionP99})
		}
	}
	rate = lineChart{Title: "Capacity ramp: provisioned/s achieved per offered rate", XLabel: "offered devices/s",
		YLabel: "provisioned/s", Series: []series{offered, achieved}}.svg()
	latency = lineChart{Title: "Capacity ramp: provision latency per step", XLabel: "offered devices/s",
		YLabel: "provision", Series: []series{p50, p99}, YFormat: formatMsAxis}.svg()
	return rate, latency
}
