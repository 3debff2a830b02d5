package report

import (
	"fmt"
	"io"
	"time"

	hdrhistogram "github.com/HdrHistogram/hdrhistogram-go"
)

// WriteHlog writes the run's interval histograms as a standard HdrHistogram
// interval log (format 1.3, as HdrHistogram's own tools read it): a start and
// base time, a legend, then one line per phase per second of the run, tagged
// with the phase name. Values are nanoseconds, so the Interval_Max column
// reads in milliseconds. A summary read back from files has no intervals and
// gives a log with the header only.
func WriteHlog(w io.Writer, s *Summary) error {
	lw := hdrhistogram.NewHistogramLogWriter(w)
	startMs := s.StartedAt.UnixMilli()
	if s.StartedAt.IsZero() {
		startMs = 0
	}
	base := startMs - startMs%1000 // the log's BaseTime has whole seconds
	lw.SetBaseTime(base)
	steps := []func() error{
		lw.OutputLogFormatVersion,
		func() error {
			return lw.OutputComment(fmt.Sprintf("[jitpsim %s: one interval histogram per phase per second, tagged with the phase, values in ns]", s.Scenario))
		},
		func() error { return lw.OutputStartTime(startMs) },
		func() error { return lw.OutputBaseTime(base) },
		lw.OutputLegend,
	}
	for _, step := range steps {
		if err := step(); err != nil {
			return fmt.Errorf("write phases.hlog: %w", err)
		}
	}
	for _, iv := range s.intervals {
		if err := lw.OutputIntervalPackedHistogram(iv.Hist); err != nil {
			return fmt.Errorf("write phases.hlog: %w", err)
		}
	}
	return nil
}

// ReadHlog reads an interval log written by WriteHlog and returns, per phase,
// the merge of its interval histograms (nanoseconds). Lines tagged with
// anything but a phase name are skipped.
func ReadHlog(r io.Reader) (map[Phase]*hdrhistogram.Histogram, error) {
	lr := hdrhistogram.NewHistogramLogReader(r)
	out := make(map[Phase]*hdrhistogram.Histogram)
	for {
		h, err := lr.NextIntervalHistogram()
		if err != nil {
			return nil, fmt.Errorf("read phases.hlog: %w", err)
		}
		if h == nil {
			return out, nil
		}
		p, ok := ParsePhase(h.Tag())
		if !ok {
			continue
		}
		if out[p] == nil {
			out[p] = hdrhistogram.New(1, intervalHighest, HistogramSigFigs)
		}
		if dropped := out[p].Merge(h); dropped > 0 {
			return nil, fmt.Errorf("read phases.hlog: %s: %d values out of range", p, dropped)
		}
	}
}

// microsHistogram converts a nanosecond histogram into one of the summary's
// microsecond histograms, recording each bucket at its middle value.
func microsHistogram(ns *hdrhistogram.Histogram) *hdrhistogram.Histogram {
	us := newHistogram()
	for _, b := range ns.Distribution() {
		if b.Count == 0 {
			continue
		}
		v := min((b.From+b.To)/2/int64(time.Microsecond), HistogramHighest)
		_ = us.RecordValues(v, b.Count)
	}
	return us
}
