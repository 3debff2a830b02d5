package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/jitpsim/jitpsim/sim/awsiot"
)

// awsVerifyCmd is "jitpsim aws verify [SCENARIO]": it checks every device of
// a recorded run on the control plane (certificate ACTIVE under the run's CA,
// exactly one thing, named and with the attributes the template says, the
// template's policies attached). Exit 0 when nothing is wrong, 1 with
// violations, 3 when interrupted.
func awsVerifyCmd(args []string, stdout, stderr io.Writer) (int, error) {
	var ref runRef
	fs := flag.NewFlagSet("aws verify", flag.ContinueOnError)
	ref.flags(fs)
	all := fs.Bool("all", false, "also check the devices that failed in the run")
	pos, err := parseArgs(fs, args)
	if err != nil {
		return exitUsage, err
	}
	run, path, cfg, err := ref.load(pos)
	if err != nil {
		return exitUsage, err
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	c, err := openRunClient(ctx, cfg)
	if err != nil {
		return exitUsage, err
	}
	defer c.Close()
	want, skipped := expectations(run, *all)
	start := time.Now()
	res, err := c.Verify(ctx, run.Target.CACertificateID, want, awsiot.DefaultWorkers, nil)
	if ctx.Err() != nil {
		return exitInterrupted, fmt.Errorf("interrupted")
	}
	if err != nil {
		return exitGateFailed, err
	}
	fmt.Fprintf(stdout, "jitpsim aws verify: run %s (%s): %d devices checked on the control plane, %d violations", run.ID, path, res.Checked, res.Violations)
	if skipped > 0 {
		fmt.Fprintf(stdout, " (%d devices failed in the run and were not checked; --all checks them)", skipped)
	}
	fmt.Fprintln(stdout)
	for _, f := range firstFindings(res.Findings, 50) {
		fmt.Fprintf(stdout, "  %s\n", f)
	}
	writeAPIStats(stdout, c, time.Since(start))
	if res.Violations > 0 {
		return exitGateFailed, nil
	}
	return exitPass, nil
}

// writeAPIStats prints the calls a command made.
func writeAPIStats(w io.Writer, c *awsiot.Client, took time.Duration) {
	st := c.Stats()
	t := st.Total()
	fmt.Fprintf(w, "  API calls: %d in %s, throttled %d, retried %d", t.Calls, took.Round(time.Millisecond), t.Throttled, t.Retries)
	if t.Calls > 0 {
		fmt.Fprintf(w, " (%s)", st)
	}
	fmt.Fprintln(w)
}
