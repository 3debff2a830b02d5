package report

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestTimelineBucketsByCompletion(t *testing.T) {
	s := fixedRun(t)
	require.Len(t, s.Timeline, 3, "completions at 0.25 s to 2.96 s fall into seconds 0, 1 and 2")
	tests := []struct {
		sec, started, completed, succeeded, failed int
	}{
		{0, 4, 3, 3, 0}, // starts 0, 0.3, 0.6, 0.9; completions 0.25, 0.551, 0.852
		{1, 3, 3, 3, 0}, // completions 1.153, 1.454, 1.755
		{2, 3, 4, 3, 1}, // completions 2.056 .. 2.959; device 7 times out
	}
	for _, tt := range tests {
		row := s.Timeline[tt.sec]
		assert.Equal(t, tt.sec, row.Second)
		assert.Equal(t, tt.started, row.Started, "second %d started", tt.sec)
		assert.Equal(t, tt.completed, row.Completed, "second %d completed", tt.sec)
		assert.Equal(t, tt.succeeded, row.Succeeded, "second %d succeeded", tt.sec)
		assert.Equal(t, tt.failed, row.Failed, "second %d failed", tt.sec)
	}
	assert.InEpsilon(t, 251.0, s.Timeline[0].ProvisionP50, 0.002)
	assert.InEpsilon(t, 252.0, s.Timeline[0].ProvisionP99, 0.002)
}

func TestTimelineIntervalsPerPhasePerSecond(t *testing.T) {
	s := fixedRun(t)
	ivs := s.Intervals()
	require.NotEmpty(t, ivs)
	var total int64
	for i, iv := range ivs {
		if i > 0 {
			prev := ivs[i-1]
			assert.True(t, prev.Second < iv.Second || prev.Second == iv.Second && prev.Phase < iv.Phase, "time order, then phase order")
		}
		assert.Equal(t, iv.Phase.String(), iv.Hist.Tag())
		assert.Equal(t, fixedStart.Add(time.Duration(iv.Second)*time.Second).UnixMilli(), iv.Hist.StartTimeMs())
		assert.Equal(t, iv.Hist.StartTimeMs()+1000, iv.Hist.EndTimeMs())
		if iv.Phase == PhaseProvision {
			total += iv.Hist.TotalCount()
		}
	}
	assert.EqualValues(t, 10, total)
}

func TestSuccessTimeAndAchievedRate(t *testing.T) {
	s := fixedRun(t)
	first, ok := s.SuccessTime(0)
	require.True(t, ok)
	last, _ := s.SuccessTime(100)
	assert.InDelta(t, 250*time.Millisecond, first, float64(time.Millisecond))
	assert.InDelta(t, 2959*time.Millisecond, last, float64(3*time.Millisecond))
	// 9 successes from 0.25 s to 2.959 s, plus one interval of 1/3.33 s.
	assert.InDelta(t, 9/(2.709+0.3), AchievedRate(s, 1/0.3), 0.02)

	empty := NewRecorder().Summarize(Meta{})
	_, ok = empty.SuccessTime(50)
	assert.False(t, ok)
	assert.Zero(t, AchievedRate(empty, 10))
}

func TestRecorderTee(t *testing.T) {
	parent := NewRecorder()
	child := NewRecorder(Tee(parent))
	child.Record(obs(OutcomeProvisioned, map[Phase]time.Duration{PhaseProvision: time.Second}))
	child.Record(obs(OutcomeTimeout, nil))
	for _, r := range []*Recorder{parent, child} {
		completed, ok, failed := r.Counts()
		assert.Equal(t, []int{2, 1, 1}, []int{completed, ok, failed})
	}
}

func TestTimelineCSVGoldenAndRoundTrip(t *testing.T) {
	s := fixedRun(t)
	out := render(t, WriteTimelineCSV, s)
	golden(t, "timeline.csv", out)

	rows, err := ReadTimelineCSV(bytes.NewReader(out))
	require.NoError(t, err)
	require.Len(t, rows, len(s.Timeline))
	for i, r := range rows {
		want := s.Timeline[i]
		assert.Equal(t, []int{want.Second, want.Started, want.Completed, want.Succeeded, want.Failed},
			[]int{r.Second, r.Started, r.Completed, r.Succeeded, r.Failed})
		assert.Equal(t, want.ProvisionP99, r.ProvisionP99)
	}
}

func TestReadTimelineCSVErrors(t *testing.T) {
	head := strings.Join(timelineHeader, ",") + "\n"
	tests := []struct{ name, in, want string }{
		{"empty", "", "empty file"},
		{"wrong header", "a,b,c,d,e,f,g\n", "header"},
		{"short row", head + "0,1,2\n", "wrong number of fields"},
		{"negative count", head + "0,-1,0,0,0,,\n", "started: want a count"},
		{"bad latency", head + "0,1,1,1,0,x,1\n", "provision_p50_ms: want milliseconds"},
		{"line number", head + "0,1,1,1,0,,\n1,a,1,1,0,,\n", "line 3"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ReadTimelineCSV(strings.NewReader(tt.in))
			require.Error(t, err)
			assert.Contains(t, err.Error(), tt.want)
		})
	}
}

func FuzzReadTimelineCSV(f *testing.F) {
	f.Add([]byte(strings.Join(timelineHeader, ",") + "\n0,1,1,1,0,250.1,260.2\n1,0,0,0,0,,\n"))
	f.Add([]byte("second\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		rows, err := ReadTimelineCSV(bytes.NewReader(data))
		if err != nil {
			return
		}
		var b bytes.Buffer
		require.NoError(t, WriteTimelineCSV(&b, &Summary{Timeline: rows}))
		again, err := ReadTimelineCSV(&b)
		require.NoError(t, err, "a timeline that was read must write and read again")
		require.Len(t, again, len(rows))
	})
}
