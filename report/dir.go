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

// ReadDir reads a finished run back from its output directory for
// re-reporting and merging: summary.json (required), the per-second interval
// histograms from phases.hlog with each phase's merge as the summary's
// microsecond histogram, and the timeline from timeline.csv (each when present).
func ReadDir(dir string) (*Summary, error) {
	f, err := os.Open(filepath.Join(dir, FileSummary))
	if err != nil {
		return nil, err
	}
	defer f.Close()
	s, err := ReadJSON(f)
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
		s.Timeline, err = ReadTimelineCSV(f)
		return err
	}); err != nil {
		return nil, err
	}
	return s, nil
}

// setIntervals gives a summary read from JSON the intervals of its
// phases.hlog: each numbered by its second since StartedAt (since the first
// interval when the summary has no start), in time order, and each phase's
// merge converted to the summary's microsecond histograms.
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
	var total [NumPhases]*hdrhistogram.Histogram
	s.intervals = make([]Interval, 0, len(ivs))
	for _, iv := range ivs {
		// Intervals start on whole seconds after the start; round away the
		// millisecond the log's text may lose.
		sec := int(math.Round(float64(iv.startMs-origin) / 1000))
		if sec < 0 {
			return fmt.Errorf("read phases.hlog: a %s interval starts %d ms before the run", iv.phase, origin-iv.startMs)
		}
		s.intervals = append(s.intervals, Interval{Second: sec, Phase: iv.phase, Hist: iv.hist})
		if total[iv.phase] == nil {
			total[iv.phase] = hdrhistogram.New(1, intervalHighest, HistogramSigFigs)
		}
		if dropped := iv.hist.MergeInto(total[iv.phase]); dropped > 0 {
			return fmt.Errorf("read phases.hlog: %s: %d values out of range", iv.phase, dropped)
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
