package report

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// FuzzReadHlog feeds the interval log reader (and ReadDir's checks of its
// intervals) arbitrary text: it must return a one-line error or intervals
// within its bounds, never panic. The seeds are a real log and the edits of
// it that once crashed the merge; plain `go test` runs only them.
func FuzzReadHlog(f *testing.F) {
	now := fixedStart
	r := NewRecorder(WithStart(fixedStart), WithClock(func() time.Time { return now }))
	for i := range 5 {
		o := obs(OutcomeProvisioned, map[Phase]time.Duration{
			PhaseConnect:   time.Duration(1+i) * time.Millisecond,
			PhaseProvision: time.Duration(200+50*i) * time.Millisecond,
		})
		o.Start = fixedStart.Add(time.Duration(i) * 400 * time.Millisecond)
		now = o.Start.Add(o.Durations[PhaseProvision])
		r.Record(o)
	}
	const durationS = 3
	var b bytes.Buffer
	require.NoError(f, WriteHlog(&b, r.Summarize(Meta{Scenario: "fuzz", Planned: 5, Started: 5, Duration: durationS * time.Second})))
	real := b.String()
	require.Contains(f, real, "Tag=connect,0.000000,1.000000,")
	f.Add(real)
	for _, edit := range [][2]string{
		{"Tag=connect,0.000000,1.000000,", "Tag=connect,9e15,1.000000,"},
		{"Tag=connect,0.000000,1.000000,", "Tag=connect,1e8,1.000000,"},
		{"Tag=connect,0.000000,1.000000,", "Tag=connect,NaN,1.000000,"},
		{"Tag=connect,0.000000,1.000000,", "Tag=connect,0.000000,+Inf,"},
		{"Tag=connect,0.000000,1.000000,", "Tag=connect,-0.5,1.000000,"},
		{"#[BaseTime: ", "#[BaseTime: NaN "},
		{"#[BaseTime: ", "#[BaseTime: 1e300 "},
		{"#[BaseTime: ", "#[Basetime: "}, // no base: starts are absolute
	} {
		f.Add(strings.Replace(real, edit[0], edit[1], 1))
	}
	f.Add("")
	f.Add("Tag=connect\n")
	f.Add("Tag=total,0,1,1,HISTFAAAACt42pJpmSzMwMDAwgABzFCakYGBoXvTyQIG+w8QgbOXGZkAAQAA//9wiAaX\n")

	f.Fuzz(func(t *testing.T, log string) {
		ivs, err := readHlogIntervals(strings.NewReader(log))
		if err != nil {
			require.NotContains(t, err.Error(), "\n", "one line")
			return
		}
		var counts [NumPhases]int64
		for _, iv := range ivs {
			require.True(t, iv.phase >= 0 && iv.phase < NumPhases, "phase %d", iv.phase)
			require.Equal(t, iv.phase.String(), iv.hist.Tag())
			require.True(t, iv.startMs >= 0 && iv.startMs <= 2*maxHlogSeconds*1000, "start %d ms", iv.startMs)
			require.True(t, iv.lengthMs >= 0 && iv.lengthMs <= maxHlogSeconds*1000, "length %d ms", iv.lengthMs)
			counts[iv.phase] += iv.hist.TotalCount()
		}

		// As ReadDir reads them into a run of durationS seconds.
		s := &Summary{DurationS: durationS, StartedAt: fixedStart}
		if err := s.setIntervals(ivs); err != nil {
			require.NotContains(t, err.Error(), "\n", "one line")
		} else {
			for _, iv := range s.Intervals() {
				require.True(t, iv.Second >= 0 && iv.Second <= secondsLimit(durationS), "second %d", iv.Second)
			}
		}

		hists, err := ReadHlog(strings.NewReader(log))
		require.NoError(t, err, "the intervals read, so their merge does")
		for p, h := range hists {
			require.Equal(t, counts[p], h.TotalCount(), "%s", p)
		}
	})
}
