package report

import (
	"cmp"
	"errors"
	"fmt"
	"io/fs"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"time"

	hdrhistogram "github.com/HdrHistogram/hdrhistogram-go"
)

// Names of the files a run writes into its output directory.
const (
	// FileSummary is the JSON summary (SchemaV1).
	FileSummary = "summary.json"
	// FileJUnit is the JUnit XML test report.
	FileJUnit = "junit.xml"
	// FileHTML is the self-contained HTML report.
	FileHTML = "report.html"
	// FileHlog is the HdrHistogram interval log of every phase.
	FileHlog = "phases.hlog"
	// FileTimeline is the per-second time series.
	FileTimeline = "timeline.csv"
)

// Output is one file of a run's output directory and the writer that renders it.
type Output struct {
	// Name is the file name inside the directory.
	Name string
	// Write renders the file.
	Write Writer
}

// Outputs lists every file WriteDir writes, in order.
func Outputs() []Output {
	return []Output{
		{FileSummary, WriteJSON},
		{FileJUnit, WriteJUnit},
		{FileHlog, WriteHlog},
		{FileTimeline, WriteTimelineCSV},
		{FileHTML, WriteHTML},
	}
}

// WriteDir writes every output file into dir, which must exist. Each file is
// written to a temporary name and renamed, so a reader never sees half a file.
func WriteDir(dir string, s *Summary) error {
	for _, o := range Outputs() {
		if err := WriteFile(filepath.Join(dir, o.Name), o.Write, s); err != nil {
			return err
		}
	}
	return nil
}

// WriteFile renders s with write into path atomically (temporary file, then rename).
func WriteFile(path string, write Writer, s *Summary) error {
	tmp := path + ".tmp"
	f, err := os.Create(tmp)
	if err != nil {
		return err
	}
	if err := write(f, s); err != nil {
		_ = f.Close()
		_ = os.Remove(tmp)
		return fmt.Errorf("%s: %w", path, err)
	}
	if err := f.Close(); err != nil {
		_ = os.Remove(tmp)
		return err
	}
	return os.Rename(tmp, path)
}

// Bounds of the times a run directory may hold, so that a corrupt or
// hand-edited file gives an error rather than a timeline of a billion rows.
const (
	// maxRunSeconds bounds a run's duration_s: 30 days, the limit of the
	// recorder's completion times.
	maxRunSeconds = 30 * 24 * 3600
	// runSlackSeconds is how far past duration_s (rounded up) the timeline
	// and the interval histograms may reach: the recorder's clock starts a
	// moment before the run's wall time is taken.
	runSlackSeconds = 2
)

// secondsLimit is the last second of the timeline of a run of durationS
// seconds, slack included.
func secondsLimit(durationS float64) int {
	return int(math.Ceil(durationS)) + runSlackSeconds
}

// formatSeconds formats seconds for a message, to the millisecond: "12.3",
// "2.5", "600"; from 1e12 on (no run's time) in exponent form, "1e+15".
func formatSeconds(s float64) string {
	if math.Abs(s) >= 1e12 {
		return strconv.FormatFloat(s, 'g', -1, 64)
	}
	return strconv.FormatFloat(math.Round(s*1000)/1000, 'f', -1, 64)
}

// ReadDir reads a finished run back from its output directory for
// re-reporting and merging: summary.json (required), the per-second interval
// histograms from phases.hlog with each phase's merge as the summary's
// microsecond histogram, and the timeline from timeline.csv (each when
// present). The summary's duration_s and started_at must be plausible, and
// the timeline and the intervals must lie within the run's duration; errors
// are one line naming the file.
func ReadDir(dir string) (*Summary, error) {
	f, err := os.Open(filepath.Join(dir, FileSummary))
	if err != nil {
		return nil, err
	}
	defer f.Close()
	s, err := ReadJSON(f)
	if err == nil {
		err = s.checkTimes()
	}
	if err != nil {
		return nil, fmt.Errorf("%s: %w", f.Name(), err)
	}
	if err := readOptional(filepath.Join(dir, FileHlog), func(f *os.File) error {
		ivs, err := readHlogIntervals(f)
		if err != nil {
			return err
		}
		return s.setIntervals(ivs)
	}); err != nil {
		return nil, err
	}
	if err := readOptional(filepath.Join(dir, FileTimeline), func(f *os.File) error {
		var err error
		s.Timeline, err = readTimeline(f, s.DurationS)
		return err
	}); err != nil {
		return nil, err
	}
	return s, nil
}

// Bounds of a summary's started_at: the epoch seconds an interval log holds.
var (
	minStartedAt = time.Unix(0, 0).UTC()
	maxStartedAt = time.Unix(maxHlogSeconds, 0).UTC()
)

// checkTimes checks that a summary read from JSON has a duration_s of at
// most maxRunSeconds and a started_at (when set) an interval log can hold.
func (s *Summary) checkTimes() error {
	if d := s.DurationS; math.IsNaN(d) || d < 0 || d > maxRunSeconds {
		return fmt.Errorf("duration_s %s is not a run's duration (want 0 to %d s, 30 days)", formatSeconds(d), maxRunSeconds)
	}
	if t := s.StartedAt; !t.IsZero() && (t.Before(minStartedAt) || t.After(maxStartedAt)) {
		return fmt.Errorf("started_at %s is out of range (want %s to %s)", t.Format(time.RFC3339Nano),
			minStartedAt.Format(time.DateOnly), maxStartedAt.Format(time.DateOnly))
	}
	return nil
}

// setIntervals gives a summary read from JSON the intervals of its
// phases.hlog: each numbered by its second since StartedAt (since the first
// interval when the summary has no start), in time order, and each phase's
// merge converted to the summary's microsecond histograms. An interval that
// starts before the run or past its duration (with the slack of
// secondsLimit), or is longer than the run, is an error naming its line.
func (s *Summary) setIntervals(ivs []hlogInterval) error {
	if len(ivs) == 0 {
		return nil
	}
	origin := s.StartedAt.UnixMilli()
	if s.StartedAt.IsZero() {
		origin = ivs[0].startMs
		for _, iv := range ivs {
			origin = min(origin, iv.startMs)
		}
	}
	limit := secondsLimit(s.DurationS)
	var total [NumPhases]*hdrhistogram.Histogram
	s.intervals = make([]Interval, 0, len(ivs))
	for _, iv := range ivs {
		// Intervals start on whole seconds after the start; round away the
		// millisecond the log's text may lose. Both times are at most
		// maxHlogSeconds after the epoch, so nothing overflows.
		sec := math.Round(float64(iv.startMs-origin) / 1000)
		switch {
		case sec < 0:
			return fmt.Errorf("line %d: a %s interval starts %d ms before the run", iv.line, iv.phase, origin-iv.startMs)
		case sec > float64(limit):
			return fmt.Errorf("line %d: a %s interval at second %s is past the run's %s s", iv.line, iv.phase,
				formatSeconds(sec), formatSeconds(s.DurationS))
		case iv.lengthMs > int64(limit)*1000:
			return fmt.Errorf("line %d: a %s interval of %s s is longer than the run's %s s", iv.line, iv.phase,
				formatSeconds(float64(iv.lengthMs)/1000), formatSeconds(s.DurationS))
		}
		s.intervals = append(s.intervals, Interval{Second: int(sec), Phase: iv.phase, Hist: iv.hist})
		if total[iv.phase] == nil {
			total[iv.phase] = hdrhistogram.New(1, intervalHighest, HistogramSigFigs)
		}
		if dropped := iv.hist.MergeInto(total[iv.phase]); dropped > 0 {
			return fmt.Errorf("line %d: %s: %d values out of range", iv.line, iv.phase, dropped)
		}
	}
	slices.SortStableFunc(s.intervals, func(a, b Interval) int {
		return cmp.Or(cmp.Compare(a.Second, b.Second), cmp.Compare(a.Phase, b.Phase))
	})
	for p, h := range total {
		if h != nil {
			s.hists[p] = microsHistogram(h)
		}
	}
	return nil
}

// readOptional opens path and hands it to read; a missing file is no error.
func readOptional(path string, read func(*os.File) error) error {
	f, err := os.Open(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	defer f.Close()
	if err := read(f); err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	return nil
}
