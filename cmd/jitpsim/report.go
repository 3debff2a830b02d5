package main

import (
	"flag"
	"io"
	"path/filepath"

	"github.com/jitpsim/jitpsim/report"
)

// reportCmd re-renders a finished run from its output directory: the text
// report on stdout and report.html, from summary.json, phases.hlog and
// timeline.csv. The exit code is the run's: 0 passed, 1 failed, 3 stopped early.
func reportCmd(args []string, stdout, _ io.Writer) (int, error) {
	fs := flag.NewFlagSet("report", flag.ContinueOnError)
	html := fs.String("html", "", "write the HTML report here (default DIR/report.html)")
	noHTML := fs.Bool("no-html", false, "print the text report only")
	pos, err := parseArgs(fs, args)
	if err != nil {
		return exitUsage, err
	}
	if len(pos) != 1 {
		return exitUsage, usagef("want one run directory: jitpsim report DIR [--html FILE] [--no-html]")
	}
	dir := pos[0]
	s, err := report.ReadDir(dir)
	if err != nil {
		return exitUsage, usageError{err}
	}
	if err := report.WriteText(stdout, s); err != nil {
		return exitUsage, err
	}
	if !*noHTML {
		path := *html
		if path == "" {
			path = filepath.Join(dir, report.FileHTML)
		}
		if err := report.WriteFile(path, report.WriteHTML, s); err != nil {
			return exitUsage, err
		}
	}
	switch {
	case s.Interrupted:
		return exitInterrupted, nil
	case !s.Passed:
		return exitGateFailed, nil
	}
	return exitPass, nil
}
