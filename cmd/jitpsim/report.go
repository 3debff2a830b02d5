package main

import (
	"errors"
	"flag"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"

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
// exit code of `jitpsim report`. It expands shell patterns in the shard
// arguments itself (expandShardArgs), for containers without a shell.
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
	dirs, err := expandShardArgs(pos, *out)
	if err != nil {
		return exitUsage, err
	}
	s, err := report.MergeDirs(dirs, report.MergeOptions{Partial: *partial})
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

// expandShardArgs returns the shard directories the arguments of jitpsim
// report merge name. An argument with a pattern character (*, ? or [) that is
// not an existing path is a pattern, as a shell would have expanded it:
// filepath.Glob's matches, sorted, but for the --out directory (a merge into
// a directory next to the shards matches a pattern such as results/*). A
// pattern that matches nothing, or a literal argument that is the --out
// directory, is a usage error.
func expandShardArgs(args []string, out string) ([]string, error) {
	var dirs []string
	for _, arg := range args {
		if !isPattern(arg) {
			if samePath(arg, out) {
				return nil, usagef("--out %s is one of the shard directories; merging into it would overwrite the shard's files", out)
			}
			dirs = append(dirs, arg)
			continue
		}
		matches, err := filepath.Glob(arg)
		if err != nil {
			return nil, usagef("shard directory pattern %q: %v", arg, err)
		}
		slices.Sort(matches)
		n := len(dirs)
		for _, m := range matches {
			if !samePath(m, out) {
				dirs = append(dirs, m)
			}
		}
		if len(dirs) == n {
			what := "nothing"
			if len(matches) > 0 {
				what = "only --out " + out
			}
			return nil, usagef("shard directory pattern %q matches %s: %s", arg, what, mergeUsage)
		}
	}
	return dirs, nil
}

// isPattern reports whether a shard argument is a pattern for filepath.Glob:
// it has a pattern character and is not the name of an existing file.
func isPattern(arg string) bool {
	if !strings.ContainsAny(arg, "*?[") {
		return false
	}
	_, err := os.Lstat(arg)
	return err != nil
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
