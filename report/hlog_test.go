package report

import (
	"bytes"
	"strconv"
	"strings"
	"testing"

	hdrhistogram "github.com/HdrHistogram/hdrhistogram-go"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestHlogReadableByHdrHistogram(t *testing.T) {
	s := fixedRun(t)
	out := render(t, WriteHlog, s)
	text := string(out)
	assert.Contains(t, text, "#[Histogram log format version 1.3]")
	assert.Contains(t, text, "#[StartTime: 1767323045 (seconds since epoch), 2026-01-02T03:04:05Z]")
	assert.Contains(t, text, "#[BaseTime: 1767323045 (seconds since epoch)]")

	// The library's own reader gets every interval back, tagged, with nanosecond values.
	lr := hdrhistogram.NewHistogramLogReader(bytes.NewReader(out))
	counts := map[string]int64{}
	n := 0
	for {
		h, err := lr.NextIntervalHistogram()
		require.NoError(t, err)
		if h == nil {
			break
		}
		n++
		counts[h.Tag()] += h.TotalCount()
		if h.Tag() == "provision" {
			assert.InDelta(t, 255e6, float64(h.Min()), 6e6, "values are nanoseconds")
		}
	}
	assert.Equal(t, len(s.Intervals()), n)
	assert.EqualValues(t, 10, counts["provision"])
	assert.EqualValues(t, 9, counts["echo"])

	// Interval_Max reads in milliseconds: the third column of a provision line.
	for _, line := range strings.Split(text, "\n") {
		if !strings.HasPrefix(line, "Tag=provision,") {
			continue
		}
		cols := strings.Split(line, ",")
		max, err := strconv.ParseFloat(cols[3], 64)
		require.NoError(t, err)
		assert.True(t, max > 250 && max < 261, "Interval_Max %v is not in ms", max)
	}
}

func TestReadHlogMergesPhases(t *testing.T) {
	s := fixedRun(t)
	hists, err := ReadHlog(bytes.NewReader(render(t, WriteHlog, s)))
	require.NoError(t, err)
	assert.EqualValues(t, 10, hists[PhaseProvision].TotalCount())
	us := microsHistogram(hists[PhaseProvision])
	assert.InEpsilon(t, s.Histogram(PhaseProvision).ValueAtPercentile(50), us.ValueAtPercentile(50), 0.002)

	_, err = ReadHlog(strings.NewReader("Tag=connect,0.0,1.0,1.0,HISTFAAAnotbase64\n"))
	assert.Error(t, err)
}
