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

// cleanupSaveEvery is how often cleanup saves its progress to the run file.
const cleanupSaveEvery = 2 * time.Second

// awsCleanupCmd is "jitpsim aws cleanup": it removes what a recorded run
// created (--run, default the latest), or everything under a CA (--ca):
// certificates set INACTIVE, policies and things detached, certificates and
// the template's things deleted. Progress is kept in the run file, so a
// second cleanup continues an interrupted one and, once all is done, makes
// no call at all. Exit 0 when nothing is left, 1 when something is (the
// output says why), 3 when interrupted.
func awsCleanupCmd(args []string, stdout, stderr io.Writer) (int, error) {
	var ref runRef
	fs := flag.NewFlagSet("aws cleanup", flag.ContinueOnError)
	ref.flags(fs)
	caID := fs.String("ca", "", "remove every device certificate of this CA (ID) and the things only they were attached to, instead of a run's")
	dry := fs.Bool("dry-run", false, "make read calls only and say what would be removed")
	pos, err := parseArgs(fs, args)
	if err != nil {
		return exitUsage, err
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if *caID != "" {
		if ref.run != "" {
			return exitUsage, usagef("give --run or --ca, not both")
		}
		return cleanupCA(ctx, pos, *caID, *dry, stdout)
	}
	run, path, cfg, err := ref.load(pos)
	if err != nil {
		return exitUsage, err
	}
	pending := 0
	for _, d := range run.Devices {
		if d.Cleanup.Stage != awsiot.StageDone {
			pending++
		}
	}
	if pending == 0 {
		fmt.Fprintf(stdout, "jitpsim aws cleanup: run %s: nothing to do: all %d devices were cleaned up before\n", run.ID, len(run.Devices))
		return exitPass, nil
	}
	c, err := openRunClient(ctx, cfg)
	if err != nil {
		return exitUsage, err
	}
	defer c.Close()
	start := time.Now()
	ca, _, err := c.DescribeCA(ctx, run.Target.CACertificateID)
	if err != nil {
		return exitGateFailed, fmt.Errorf("describe CA %s: %w", run.Target.CACertificateID, err)
	}
	targets := make([]awsiot.CleanupTarget, len(run.Devices))
	for i := range run.Devices {
		d := &run.Devices[i]
		targets[i] = awsiot.CleanupTarget{CertificateID: d.CertificateID, Thing: d.Thing, State: &d.Cleanup}
		if ca.ARN != "" { // else each certificate's ARN is described
			targets[i].ARN = ca.CertificateARN(d.CertificateID)
		}
	}
	saved := time.Now()
	var saveErr error
	counts, err := c.Cleanup(ctx, targets, awsiot.CleanupOptions{DryRun: *dry, Progress: func(int) {
		if !*dry && time.Since(saved) >= cleanupSaveEvery {
			saveErr, saved = run.Save(path), time.Now()
		}
	}})
	if !*dry {
		if serr := run.Save(path); serr != nil || saveErr != nil {
			return exitGateFailed, fmt.Errorf("save the cleanup progress to %s: %v", path, firstErr(serr, saveErr))
		}
	}
	writeCleanup(stdout, fmt.Sprintf("run %s", run.ID), counts, *dry, leftReasons(run))
	writeAPIStats(stdout, c, time.Since(start))
	return cleanupExit(ctx, err, counts)
}

// cleanupCA removes every device certificate of a CA and the things only they were attached to.
func cleanupCA(ctx context.Context, pos []string, caID string, dry bool, stdout io.Writer) (int, error) {
	if len(pos) != 1 {
		return exitUsage, usagef("--ca needs the scenario whose aws target holds the CA: jitpsim aws cleanup SCENARIO --ca ID")
	}
	s, err := loadAWSScenario(pos[0])
	if err != nil {
		return exitUsage, err
	}
	c, err := openAWS(ctx, awsConfigOf(s))
	if err != nil {
		return exitUsage, err
	}
	defer c.Close()
	start := time.Now()
	certs, err := c.CertificatesByCA(ctx, caID)
	if err != nil {
		return exitGateFailed, fmt.Errorf("list the certificates of CA %s: %w", caID, err)
	}
	targets := make([]awsiot.CleanupTarget, len(certs))
	states := make([]awsiot.CleanupState, len(certs))
	for i, cert := range certs {
		targets[i] = awsiot.CleanupTarget{CertificateID: cert.ID, ARN: cert.ARN, State: &states[i]}
	}
	counts, err := c.Cleanup(ctx, targets, awsiot.CleanupOptions{DryRun: dry})
	var why []string
	for i, st := range states {
		if st.Left != "" {
			why = append(why, fmt.Sprintf("certificate %s: %s", certs[i].ID, st.Left))
		}
	}
	writeCleanup(stdout, "CA "+caID, counts, dry, why)
	writeAPIStats(stdout, c, time.Since(start))
	return cleanupExit(ctx, err, counts)
}

// writeCleanup prints what a cleanup did (or would do) and what it left, with why.
func writeCleanup(w io.Writer, what string, n awsiot.CleanupCounts, dry bool, why []string) {
	verb := "removed"
	if dry {
		verb = "dry run: would remove"
	}
	fmt.Fprintf(w, "jitpsim aws cleanup: %s: %s %d certificates and %d things "+
		"(%d set INACTIVE, %d policies and %d things detached); %d certificates were gone already, %d devices were done before; left %d\n",
		what, verb, n.CertificatesDeleted, n.ThingsDeleted, n.Deactivated, n.PoliciesDetached, n.ThingsDetached, n.Absent, n.Skipped, n.Left)
	if n.ThingsKept > 0 {
		fmt.Fprintf(w, "  kept %d things attached to the certificates that are not the template's thing for their device (detached, not deleted)\n", n.ThingsKept)
	}
	for _, line := range firstLines(why, 20) {
		fmt.Fprintf(w, "  left: %s\n", line)
	}
}

// leftReasons lists why devices of a run were left.
func leftReasons(run *awsiot.Run) []string {
	var out []string
	for _, d := range run.Devices {
		if d.Cleanup.Left != "" {
			out = append(out, d.Device+": "+d.Cleanup.Left)
		}
	}
	return out
}

// cleanupExit returns 3 when interrupted, 1 when something was left, else 0.
func cleanupExit(ctx context.Context, err error, n awsiot.CleanupCounts) (int, error) {
	switch {
	case ctx.Err() != nil:
		return exitInterrupted, fmt.Errorf("interrupted: run the same cleanup again to continue")
	case err != nil:
		return exitGateFailed, err
	case n.Left > 0:
		return exitGateFailed, nil
	}
	return exitPass, nil
}

// firstLines returns at most n lines, with a last one counting the rest.
func firstLines(lines []string, n int) []string {
	if len(lines) <= n {
		return lines
	}
	return append(lines[:n:n], fmt.Sprintf("... and %d more", len(lines)-n))
}

// firstErr returns the first non-nil error.
func firstErr(errs ...error) error {
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}
