package report

import (
	"bufio"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
	"time"

	hdrhistogram "github.com/HdrHistogram/hdrhistogram-go"
)

// WriteHlog writes the run's interval histograms as a standard HdrHistogram
// interval log (format 1.3, as HdrHistogram's own tools read it): a start and
// base time, a legend, then one line per phase per second of the run, tagged
// with the phase name. Values are nanoseconds, so the Interval_Max column
// reads in milliseconds. A summary without intervals (read with ReadJSON
// alone) gives a log with the header only.
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
	ivs, err := readHlogIntervals(r)
	if err != nil {
		return nil, fmt.Errorf("read phases.hlog: %w", err)
	}
	out := make(map[Phase]*hdrhistogram.Histogram)
	for _, iv := range ivs {
		if out[iv.phase] == nil {
			out[iv.phase] = hdrhistogram.New(1, intervalHighest, HistogramSigFigs)
		}
		if dropped := iv.hist.MergeInto(out[iv.phase]); dropped > 0 {
			return nil, fmt.Errorf("read phases.hlog: %s: %d values out of range", iv.phase, dropped)
		}
	}
	return out, nil
}

// hlogInterval is one interval line of a phases.hlog.
type hlogInterval struct {
	phase    Phase
	startMs  int64 // the interval's start, epoch milliseconds
	lengthMs int64
	line     int // the line of the log, from 1
	hist     *hdrhistogram.PackedHistogram
}

// maxHlogSeconds bounds the times of an interval log in seconds (epoch
// seconds for the StartTime and BaseTime, seconds after the base for an
// interval's start, seconds for its length): about the year 5138, so that
// every time fits in epoch milliseconds with room to spare.
const maxHlogSeconds = 1e11

// hlogSeconds parses a time or length of an interval log in seconds:
// finite, not negative and at most maxHlogSeconds.
func hlogSeconds(v string) (float64, bool) {
	f, err := strconv.ParseFloat(v, 64)
	if err != nil || math.IsNaN(f) || f < 0 || f > maxHlogSeconds {
		return 0, false
	}
	return f, true
}

// maxHlogLine bounds one line of an interval log: a compressed histogram of
// every bucket of a 10-minute nanosecond histogram stays well below it.
const maxHlogLine = 16 << 20

// readHlogIntervals reads the interval lines of a log written by WriteHlog,
// in file order, each decoded into a sparse histogram of the recorder's
// geometry with its absolute start time. It reads the format as HdrHistogram's
// log reader does (a "Tag=" prefix, then start, length, max and the
// histogram; start times relative to the BaseTime comment) but decodes into
// sparse histograms and rounds the start to the millisecond. Lines tagged
// with anything but a phase name are skipped. Times must be finite, not
// negative and at most maxHlogSeconds; whether they fall within the run is
// for the caller to check. Errors name the line but not the file.
func readHlogIntervals(r io.Reader) ([]hlogInterval, error) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 64<<10), maxHlogLine)
	var (
		out                 []hlogInterval
		baseMs, startMs     int64
		haveBase, haveStart bool
		line                int
	)
	fail := func(format string, args ...any) error {
		return fmt.Errorf("line %d: %s", line, fmt.Sprintf(format, args...))
	}
	for sc.Scan() {
		line++
		text := strings.TrimSpace(sc.Text())
		switch {
		case text == "", strings.HasPrefix(text, `"`):
			continue
		case strings.HasPrefix(text, "#"):
			for _, c := range []struct {
				prefix string
				ms     *int64
				have   *bool
			}{{"#[BaseTime:", &baseMs, &haveBase}, {"#[StartTime:", &startMs, &haveStart}} {
				v, ok, err := hlogTime(text, c.prefix)
				if err != nil {
					return nil, fail("%v", err)
				}
				if ok {
					*c.ms, *c.have = v, true
				}
			}
			continue
		}
		tag := ""
		if rest, ok := strings.CutPrefix(text, "Tag="); ok {
			tag, text, ok = strings.Cut(rest, ",")
			if !ok {
				return nil, fail("a tag without an interval")
			}
		}
		cols := strings.SplitN(text, ",", 4)
		if len(cols) != 4 {
			return nil, fail("want start,length,max,histogram")
		}
		start, ok := hlogSeconds(cols[0])
		if !ok {
			return nil, fail("bad interval start %q: want seconds from 0 to %g", cols[0], float64(maxHlogSeconds))
		}
		length, ok := hlogSeconds(cols[1])
		if !ok {
			return nil, fail("bad interval length %q: want seconds from 0 to %g", cols[1], float64(maxHlogSeconds))
		}
		p, ok := ParsePhase(tag)
		if !ok {
			continue
		}
		dec, err := hdrhistogram.DecodePacked([]byte(cols[3]))
		if err != nil {
			return nil, fail("%s: %v", p, err)
		}
		h := newIntervalHistogram(p)
		if dropped := h.Merge(dec); dropped > 0 {
			return nil, fail("%s: %d values out of range", p, dropped)
		}
		if !haveBase {
			// As HdrHistogram's reader: without a BaseTime, times more than a
			// year before the StartTime are relative to it, others absolute.
			baseMs, haveBase = 0, true
			if haveStart && start*1000 < float64(startMs)-365*24*3600*1000 {
				baseMs = startMs
			}
		}
		begin, lengthMs := baseMs+int64(math.Round(start*1000)), int64(math.Round(length*1000))
		h.SetStartTimeMs(begin)
		h.SetEndTimeMs(begin + lengthMs)
		out = append(out, hlogInterval{phase: p, startMs: begin, lengthMs: lengthMs, line: line, hist: h})
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("after line %d: %w", line, err)
	}
	return out, nil
}

// hlogTime parses the seconds of a "#[BaseTime: 1767323045 (seconds since
// epoch)]" or "#[StartTime: ..." comment into epoch milliseconds; ok is
// false for other lines, and a comment without valid seconds is an error.
func hlogTime(line, prefix string) (ms int64, ok bool, err error) {
	rest, ok := strings.CutPrefix(line, prefix)
	if !ok {
		return 0, false, nil
	}
	name := strings.TrimSuffix(strings.TrimPrefix(prefix, "#["), ":")
	f := strings.Fields(rest)
	if len(f) == 0 {
		return 0, false, fmt.Errorf("%s without seconds", name)
	}
	secs, ok := hlogSeconds(strings.TrimSuffix(f[0], "]"))
	if !ok {
		return 0, false, fmt.Errorf("bad %s %q: want epoch seconds from 0 to %g", name, f[0], float64(maxHlogSeconds))
	}
	return int64(math.Round(secs * 1000)), true, nil
}

// newIntervalHistogram returns an empty interval histogram of the phase:
// nanoseconds, tagged with the phase's name.
func newIntervalHistogram(p Phase) *hdrhistogram.PackedHistogram {
	h := hdrhistogram.NewPacked(1, intervalHighest, HistogramSigFigs)
	h.SetTag(p.String())
	return h
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
