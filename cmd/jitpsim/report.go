package main

import (
	"errors"
	"flag"
	"io"
	"os"
	"path/filepath"

	"github.com/jitpsim/jitpsim/report"
)

// reportCmd re-renders a finished run from its output directory: the text
// report on stdout and report.html, from summary.json, phases.hlog and
// timeline.csv. The exit code is the run's: 0 passed, 1 failed, 3 stopped early.
// `jitpsim report merge` combines the output directories of a sharded run.
func reportCmd(args []string, stdout, stderr io.Writer) (int, error) {
	if len(args) > 0 && args[0] == "merge" {
		return reportMergeCmd(args[1:], stdout, stderr)
	}
	fs := flag.NewFlagSet("report", flag.ContinueOnError)
	html := fs.String("html", "", "write the HTML report here (default DIR/report.html)")
	noHTML := fs.Bool("no-html", false, "print the text report only")
	pos, err := parseArgs(fs, args)
	if err != nil {
		return exitUsage, err
	}
	if len(pos) != 1 {
		return exitUsage, usagef("want one run directory: jitpsim report DIR [--html FILE] [--no-html], or jitpsim report merge --out DIR SHARD_DIR...")
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
	return verdictCode(s), nil
}

// mergeUsage is the synopsis of jitpsim report merge.
const mergeUsage = "jitpsim report merge --out DIR [--partial] [--no-html] SHARD_DIR..."

// reportMergeCmd combines the output directories of the shards of one run
// (jitpsim run --shard I/N) into the whole run's: every output file in --out,
// the text report on stdout, the gates judged on the whole fleet, and the
// exit code of `jitpsim report`.
func reportMergeCmd(args []string, stdout, _ io.Writer) (int, error) {
	fs := flag.NewFlagSet("report merge", flag.ContinueOnError)
	out := fs.String("out", "", "write the merged run's files into this directory (created if needed)")
	partial := fs.Bool("partial", false, "merge even when shards of the run are missing; the report says which")
	noHTML := fs.Bool("no-html", false, "do not write report.html")
	pos, err := parseArgs(fs, args)
	if err != nil {
		return exitUsage, err
	}
	switch {
	case *out == "":
		return exitUsage, usagef("want --out DIR: %s", mergeUsage)
	case len(pos) == 0:
		return exitUsage, usagef("want the shards' run directories: %s", mergeUsage)
	}
	for _, dir := range pos {
		if samePath(dir, *out) {
			return exitUsage, usagef("--out %s is one of the shard directories; merging into it would overwrite the shard's files", *out)
		}
	}
	s, err := report.MergeDirs(pos, report.MergeOptions{Partial: *partial})
	var missing *report.MissingShardsError
	switch {
	case errors.As(err, &missing):
		return exitUsage, usagef("%w; merge them too, or pass --partial to merge the shards there are", err)
	case err != nil:
		return exitUsage, usageError{err}
	}
	if err := os.MkdirAll(*out, 0o755); err != nil {
		return exitUsage, usageError{err}
	}
	for _, o := range report.Outputs() {
		if *noHTML && o.Name == report.FileHTML {
			continue
		}
		if err := report.WriteFile(filepath.Join(*out, o.Name), o.Write, s); err != nil {
			return exitUsage, err
		}
	}
	if err := report.WriteText(stdout, s); err != nil {
		return exitUsage, err
	}
	return verdictCode(s), nil
}

// verdictCode is the exit code of a finished run's summary.
func verdictCode(s *report.Summary) int {
	switch {
	case s.Interrupted:
		return exitInterrupted
	case !s.Passed:
		return exitGateFailed
	}
	return exitPass
}

// samePath reports whether a and b name the same directory: the same clean
// absolute path, or the same existing file.
func samePath(a, b string) bool {
	aa, err1 := filepath.Abs(a)
	bb, err2 := filepath.Abs(b)
	if err1 == nil && err2 == nil && aa == bb {
		return true
	}
	fa, err1 := os.Stat(a)
	fb, err2 := os.Stat(b)
	return err1 == nil && err2 == nil && os.SameFile(fa, fb)
}
