package main

import (
	"context"
	"flag"

	"github.com/jitpsim/jitpsim/sim/awsiot"
)

// runRef is how verify and cleanup name a recorded run: an optional
// scenario (whose aws target settings win over the run file's), --state and
// --run.
type runRef struct {
	state, run string
}

// flags registers --state and --run.
func (r *runRef) flags(fs *flag.FlagSet) {
	fs.StringVar(&r.state, "state", "", "the state (or --out) directory of the run: its runs/ holds the run files")
	fs.StringVar(&r.run, "run", "", "the run: an ID in DIR/runs or a run file path (default: the latest run in DIR/runs)")
}

// load finds and reads the run file, and returns it with the client
// configuration: the run's, or the scenario's target when one is given.
func (r runRef) load(pos []string) (*awsiot.Run, string, awsiot.Config, error) {
	if len(pos) > 1 {
		return nil, "", awsiot.Config{}, usagef("want at most one scenario file, got %d arguments", len(pos))
	}
	path, err := awsiot.FindRun(r.state, r.run)
	if err != nil {
		return nil, "", awsiot.Config{}, usageError{err}
	}
	run, err := awsiot.LoadRun(path)
	if err != nil {
		return nil, "", awsiot.Config{}, usageError{err}
	}
	cfg := run.Target.Config()
	if len(pos) == 1 {
		s, err := loadAWSScenario(pos[0])
		if err != nil {
			return nil, "", awsiot.Config{}, err
		}
		cfg = awsConfigOf(s)
	}
	return run, path, cfg, nil
}

// openRunClient opens a client for a run's account.
func openRunClient(ctx context.Context, cfg awsiot.Config) (*awsiot.Client, error) {
	if cfg.Region == "" {
		return nil, usagef("the run file names no region")
	}
	return openAWS(ctx, cfg)
}
