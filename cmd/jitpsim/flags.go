package main

import (
	"flag"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/jitpsim/jitpsim/report"
)

// parseArgs parses flags that may come before or after positional arguments
// ("run smoke.yaml --out d" and "run --out d smoke.yaml" both work) and
// returns the positional arguments.
func parseArgs(fs *flag.FlagSet, args []string) ([]string, error) {
	fs.SetOutput(io.Discard)
	var positional []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, usagef("%v", strings.TrimSpace(err.Error()))
		}
		args = fs.Args()
		if len(args) == 0 {
			return positional, nil
		}
		positional = append(positional, args[0])
		args = args[1:]
	}
}

// Environment variables that give a run's shard when --shard is absent.
const (
	envShardCount = "JITPSIM_SHARD_COUNT"
	envShardIndex = "JITPSIM_SHARD_INDEX"
	// envJobIndex is set by a Kubernetes Indexed Job in every pod.
	envJobIndex = "JOB_COMPLETION_INDEX"
	// envBatchIndex is set by an AWS Batch array job in every child job.
	envBatchIndex = "AWS_BATCH_JOB_ARRAY_INDEX"
)

// parseShard parses --shard I/N: 0 ≤ I < N. It returns nil for N = 1 (the
// whole fleet), as for no flag at all.
func parseShard(v string) (*report.Shard, error) {
	is, ns, ok := strings.Cut(strings.TrimSpace(v), "/")
	i, err1 := strconv.Atoi(is)
	n, err2 := strconv.Atoi(ns)
	switch {
	case !ok || err1 != nil || err2 != nil:
		return nil, fmt.Errorf("--shard %q: want I/N, e.g. --shard 0/4 for the first of 4 shards", v)
	case n < 1:
		return nil, fmt.Errorf("--shard %s: the shard count N must be at least 1", v)
	case i < 0 || i >= n:
		return nil, fmt.Errorf("--shard %s: the shard index I must be from 0 to %d (shards count from 0)", v, n-1)
	}
	return wholeIsNil(&report.Shard{Index: i, Count: n}), nil
}

// shardFromEnv returns the shard the environment gives when --shard is
// absent: JITPSIM_SHARD_COUNT with JITPSIM_SHARD_INDEX, else with
// JOB_COMPLETION_INDEX (a Kubernetes Indexed Job), else with
// AWS_BATCH_JOB_ARRAY_INDEX (an AWS Batch array job). Without
// JITPSIM_SHARD_COUNT the run is not sharded.
func shardFromEnv(getenv func(string) string) (*report.Shard, error) {
	count := strings.TrimSpace(getenv(envShardCount))
	if count == "" {
		if v := getenv(envShardIndex); v != "" {
			return nil, fmt.Errorf("%s=%s needs %s, the number of shards", envShardIndex, v, envShardCount)
		}
		return nil, nil
	}
	n, err := strconv.Atoi(count)
	if err != nil || n < 1 {
		return nil, fmt.Errorf("%s=%q: want the number of shards, at least 1", envShardCount, count)
	}
	for _, name := range []string{envShardIndex, envJobIndex, envBatchIndex} {
		v := strings.TrimSpace(getenv(name))
		if v == "" {
			continue
		}
		i, err := strconv.Atoi(v)
		if err != nil || i < 0 || i >= n {
			return nil, fmt.Errorf("%s=%q: want a shard index from 0 to %d (%s=%d)", name, v, n-1, envShardCount, n)
		}
		return wholeIsNil(&report.Shard{Index: i, Count: n}), nil
	}
	if n == 1 {
		return nil, nil
	}
	return nil, fmt.Errorf("%s=%d needs the shard's index: set %s (a Kubernetes Indexed Job sets %s) or give --shard I/%d",
		envShardCount, n, envShardIndex, envJobIndex, n)
}

// wholeIsNil returns nil for a shard that is the whole fleet (1 of 1).
func wholeIsNil(sh *report.Shard) *report.Shard {
	if sh.Count == 1 {
		return nil
	}
	return sh
}

// Bounds of --start-at around the time the run is started.
const (
	startAtMaxPast   = time.Minute
	startAtMaxFuture = 24 * time.Hour
)

// parseStartAt parses --start-at: an RFC 3339 time at most a minute before
// now (shards that come up a little late still keep the shared schedule) and
// at most 24 hours after it.
func parseStartAt(v string, now time.Time) (time.Time, error) {
	t, err := time.Parse(time.RFC3339, strings.TrimSpace(v))
	if err != nil {
		return time.Time{}, fmt.Errorf("--start-at %q: want an RFC 3339 time such as %s", v,
			now.Add(2*time.Minute).UTC().Truncate(time.Minute).Format(time.RFC3339))
	}
	switch {
	case now.Sub(t) > startAtMaxPast:
		return time.Time{}, fmt.Errorf("--start-at %s was %s ago; give a time at most %s in the past, the same for every shard",
			v, now.Sub(t).Round(time.Second), startAtMaxPast)
	case t.Sub(now) > startAtMaxFuture:
		return time.Time{}, fmt.Errorf("--start-at %s is %s away; give a time at most %s ahead",
			v, t.Sub(now).Round(time.Minute), startAtMaxFuture)
	}
	return t, nil
}

// isSet reports whether the flag was given on the command line.
func isSet(fs *flag.FlagSet, name string) bool {
	set := false
	fs.Visit(func(f *flag.Flag) { set = set || f.Name == name })
	return set
}
