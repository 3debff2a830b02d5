package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"

	"github.com/jitpsim/jitpsim/scenario"
	"github.com/jitpsim/jitpsim/sim"
	"github.com/jitpsim/jitpsim/sim/awsiot"
	"github.com/jitpsim/jitpsim/sim/localiot/template"
	"github.com/jitpsim/jitpsim/sim/pki"
)

// exampleAccount is the account ID of AWS's documentation examples, which
// the classic template's role ARN uses.
const exampleAccount = ":123456789012:"

// awsSetupCmd is "jitpsim aws setup SCENARIO": it registers the scenario's CA
// with its template (role ARN from target.role_arn) ACTIVE with
// auto-registration, or updates a registered one to match; a generated CA is
// kept in --state DIR for the runs and the cleanup. --create-resources also
// creates the thing type, thing groups, billing group and policies the
// template names.
func awsSetupCmd(args []string, stdout, stderr io.Writer) (int, error) {
	fs := flag.NewFlagSet("aws setup", flag.ContinueOnError)
	state := fs.String("state", "", "keep a generated CA here (DIR/ca) for run, verify and cleanup")
	resources := fs.Bool("create-resources", false, "also create the thing type, thing groups, billing group and policies the template names")
	pos, err := parseArgs(fs, args)
	if err != nil {
		return exitUsage, err
	}
	if len(pos) != 1 {
		return exitUsage, usagef("want one scenario file: jitpsim aws setup SCENARIO [--state DIR] [--create-resources]")
	}
	s, err := loadAWSScenario(pos[0])
	if err != nil {
		return exitUsage, err
	}
	tmpl, err := awsTemplate(s)
	if err != nil {
		return exitUsage, err
	}
	cfg := awsConfigOf(s)
	switch {
	case tmpl.RoleArn() == "" && cfg.RealAccount():
		return exitUsage, usagef("%s: set target.role_arn: AWS runs the template with a role that has the AWSIoTThingsRegistration policy", s.File)
	case strings.Contains(tmpl.RoleArn(), exampleAccount) && cfg.RealAccount():
		fmt.Fprintf(stderr, "jitpsim aws setup: warning: the role ARN %s is AWS's documentation example; set target.role_arn to your provisioning role\n", tmpl.RoleArn())
	case s.CA.CertFile == "" && *state == "":
		return exitUsage, usagef("the scenario generates its CA: give --state DIR to keep it for the run and the cleanup (or set ca.cert_file and ca.key_file)")
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	c, err := openAWS(ctx, cfg)
	if err != nil {
		return exitUsage, err
	}
	defer c.Close()
	ca, err := loadCA(s, *state)
	if err != nil {
		return exitUsage, usageError{err}
	}
	res, err := c.Setup(ctx, awsiot.SetupInput{CA: ca, Template: tmpl, Mode: s.Target.CertificateMode})
	if err != nil {
		return exitGateFailed, fmt.Errorf("register CA: %w", err)
	}
	printSetup(stdout, s, ca, res, *state)
	for _, w := range res.Warnings {
		fmt.Fprintf(stderr, "jitpsim aws setup: warning: %s\n", w)
	}
	if addr, sni, err := mqttEndpoint(ctx, s, c); err == nil {
		fmt.Fprintf(stdout, "  MQTT endpoint: %s (SNI %s)\n", addr, sni)
	} else {
		fmt.Fprintf(stderr, "jitpsim aws setup: warning: %v\n", err)
	}
	if *resources {
		done, err := createResources(ctx, c, s, ca, tmpl)
		for _, line := range done {
			fmt.Fprintf(stdout, "  %s\n", line)
		}
		if err != nil {
			return exitGateFailed, err
		}
	}
	fmt.Fprintf(stdout, "  API calls: %s\n", c.Stats())
	return exitPass, nil
}

// printSetup says what setup did with the CA.
func printSetup(w io.Writer, s *scenario.Scenario, ca *pki.CA, res awsiot.SetupResult, state string) {
	what := map[string]string{
		awsiot.SetupRegistered: "registered",
		awsiot.SetupUpdated:    "was registered; updated " + strings.Join(res.Changes, ", "),
		awsiot.SetupUnchanged:  "was registered already, with the same template",
	}[res.Action]
	fmt.Fprintf(w, "jitpsim aws setup: CA %s (%s) %s\n", res.CA.ID, ca.Cert.Subject.CommonName, what)
	fmt.Fprintf(w, "  %s, auto-registration %s, %s mode, in %s; template role %s\n",
		res.CA.Status, res.CA.AutoRegistration, res.CA.Mode, s.Target.Region, orNone(res.CA.RoleArn))
	if s.CA.CertFile == "" {
		fmt.Fprintf(w, "  CA kept in %s (key mode 0600): give --state %s to jitpsim run and jitpsim aws cleanup\n",
			filepath.Join(state, "ca"), state)
	}
}

// createResources renders the template for the scenario's first device
// (a throwaway identity) and creates what its plan names.
func createResources(ctx context.Context, c *awsiot.Client, s *scenario.Scenario, ca *pki.CA, tmpl *template.Template) ([]string, error) {
	kt, err := pki.ParseKeyType(s.Devices.KeyType)
	if err != nil {
		return nil, err
	}
	id, err := ca.Mint(s.Devices.FirstIndex, sim.SubjectFor(s, s.Devices.FirstIndex), kt)
	if err != nil {
		return nil, err
	}
	plan, err := tmpl.Provision(template.SubjectParameters(id.Leaf(), id.ID))
	if err != nil {
		return nil, usagef("the template cannot provision the scenario's first device: %v", err)
	}
	return c.CreateResources(ctx, plan)
}

// orNone returns s, or "(none)" when it is empty.
func orNone(s string) string {
	if s == "" {
		return "(none)"
	}
	return s
}
