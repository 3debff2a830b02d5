package report

import (
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// externalRef matches a src or href attribute, or a CSS url(), that points anywhere.
var externalRef = regexp.MustCompile(`(?i)(src|href)\s*=|url\(|https?://`)

func TestWriteHTMLSelfContained(t *testing.T) {
	s := fixedRun(t, "rate.success == 100%", "provision.p99 < 2s")
	s.ApplyCapacity(capacitySample(t))
	out := string(render(t, WriteHTML, s))
	assert.Empty(t, externalRef.FindAllString(out, -1), "no external reference of any kind")
	assert.NotContains(t, out, "<script")
	assert.Contains(t, out, `content="default-src 'none'; style-src 'unsafe-inline'"`)
	assert.GreaterOrEqual(t, strings.Count(out, "<svg "), 6, "distribution, throughput, provision, outcomes and two capacity charts")
	for _, want := range []string{"Latency by percentile, per phase", "Devices completed per second",
		"Provision latency over time", "Outcomes", "Capacity ramp", "Knee:", "no PUBACK within 5s"} {
		assert.Contains(t, out, want)
	}
}

func TestWriteHTMLWithoutData(t *testing.T) {
	s := NewRecorder().Summarize(Meta{Scenario: "<empty & odd>"})
	out := string(render(t, WriteHTML, s))
	assert.Contains(t, out, "&lt;empty &amp; odd&gt;", "scenario names are escaped")
	assert.Contains(t, out, ">no data</text>")
	assert.Contains(t, out, "No device completed.")
}

func TestWriteHTMLGolden(t *testing.T) {
	golden(t, "report.html", render(t, WriteHTML, fixedRun(t, "rate.success == 100%", "provision.p99 < 2s")))
}

func TestNiceScale(t *testing.T) {
	tests := []struct{ hi, top, step float64 }{
		{0, 1, 0.2}, {7, 8, 2}, {10, 10, 2}, {48, 50, 10}, {0.9, 1, 0.2}, {1234, 1250, 250},
	}
	for _, tt := range tests {
		top, step := niceScale(tt.hi)
		require.InDelta(t, tt.top, top, 1e-9, "top of %v", tt.hi)
		assert.InDelta(t, tt.step, step, 1e-9, "step of %v", tt.hi)
	}
}
