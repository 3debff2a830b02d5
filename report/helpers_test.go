package report

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

// golden compares got with testdata/name, or rewrites the file with -update.
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		require.NoError(t, os.WriteFile(path, got, 0o644))
		return
	}
	want, err := os.ReadFile(path)
	require.NoError(t, err, "run go test ./report -update to create %s", path)
	assert.Equal(t, string(want), string(got), "%s differs; run go test ./report -update after checking the change", path)
}

// fixedStart is the start of the deterministic run of fixedRun.
var fixedStart = time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)

// fixedRecorder records a deterministic run: ten devices starting 300 ms
// apart, each completing 250 ms + i ms after its start by a fake clock; device
// 7 times out.
func fixedRecorder(t *testing.T) *Recorder {
	t.Helper()
	now := fixedStart
	r := NewRecorder(WithStart(fixedStart), WithClock(func() time.Time { return now }))
	for i := range 10 {
		began := fixedStart.Add(time.Duration(i) * 300 * time.Millisecond)
		now = began.Add(250*time.Millisecond + time.Duration(i)*time.Millisecond)
		d := map[Phase]time.Duration{
			PhaseConnect:      time.Duration(1000+100*i) * time.Microsecond,
			PhaseDrop:         time.Duration(2000+100*i) * time.Microsecond,
			PhaseProvision:    time.Duration(250+i) * time.Millisecond,
			PhaseSchedulerLag: time.Duration(100+i) * time.Microsecond,
		}
		o := obs(OutcomeProvisioned, d)
		if i == 7 {
			o.Outcome, o.Reason = OutcomeTimeout, "no PUBACK within 5s"
		} else {
			o.Set(PhasePublish, 300*time.Microsecond)
			o.Set(PhaseEcho, 400*time.Microsecond)
			o.Set(PhaseTotal, time.Duration(255+i)*time.Millisecond)
			o.IdempotencyChecked = true
		}
		o.Start = began
		r.Record(o)
	}
	return r
}

// fixedRun returns the evaluated summary of fixedRecorder's run.
func fixedRun(t *testing.T, gates ...string) *Summary {
	t.Helper()
	s := fixedRecorder(t).Summarize(Meta{Scenario: "fixed", Planned: 10, Started: 10, Duration: 3200 * time.Millisecond,
		Target: map[string]int64{"things_after": 9}})
	var gs []Gate
	for _, e := range gates {
		gs = append(gs, mustGate(t, e))
	}
	s.Evaluate(gs)
	return s
}

// render runs a writer into a byte slice.
func render(t *testing.T, w Writer, s *Summary) []byte {
	t.Helper()
	var b bytes.Buffer
	require.NoError(t, w(&b, s))
	return b.Bytes()
}
