package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"
	"time"

	"github.com/jitpsim/jitpsim/report"
	"github.com/jitpsim/jitpsim/scenario"
	"github.com/jitpsim/jitpsim/sim"
	"github.com/jitpsim/jitpsim/sim/localiot"
	"github.com/jitpsim/jitpsim/sim/localiot/template"
	"github.com/jitpsim/jitpsim/sim/pki"
)

// runOptions are the flags of `jitpsim run`.
type runOptions struct {
	out     string
	state   string
	devices int
	rate    float64
	quiet   bool
	// metricsAddr serves Prometheus metrics during the run (--metrics-addr).
	metricsAddr string
	// yes confirms a run against a real AWS account above target.confirm_above devices.
	yes bool
	// shard is the part of the fleet this process runs (--shard, or the
	// environment); nil for the whole fleet.
	shard *report.Shard
	// startAt, when set, is when the first device starts (--start-at).
	startAt time.Time
}

// runFlags declares the flags of jitpsim run into o; shard and startAt
// receive --shard and --start-at as given.
func runFlags(o *runOptions) (fs *flag.FlagSet, shard, startAt *string) {
	fs = flag.NewFlagSet("run", flag.ContinueOnError)
	fs.StringVar(&o.out, "out", "", "write summary.json, junit.xml, report.html, phases.hlog and timeline.csv into this directory")
	fs.StringVar(&o.state, "state", "", "keep the CA, device identities and the stand-in's registry here across runs")
	fs.IntVar(&o.devices, "devices", 0, "override devices.count")
	fs.Float64Var(&o.rate, "rate", 0, "override arrival.rate (devices per second)")
	fs.BoolVar(&o.quiet, "quiet", false, "no progress lines")
	fs.StringVar(&o.metricsAddr, "metrics-addr", "", "serve Prometheus metrics at HOST:PORT during the run (:PORT listens on 127.0.0.1)")
	fs.BoolVar(&o.yes, "yes", false, "confirm a run against a real AWS account above target.confirm_above devices")
	shard = fs.String("shard", "", "run shard I of N (I/N, from 0/N to N-1/N): the devices at positions I, I+N, I+2N, ... on the whole fleet's schedule "+
		"(default: "+envShardCount+" with "+envShardIndex+", "+envJobIndex+" or "+envBatchIndex+")")
	startAt = fs.String("start-at", "", "prepare, then wait until this RFC 3339 time (e.g. 2026-12-04T20:00:00Z) to start the first device; give every shard the same")
	return fs, shard, startAt
}

func runCmd(args []string, stdout, stderr io.Writer) (int, error) {
	var o runOptions
	fs, shard, startAt := runFlags(&o)
	pos, err := parseArgs(fs, args)
	if err != nil {
		return exitUsage, err
	}
	if len(pos) != 1 {
		return exitUsage, usagef("want one scenario file: jitpsim run SCENARIO [--out DIR] [--state DIR] [--devices N] [--rate R] [--shard I/N] [--start-at TIME]")
	}
	if isSet(fs, "shard") {
		o.shard, err = parseShard(*shard)
	} else {
		o.shard, err = shardFromEnv(os.Getenv)
	}
	if err != nil {
		return exitUsage, usageError{err}
	}
	if isSet(fs, "start-at") {
		if o.startAt, err = parseStartAt(*startAt, time.Now()); err != nil {
			return exitUsage, usageError{err}
		}
	}
	s, err := scenario.Load(pos[0])
	if err != nil {
		return exitUsage, usageError{err}
	}
	if s.Capacity != nil && (o.devices != 0 || o.rate != 0) {
		return exitUsage, usagef("--devices and --rate do not apply to a capacity ramp: its capacity section sets every step")
	}
	if err := s.Override(o.devices, o.rate); err != nil {
		return exitUsage, usageError{err}
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	return run(ctx, s, o, stdout, stderr)
}

// run executes a loaded scenario against its target (the embedded stand-in
// or an AWS account, target.go) and writes the report; it returns the exit code.
func run(ctx context.Context, s *scenario.Scenario, o runOptions, stdout, stderr io.Writer) (int, error) {
	if err := checkShard(s, o.shard); err != nil {
		return exitUsage, usageError{err}
	}
	if o.shard != nil {
		// What report merge checks that the shards belong to one run.
		o.shard.Planned, o.shard.StartAt = sim.PlannedStarts(s), o.startAt.UTC()
	}
	if o.shard != nil && s.AbortOnFail {
		// A shard sees only its part: it cannot tell that the whole run's gates can no longer pass.
		fmt.Fprintf(stderr, "jitpsim: abort_on_fail is off in shard %d/%d: one shard's figures cannot tell whether the whole run's gates fail; jitpsim report merge judges them\n", o.shard.Index, o.shard.Count)
		s.AbortOnFail = false
	}
	outDefaulted := false
	if o.shard != nil && o.out == "" {
		o.out, outDefaulted = shardOutDir(s, o.shard), true
	}
	tmpl, err := loadTemplate(s)
	if err != nil {
		return exitUsage, usageError{err}
	}
	tgt, err := openTarget(ctx, s, o, stderr)
	if err != nil {
		return exitUsage, err
	}
	defer tgt.close()
	ca, err := loadCA(s, o.state)
	if err != nil {
		return exitUsage, usageError{err}
	}
	if err := checkCapacity(s, o.shard); err != nil {
		return exitUsage, usageError{err}
	}
	if o.out != "" {
		if err := os.MkdirAll(o.out, 0o755); err != nil {
			return exitUsage, usagef("--out: %v", err)
		}
	}
	ids := &sim.Identities{CA: ca, Scenario: s}
	if o.state != "" {
		ids.Store = &pki.IdentityStore{Dir: filepath.Join(o.state, "devices")}
	}
	where, err := tgt.start(ctx, ca, tmpl)
	if err != nil {
		return exitUsage, err
	}

	var recOpts []report.Option
	if o.startAt.After(time.Now()) {
		// Shards started together share the timeline's zero, for report merge.
		recOpts = append(recOpts, report.WithStart(o.startAt))
	}
	rec := report.NewRecorder(recOpts...)
	fleet := &sim.Fleet{
		Scenario:   s,
		Identities: ids,
		Target:     where,
		Recorder:   rec,
		OnDevice:   tgt.onDevice(),
		Shard:      o.shard,
		Start:      o.startAt,
	}
	if !o.quiet {
		if s.Capacity == nil { // a capacity ramp announces its steps instead (extras.go)
			fmt.Fprintln(stderr, startLine(s, fleet, s.Target.Type != scenario.TargetAWS, tgt.describe()))
		}
		if outDefaulted {
			fmt.Fprintf(stderr, "jitpsim: writing this shard's outputs to %s (no --out given)\n", o.out)
		}
	}
	extras, err := startExtras(o, s, fleet, tgt.describe(), stderr)
	if err != nil {
		return exitUsage, err
	}
	defer extras.stop()
	start := time.Now()
	if !o.startAt.IsZero() {
		if o.startAt.After(start) {
			start = o.startAt
		}
		announceStart(o.startAt, o.quiet, stderr)
	}
	stopProgress := progressFrom(ctx, o.startAt, func() func() {
		return startProgress(stderr, o.quiet, extras.src, rec, fleet.Planned(), start)
	})
	var aborted string
	// The fleet waits for --start-at itself, minting its first identities
	// meanwhile; a capacity ramp's steps are fleets of their own and wait here.
	if s.Capacity == nil || sim.SleepUntil(ctx, o.startAt) {
		aborted = extras.run(ctx)
	}
	stopProgress()
	elapsed := max(time.Since(start), 0)
	interrupted := ctx.Err() != nil

	counters := tgt.stop(stderr)
	sum := rec.Summarize(report.Meta{
		Scenario:      s.Name,
		Planned:       fleet.Planned(),
		Started:       fleet.Started(),
		DroppedStarts: fleet.DroppedStarts(),
		Duration:      elapsed,
		Interrupted:   interrupted,
		Aborted:       aborted,
		Target:        counters,
		Shard:         o.shard,
		// Each shard on the embedded target has a stand-in of its own.
		TargetPerShard: o.shard != nil && s.Target.Type == scenario.TargetEmbedded,
	})
	if err := tgt.check(ctx, sum, stderr); err != nil {
		fmt.Fprintf(stderr, "jitpsim: %v\n", err)
	}
	sum.Evaluate(s.Gates)
	extras.finish(sum)
	if err := report.WriteText(stdout, sum); err != nil {
		return exitUsage, err
	}
	if o.out != "" {
		if err := report.WriteDir(o.out, sum); err != nil {
			return exitUsage, err
		}
	}
	switch {
	case sum.Interrupted:
		return exitInterrupted, nil
	case !sum.Passed && o.shard != nil:
		// Gates such as devices.completed >= N or outcome.timeout <= 10 are about the whole run.
		fmt.Fprintf(stderr, "jitpsim: shard %d/%d: the gates above judge this shard's figures only; the run's verdict is jitpsim report merge's\n", o.shard.Index, o.shard.Count)
	case !sum.Passed:
		return exitGateFailed, nil
	}
	return exitPass, nil
}

// checkCapacity fails a run whose planned concurrency (for a shard, the
// shard's) does not fit the process's open-files limit or the ephemeral
// ports, before any device starts.
func checkCapacity(s *scenario.Scenario, shard *report.Shard) error {
	limits, err := sim.SystemLimits()
	if err != nil {
		return err
	}
	inProcess := s.Target.Type != scenario.TargetAWS // the embedded stand-in holds the other end
	return sim.CheckCapacity(sim.PlanCapacity(s, shard, inProcess), limits)
}

// targetCounters reports what the stand-in created during the run.
// With limits (target.aws_limits) it adds what the limits refused.
func targetCounters(before, after localiot.Stats, limits bool) map[string]int64 {
	c := map[string]int64{
		"things_before":          int64(before.Things),
		"things_after":           int64(after.Things),
		"certificates_before":    int64(before.Certificates),
		"certificates_after":     int64(after.Certificates),
		"registrations":          after.Registrations - before.Registrations,
		"provision_success":      after.ProvisionSuccess - before.ProvisionSuccess,
		"provision_client_error": after.ProvisionClientError - before.ProvisionClientError,
		"provision_server_error": after.ProvisionServerError - before.ProvisionServerError,
		"connects_refused":       after.ConnectsRefused - before.ConnectsRefused,
	}
	if limits {
		c["connects_throttled"] = after.ConnectsThrottled - before.ConnectsThrottled
		c["registrations_throttled"] = after.RegistrationsThrottled - before.RegistrationsThrottled
		c["provision_throttled"] = after.ProvisionThrottled - before.ProvisionThrottled
		c["publishes_throttled"] = after.PublishesThrottled - before.PublishesThrottled
	}
	return c
}

// checkThingsCreated adds the target-side idempotency check: a run may create
// at most one thing per certificate the target registered; more means an
// identity was provisioned twice. (Devices that failed after provisioning,
// e.g. with echo_lost, still created their thing legitimately.)
func checkThingsCreated(sum *report.Summary, before, after localiot.Stats) {
	created := int64(after.Things - before.Things)
	if extra := created - (after.Registrations - before.Registrations); extra > 0 {
		sum.Idempotency.Violations += int(extra)
	}
}

// loadTemplate returns the scenario's provisioning template, or the classic
// walkthrough's when the scenario names none.
func loadTemplate(s *scenario.Scenario) (*template.Template, error) {
	data, err := s.TemplateJSON()
	if err != nil {
		return nil, fmt.Errorf("%s: template: %w", s.File, err)
	}
	if data == nil {
		return template.Classic(), nil
	}
	t, err := template.Parse(data)
	if err != nil {
		where := s.File + ": template.inline"
		if s.Template.File != "" {
			where = s.Path(s.Template.File)
		}
		return nil, fmt.Errorf("%s: %w", where, err)
	}
	return t, nil
}

// loadCA loads the scenario's CA files, or the CA kept in the state
// directory, or generates a new one.
func loadCA(s *scenario.Scenario, state string) (*pki.CA, error) {
	if s.CA.CertFile != "" {
		return pki.LoadCA(s.Path(s.CA.CertFile), s.Path(s.CA.KeyFile))
	}
	kt, err := pki.ParseKeyType(s.CA.KeyType)
	if err != nil {
		return nil, err
	}
	if state != "" {
		ca, _, err := pki.LoadOrCreateCA(filepath.Join(state, "ca"), s.CA.CommonName, kt)
		return ca, err
	}
	return pki.NewCA(s.CA.CommonName, kt)
}
