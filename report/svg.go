package report

import (
	"fmt"
	"html"
	"html/template"
	"math"
	"strconv"
	"strings"
)

// Inline SVG charts for the HTML report: no script, no external resource,
// fixed geometry so the output is deterministic.

// Chart geometry in SVG user units.
const (
	chartW, chartH                    = 640.0, 260.0
	padL, padR, padT, padB            = 64.0, 16.0, 44.0, 42.0
	plotW, plotH                      = chartW - padL - padR, chartH - padT - padB
	hbarRow, hbarLabelW, hbarValueGap = 22.0, 170.0, 6.0
)

// point is one data point of a line series.
type point struct{ X, Y float64 }

// series is one named line of a chart.
type series struct {
	Name   string
	Color  string
	Points []point
	Dashed bool
}

// tick is an axis tick at a data value with its label.
type tick struct {
	At    float64
	Label string
}

// lineChart draws one or more series over shared axes; LogY uses a
// logarithmic value axis (non-positive values are left out).
type lineChart struct {
	Title, XLabel, YLabel string
	Series                []series
	LogY                  bool
	XTicks                []tick // nil: evenly spaced ticks over the data
	YFormat               func(float64) string
}

// bars is one stacked layer of a bar chart.
type bars struct {
	Name   string
	Color  string
	Values []float64
}

// barChart draws stacked vertical bars, one per X value.
type barChart struct {
	Title, XLabel, YLabel string
	X                     []float64
	Stacks                []bars
}

// hbar is one horizontal bar with a label and a value.
type hbar struct {
	Label string
	Value float64
	Color string
	Note  string
}

// svgBuilder accumulates SVG markup.
type svgBuilder struct{ strings.Builder }

func (b *svgBuilder) f(format string, args ...any) { fmt.Fprintf(b, format, args...) }

func esc(s string) string { return html.EscapeString(s) }

// num formats a coordinate compactly.
func num(v float64) string { return strconv.FormatFloat(math.Round(v*10)/10, 'f', -1, 64) }

func (b *svgBuilder) open(title string, h float64) {
	b.f(`<svg class="chart" viewBox="0 0 %s %s" role="img" aria-label="%s"><title>%s</title>`,
		num(chartW), num(h), esc(title), esc(title))
	b.f(`<text class="ct" x="%s" y="18">%s</text>`, num(padL), esc(title))
}

func (b *svgBuilder) close() template.HTML {
	b.WriteString(`</svg>`)
	return template.HTML(b.String()) //nolint:gosec // every text node is escaped above
}

// axes draws the frame, grid lines, ticks and axis labels.
func (b *svgBuilder) axes(xl, yl string, xt, yt []tick, sx, sy func(float64) float64) {
	for _, t := range yt {
		y := sy(t.At)
		b.f(`<line class="grid" x1="%s" y1="%s" x2="%s" y2="%s"/>`, num(padL), num(y), num(padL+plotW), num(y))
		b.f(`<text class="tl" x="%s" y="%s" text-anchor="end">%s</text>`, num(padL-6), num(y+4), esc(t.Label))
	}
	for _, t := range xt {
		x := sx(t.At)
		b.f(`<line class="tick" x1="%s" y1="%s" x2="%s" y2="%s"/>`, num(x), num(padT+plotH), num(x), num(padT+plotH+4))
		anchor := "middle"
		if x > padL+plotW-20 {
			anchor = "end" // keep the last label inside the chart
		}
		b.f(`<text class="tl" x="%s" y="%s" text-anchor="%s">%s</text>`, num(x), num(padT+plotH+16), anchor, esc(t.Label))
	}
	b.f(`<rect class="frame" x="%s" y="%s" width="%s" height="%s"/>`, num(padL), num(padT), num(plotW), num(plotH))
	b.f(`<text class="al" x="%s" y="%s" text-anchor="middle">%s</text>`, num(padL+plotW/2), num(chartH-6), esc(xl))
	b.f(`<text class="al" transform="translate(14 %s) rotate(-90)" text-anchor="middle">%s</text>`, num(padT+plotH/2), esc(yl))
}

// legend draws one swatch and name per series in a row under the title.
func (b *svgBuilder) legend(names, colors []string) {
	x := padL
	for i, name := range names {
		b.f(`<rect x="%s" y="25" width="10" height="10" fill="%s"/>`, num(x), esc(colors[i]))
		b.f(`<text class="lg" x="%s" y="34">%s</text>`, num(x+13), esc(name))
		x += 13 + 6.5*float64(len([]rune(name))) + 14
	}
}

// svg renders the line chart, or a note when it has no data.
func (c lineChart) svg() template.HTML {
	var xs, ys []float64
	for _, s := range c.Series {
		for _, p := range s.Points {
			if c.LogY && p.Y <= 0 {
				continue
			}
			xs, ys = append(xs, p.X), append(ys, p.Y)
		}
	}
	var b svgBuilder
	b.open(c.Title, chartH)
	if len(xs) == 0 {
		b.f(`<text class="nd" x="%s" y="%s" text-anchor="middle">no data</text>`, num(chartW/2), num(chartH/2))
		return b.close()
	}
	xmin, xmax := minMax(xs)
	if c.XTicks != nil {
		xmin, xmax = math.Min(xmin, c.XTicks[0].At), math.Max(xmax, c.XTicks[len(c.XTicks)-1].At)
	}
	if xmax == xmin {
		xmin, xmax = xmin-1, xmax+1
	}
	yf := c.YFormat
	if yf == nil {
		yf = func(v float64) string { return strconv.FormatFloat(v, 'g', 4, 64) }
	}
	var yt []tick
	var sy func(float64) float64
	if c.LogY {
		lo, hi := minMax(ys)
		l0, l1 := math.Floor(math.Log10(lo)), math.Ceil(math.Log10(hi))
		if l1 == l0 {
			l1++
		}
		for e := l0; e <= l1; e++ {
			yt = append(yt, tick{math.Pow(10, e), yf(math.Pow(10, e))})
		}
		sy = func(v float64) float64 { return padT + plotH - (math.Log10(v)-l0)/(l1-l0)*plotH }
	} else {
		_, hi := minMax(ys)
		top, step := niceScale(hi)
		for v := 0.0; v <= top+step/2; v += step {
			yt = append(yt, tick{v, yf(v)})
		}
		sy = func(v float64) float64 { return padT + plotH - v/top*plotH }
	}
	sx := func(v float64) float64 { return padL + (v-xmin)/(xmax-xmin)*plotW }
	xt := c.XTicks
	if xt == nil {
		xt = linearTicks(xmin, xmax)
	}
	b.axes(c.XLabel, c.YLabel, xt, yt, sx, sy)
	var names, colors []string
	for _, s := range c.Series {
		var pts []string
		for _, p := range s.Points {
			if c.LogY && p.Y <= 0 {
				continue
			}
			pts = append(pts, num(sx(p.X))+","+num(sy(p.Y)))
		}
		if len(pts) == 0 {
			continue
		}
		dash := ""
		if s.Dashed {
			dash = ` stroke-dasharray="5 4"`
		}
		b.f(`<polyline class="ln" stroke="%s"%s points="%s"><title>%s</title></polyline>`,
			esc(s.Color), dash, strings.Join(pts, " "), esc(s.Name))
		if len(pts) <= 40 {
			for _, p := range pts {
				x, y, _ := strings.Cut(p, ",")
				b.f(`<circle cx="%s" cy="%s" r="2.5" fill="%s"/>`, x, y, esc(s.Color))
			}
		}
		names, colors = append(names, s.Name), append(colors, s.Color)
	}
	b.legend(names, colors)
	return b.close()
}

// svg renders the stacked bar chart, or a note when it has no data.
func (c barChart) svg() template.HTML {
	var b svgBuilder
	b.open(c.Title, chartH)
	hi := 0.0
	for i := range c.X {
		sum := 0.0
		for _, st := range c.Stacks {
			sum += st.Values[i]
		}
		hi = math.Max(hi, sum)
	}
	if len(c.X) == 0 || hi == 0 {
		b.f(`<text class="nd" x="%s" y="%s" text-anchor="middle">no data</text>`, num(chartW/2), num(chartH/2))
		return b.close()
	}
	xmin, xmax := c.X[0], c.X[len(c.X)-1]+1
	top, step := niceScale(hi)
	var yt []tick
	for v := 0.0; v <= top+step/2; v += step {
		yt = append(yt, tick{v, strconv.FormatFloat(v, 'g', 4, 64)})
	}
	sx := func(v float64) float64 { return padL + (v-xmin)/(xmax-xmin)*plotW }
	sy := func(v float64) float64 { return padT + plotH - v/top*plotH }
	b.axes(c.XLabel, c.YLabel, linearTicks(xmin, xmax), yt, sx, sy)
	w := math.Max(plotW/(xmax-xmin)-1, 0.5)
	for i, x := range c.X {
		base := 0.0
		for _, st := range c.Stacks {
			v := st.Values[i]
			if v <= 0 {
				continue
			}
			b.f(`<rect x="%s" y="%s" width="%s" height="%s" fill="%s"><title>%s %s: %s</title></rect>`,
				num(sx(x)), num(sy(base+v)), num(w), num(sy(base)-sy(base+v)), esc(st.Color),
				esc(strconv.FormatFloat(x, 'f', -1, 64)+"s"), esc(st.Name), esc(strconv.FormatFloat(v, 'f', -1, 64)))
			base += v
		}
	}
	var names, colors []string
	for _, st := range c.Stacks {
		names, colors = append(names, st.Name), append(colors, st.Color)
	}
	b.legend(names, colors)
	return b.close()
}

// hbarSVG renders horizontal bars scaled to the largest value.
func hbarSVG(title string, rows []hbar) template.HTML {
	const top = 30.0
	h := top + hbarRow*float64(max(len(rows), 1)) + 10
	var b svgBuilder
	b.open(title, h)
	if len(rows) == 0 {
		b.f(`<text class="nd" x="%s" y="%s" text-anchor="middle">no data</text>`, num(chartW/2), num(top+14))
		return b.close()
	}
	hi := 0.0
	for _, r := range rows {
		hi = math.Max(hi, r.Value)
	}
	maxW := chartW - padR - hbarLabelW - 150
	for i, r := range rows {
		y := top + hbarRow*float64(i)
		w := 0.0
		if hi > 0 {
			w = math.Max(r.Value/hi*maxW, 1)
		}
		b.f(`<text class="tl" x="%s" y="%s" text-anchor="end">%s</text>`, num(hbarLabelW-hbarValueGap), num(y+14), esc(r.Label))
		b.f(`<rect x="%s" y="%s" width="%s" height="%s" fill="%s"/>`, num(hbarLabelW), num(y+3), num(w), num(hbarRow-6), esc(r.Color))
		b.f(`<text class="tl" x="%s" y="%s">%s</text>`, num(hbarLabelW+w+hbarValueGap), num(y+14), esc(r.Note))
	}
	return b.close()
}

func minMax(vs []float64) (lo, hi float64) {
	lo, hi = math.Inf(1), math.Inf(-1)
	for _, v := range vs {
		lo, hi = math.Min(lo, v), math.Max(hi, v)
	}
	return lo, hi
}

// niceScale returns a round upper bound at or above hi and a round tick step
// giving about five ticks.
func niceScale(hi float64) (top, step float64) {
	if hi <= 0 {
		return 1, 0.2
	}
	raw := hi / 5
	mag := math.Pow(10, math.Floor(math.Log10(raw)))
	for _, m := range []float64{1, 2, 2.5, 5, 10} {
		if step = m * mag; step >= raw {
			break
		}
	}
	return math.Ceil(hi/step) * step, step
}

// linearTicks returns about six round ticks between lo and hi.
func linearTicks(lo, hi float64) []tick {
	_, step := niceScale(hi - lo)
	var ts []tick
	for v := math.Ceil(lo/step) * step; v <= hi+step/1e6; v += step {
		ts = append(ts, tick{v, strconv.FormatFloat(math.Round(v*1000)/1000, 'f', -1, 64)})
	}
	return ts
}
