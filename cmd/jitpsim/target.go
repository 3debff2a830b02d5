package main

import (
	"context"
	"io"

	"github.com/jitpsim/jitpsim/report"
	"github.com/jitpsim/jitpsim/scenario"
	"github.com/jitpsim/jitpsim/sim"
	"github.com/jitpsim/jitpsim/sim/localiot/template"
	"github.com/jitpsim/jitpsim/sim/pki"
)

// runTarget is what a run's devices connect to: the embedded stand-in
// (target_embedded.go) or an AWS account (target_aws.go). The run calls
// start, then runs the fleet, then stop, then check, and close on every path.
type runTarget interface {
	// start makes the target ready for the CA and template (registering the
	// CA with the stand-in, or checking it is registered in the account) and
	// returns where devices connect.
	start(ctx context.Context, ca *pki.CA, tmpl *template.Template) (sim.Target, error)
	// describe names the target for progress lines, e.g. "the embedded AWS IoT stand-in on 127.0.0.1:1234".
	describe() string
	// onDevice returns the fleet's per-device hook, or nil when the target needs none.
	onDevice() func(id *pki.Identity, obs report.Observation)
	// stop ends the devices' use of the target and returns its counters for the summary.
	stop(stderr io.Writer) map[string]int64
	// check adds the target's findings to the summary, before the gates are evaluated.
	check(ctx context.Context, sum *report.Summary, stderr io.Writer) error
	// close releases what start acquired; it is safe to call more than once.
	close()
}

// openTarget returns the scenario's target. For an AWS account it checks
// the safety rules and the credentials first, so that a run that cannot
// work fails at once, before anything is minted or started.
func openTarget(ctx context.Context, s *scenario.Scenario, o runOptions, stderr io.Writer) (runTarget, error) {
	if s.Target.Type == scenario.TargetAWS {
		return openAWSTarget(ctx, s, o, stderr)
	}
	return &embeddedTarget{s: s, state: o.state}, nil
}
