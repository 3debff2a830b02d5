package report

import (
	"bytes"
	"errors"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestWriteText(t *testing.T) {
	tests := []struct {
		name        string
		meta        Meta
		gates       []string
		wantLines   []string // regular expressions, each matching a whole line
		wantMissing []string // substrings that must not appear
	}{
		{
			name:  "passed",
			meta:  Meta{Scenario: "smoke", Planned: 5, Duration: 2 * time.Second},
			gates: []string{"provision.p99 < 2s", "rate.success >= 50%"},
			wantLines: []string{
				`jitpsim smoke: 4/5 devices completed in 2s \(3 succeeded, 1 failed\), 1\.5 succeeded/s`,
				`\s*phase\s+count\s+p50\s+p90\s+p99\s+max`,
				`\s*connect\s+3\s+24\.\d{3}\s+37\.035\s+37\.035\s+37\.035`,
				`\s*provision\s+3\s+200\.\d{3}\s+300\.000\s+300\.000\s+300\.000`,
				`\s*echo\s+0\s+-\s+-\s+-\s+-`,
				`\s+provisioned\s+3\s+75\.0%`,
				`\s+timeout\s+1\s+25\.0%\s+e\.g\. no CONNACK <within> 5s`,
				`idempotency: 3 checked, 0 violations`,
				`\s+PASS\s+provision\.p99 < 2s\s+value 300\.000ms`,
				`\s+PASS\s+rate\.success >= 50%\s+value 75\.00%`,
				`PASSED`,
			},
			wantMissing: []string{"already_provisioned", "target:", "clamped", "FAIL"},
		},
		{
			name:  "failed with no data",
			meta:  Meta{Scenario: "smoke", Planned: 4, Target: map[string]int64{"things_before": 2, "things_after": 5}},
			gates: []string{"echo.p99 < 1s", "outcome.timeout == 0"},
			wantLines: []string{
				`jitpsim smoke: 4/4 devices completed in 0s \(3 succeeded, 1 failed\), 0\.0 succeeded/s`,
				`target: things_after=5 things_before=2`,
				`\s+FAIL\s+echo\.p99 < 1s\s+no data`,
				`\s+FAIL\s+outcome\.timeout == 0\s+value 1`,
				`FAILED`,
			},
		},
		{
			name:        "interrupted",
			meta:        Meta{Scenario: "soak", Planned: 100, Duration: time.Minute, Interrupted: true},
			wantLines:   []string{`INTERRUPTED`},
			wantMissing: []string{"gates", "PASSED"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := sampleSummary(t, tt.meta, tt.gates...)
			var b bytes.Buffer
			require.NoError(t, WriteText(&b, s))
			out := b.String()
			lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
			for _, want := range tt.wantLines {
				re := regexp.MustCompile(`^` + want + `\s*$`)
				found := false
				for _, l := range lines {
					found = found || re.MatchString(l)
				}
				assert.True(t, found, "no line matches %q in:\n%s", want, out)
			}
			for _, missing := range tt.wantMissing {
				assert.NotContains(t, out, missing)
			}
			verdict := lines[len(lines)-1]
			assert.Equal(t, s.Verdict(), verdict, "verdict is the last line")
		})
	}
}

func TestWriteTextEmptyAndClamped(t *testing.T) {
	r := NewRecorder()
	var b bytes.Buffer
	require.NoError(t, WriteText(&b, r.Summarize(Meta{Planned: 3})))
	assert.Contains(t, b.String(), "none: no device completed")
	assert.Contains(t, b.String(), "0/3 devices completed")

	r.Record(obs(OutcomeTimeout, map[Phase]time.Duration{PhaseConnect: time.Hour}))
	b.Reset()
	require.NoError(t, WriteText(&b, r.Summarize(Meta{Planned: 3})))
	assert.Contains(t, b.String(), "clamped to it: 1 connect")
}

func TestWriteTextLongReason(t *testing.T) {
	r := NewRecorder()
	r.Record(Observation{Outcome: OutcomeError, Reason: strings.Repeat("x", 300) + "\nsecond line"})
	var b bytes.Buffer
	require.NoError(t, WriteText(&b, r.Summarize(Meta{})))
	assert.Contains(t, b.String(), strings.Repeat("x", maxTextReason-1)+"…")
	assert.NotContains(t, b.String(), "second line")
}

type failWriter struct{}

func (failWriter) Write([]byte) (int, error) { return 0, errors.New("disk full") }

func TestWritersReportErrors(t *testing.T) {
	s := NewRecorder().Summarize(Meta{})
	for name, w := range map[string]Writer{"text": WriteText, "json": WriteJSON} {
		t.Run(name, func(t *testing.T) {
			err := w(failWriter{}, s)
			require.Error(t, err)
			assert.Contains(t, err.Error(), "disk full")
		})
	}
}
