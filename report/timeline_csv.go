package report

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
)

// timelineHeader is the first row of timeline.csv.
var timelineHeader = []string{"second", "started", "completed", "succeeded", "failed", "provision_p50_ms", "provision_p99_ms"}

// WriteTimelineCSV writes the per-second timeline: one row per second from
// the start of the run to its last completion, with the devices started,
// completed, succeeded and failed in that second and the provision p50 and p99
// of the devices completed in it (empty when none reached provision).
func WriteTimelineCSV(w io.Writer, s *Summary) error {
	cw := csv.NewWriter(w)
	if err := cw.Write(timelineHeader); err != nil {
		return err
	}
	for _, r := range s.Timeline {
		p50, p99 := "", ""
		if r.ProvisionCount > 0 {
			p50, p99 = formatMs(r.ProvisionP50), formatMs(r.ProvisionP99)
		}
		rec := []string{strconv.Itoa(r.Second), strconv.Itoa(r.Started), strconv.Itoa(r.Completed),
			strconv.Itoa(r.Succeeded), strconv.Itoa(r.Failed), p50, p99}
		if err := cw.Write(rec); err != nil {
			return err
		}
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return fmt.Errorf("write timeline.csv: %w", err)
	}
	return nil
}

// ReadTimelineCSV reads a timeline written by WriteTimelineCSV. Rows must
// have the header's columns; numbers must be non-negative, and seconds at
// most those of the longest run a summary may hold (maxRunSeconds). A row
// with percentiles gets ProvisionCount 1, as the file does not hold the count.
func ReadTimelineCSV(r io.Reader) ([]Second, error) {
	rows, err := readTimeline(r, -1)
	if err != nil {
		return nil, fmt.Errorf("read timeline.csv: %w", err)
	}
	return rows, nil
}

// readTimeline reads a timeline as ReadTimelineCSV does. When the run's
// duration is known (durationS >= 0), a second past it (with the slack of
// secondsLimit) is an error too. Errors name the line but not the file.
func readTimeline(r io.Reader, durationS float64) ([]Second, error) {
	limit := maxRunSeconds + runSlackSeconds
	if durationS >= 0 {
		limit = secondsLimit(durationS)
	}
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = len(timelineHeader)
	head, err := cr.Read()
	if errors.Is(err, io.EOF) {
		return nil, errors.New("empty file")
	}
	if err != nil {
		return nil, err
	}
	if strings.Join(head, ",") != strings.Join(timelineHeader, ",") {
		return nil, fmt.Errorf("header %q, want %q", strings.Join(head, ","), strings.Join(timelineHeader, ","))
	}
	var rows []Second
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			return rows, nil
		}
		if err != nil {
			return nil, err
		}
		line, _ := cr.FieldPos(0)
		row, err := parseTimelineRow(rec)
		if err != nil {
			return nil, fmt.Errorf("line %d: %w", line, err)
		}
		if row.Second > limit {
			if durationS >= 0 {
				return nil, fmt.Errorf("line %d: second %d is past the run's %s s", line, row.Second, formatSeconds(durationS))
			}
			return nil, fmt.Errorf("line %d: second %d is past the longest run (%d s)", line, row.Second, maxRunSeconds)
		}
		rows = append(rows, row)
	}
}

func parseTimelineRow(rec []string) (Second, error) {
	var ints [5]int
	for i := range ints {
		n, err := strconv.Atoi(rec[i])
		if err != nil || n < 0 {
			return Second{}, fmt.Errorf("%s: want a count, got %q", timelineHeader[i], rec[i])
		}
		ints[i] = n
	}
	row := Second{Second: ints[0], Started: ints[1], Completed: ints[2], Succeeded: ints[3], Failed: ints[4]}
	if rec[5] == "" && rec[6] == "" {
		return row, nil
	}
	var ms [2]float64
	for i := range ms {
		v, err := strconv.ParseFloat(rec[5+i], 64)
		if err != nil || v < 0 || math.IsInf(v, 0) || math.IsNaN(v) {
			return Second{}, fmt.Errorf("%s: want milliseconds, got %q", timelineHeader[5+i], rec[5+i])
		}
		ms[i] = v
	}
	row.ProvisionCount, row.ProvisionP50, row.ProvisionP99 = 1, ms[0], ms[1]
	return row, nil
}
