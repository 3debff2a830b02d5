package report

import (
	"encoding/xml"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// junitDoc is the part of JUnit XML the tests read back.
type junitDoc struct {
	XMLName  xml.Name `xml:"testsuites"`
	Tests    int      `xml:"tests,attr"`
	Failures int      `xml:"failures,attr"`
	Suites   []struct {
		Name     string `xml:"name,attr"`
		Tests    int    `xml:"tests,attr"`
		Failures int    `xml:"failures,attr"`
		Cases    []struct {
			Name    string `xml:"name,attr"`
			Failure *struct {
				Message string `xml:"message,attr"`
				Type    string `xml:"type,attr"`
			} `xml:"failure"`
			SystemOut string `xml:"system-out"`
		} `xml:"testcase"`
	} `xml:"testsuite"`
}

func parseJUnit(t *testing.T, data []byte) junitDoc {
	t.Helper()
	var d junitDoc
	require.NoError(t, xml.Unmarshal(data, &d), "junit.xml must be well-formed:\n%s", data)
	return d
}

func TestWriteJUnit(t *testing.T) {
	tests := []struct {
		name       string
		summary    func(t *testing.T) *Summary
		suites     []string
		failures   int
		failedCase string
	}{
		{
			name:    "passed, failures tolerated",
			summary: func(t *testing.T) *Summary { return fixedRun(t, "rate.success >= 80%", "provision.p99 < 1s") },
			suites:  []string{"jitpsim.fixed.gates", "jitpsim.fixed.outcomes"},
		},
		{
			name:       "gate failed",
			summary:    func(t *testing.T) *Summary { return fixedRun(t, "provision.p99 < 1ms", "outcome.timeout == 0") },
			suites:     []string{"jitpsim.fixed.gates", "jitpsim.fixed.outcomes"},
			failures:   3,
			failedCase: "provision.p99 < 1ms",
		},
		{
			name: "aborted",
			summary: func(t *testing.T) *Summary {
				s := fixedRecorder(t).Summarize(Meta{Scenario: "fixed", Planned: 100, Aborted: "outcome.timeout == 0"})
				s.Evaluate([]Gate{mustGate(t, "outcome.timeout == 0")})
				return s
			},
			suites:     []string{"jitpsim.fixed.gates", "jitpsim.fixed.outcomes", "jitpsim.fixed.run"},
			failures:   3,
			failedCase: "run completed",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := tt.summary(t)
			d := parseJUnit(t, render(t, WriteJUnit, s))
			var names []string
			total := 0
			for _, st := range d.Suites {
				names = append(names, st.Name)
				assert.Len(t, st.Cases, st.Tests)
				total += st.Tests
			}
			assert.Equal(t, tt.suites, names)
			assert.Equal(t, total, d.Tests)
			assert.Equal(t, tt.failures, d.Failures)
			assert.Len(t, d.Suites[0].Cases, len(s.Gates), "one testcase per gate")
			for _, st := range d.Suites {
				for _, c := range st.Cases {
					if c.Name == tt.failedCase {
						require.NotNil(t, c.Failure, c.Name)
						assert.NotEmpty(t, c.Failure.Message)
					}
				}
			}
		})
	}
}

func TestWriteJUnitGolden(t *testing.T) {
	golden(t, "junit.xml", render(t, WriteJUnit, fixedRun(t, "rate.success == 100%", "provision.p99 < 2s")))
}
