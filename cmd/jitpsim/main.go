// Command jitpsim simulates fleets of IoT devices going through AWS IoT
// Just-in-Time Provisioning, measures every phase, and passes or fails the
// run against the scenario's gates.
//
// Usage:
//
//	jitpsim run SCENARIO [--out DIR] [--state DIR] [--devices N] [--rate R] [--quiet] [--metrics-addr HOST:PORT] [--yes] [--shard I/N] [--start-at TIME]
//	jitpsim validate SCENARIO
//	jitpsim report DIR [--html FILE] [--no-html]
//	jitpsim report merge --out DIR [--partial] [--no-html] SHARD_DIR...
//	jitpsim quota --devices N [--quota name=value ...]
//	jitpsim aws setup|verify|cleanup ...
//	jitpsim version
//
// A run can be split over processes: --shard I/N runs the devices at
// positions I, I+N, I+2N, ... of the whole fleet at the whole fleet's due
// times; without --shard, JITPSIM_SHARD_COUNT with JITPSIM_SHARD_INDEX,
// JOB_COMPLETION_INDEX (Kubernetes Indexed Job) or AWS_BATCH_JOB_ARRAY_INDEX,
// in that order, give the shard. --start-at TIME starts the shards together.
//
// Exit codes: 0 every gate passed, 1 a gate failed, 2 bad usage or
// configuration, 3 interrupted or aborted (the report is still written).
package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"sort"
	"strings"
)

// Exit codes, part of the CLI contract used by pipelines.
const (
	exitPass        = 0
	exitGateFailed  = 1
	exitUsage       = 2
	exitInterrupted = 3
)

// version is set at build time with -ldflags "-X main.version=...".
var version = "dev"

// usageError is a problem with the command line or the configuration: exit 2.
type usageError struct{ err error }

func (e usageError) Error() string { return e.err.Error() }
func (e usageError) Unwrap() error { return e.err }

func usagef(format string, args ...any) error {
	return usageError{fmt.Errorf(format, args...)}
}

type command struct {
	summary string
	run     func(args []string, stdout, stderr io.Writer) (int, error)
}

var commands = map[string]command{
	"run":      {"run a scenario and report", runCmd},
	"mint":     {"write device identities (keys, certificates, chains) for other clients", mintCmd},
	"validate": {"check a scenario file and exit 0 (valid) or 2", validateCmd},
	"version":  {"print the version", versionCmd},
	"template": {"render a provisioning template as the registration config aws iot register-ca-certificate takes", templateCmd},
	"serve":    {"run the local AWS IoT stand-in (MQTT broker and control-plane API) on its own", serveCmd},
	"report":   {"re-render the report of a finished run from its --out directory, or merge the shards of a sharded run", reportCmd},
	"quota":    {"estimate which AWS IoT quota binds first when onboarding N devices", quotaCmd},
	"aws":      {"register the CA in an AWS account, verify and clean up what a run created", awsCmd},
}

func main() {
	os.Exit(realMain(os.Args[1:], os.Stdout, os.Stderr))
}

// realMain runs the command line and returns the exit code.
func realMain(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		printUsage(stderr)
		if len(args) == 0 {
			return exitUsage
		}
		return exitPass
	}
	cmd, ok := commands[args[0]]
	if !ok {
		fmt.Fprintf(stderr, "jitpsim: unknown command %q (commands: %s; see jitpsim help)\n", args[0], strings.Join(commandNames(), ", "))
		return exitUsage
	}
	code, err := cmd.run(args[1:], stdout, stderr)
	if err != nil {
		fmt.Fprintf(stderr, "jitpsim %s: %v\n", args[0], err)
		var ue usageError
		if errors.As(err, &ue) {
			return exitUsage
		}
		if code == exitPass {
			code = exitUsage
		}
	}
	return code
}

// commandNames returns the command names in alphabetical order.
func commandNames() []string {
	names := make([]string, 0, len(commands))
	for name := range commands {
		names = append(names, name)
	}
	sort.Strings(names)
	return names
}

func printUsage(w io.Writer) {
	fmt.Fprint(w, `jitpsim: load-test AWS IoT Just-in-Time Provisioning with simulated devices

Usage:
  jitpsim run SCENARIO [--out DIR] [--state DIR] [--devices N] [--rate R] [--quiet] [--metrics-addr HOST:PORT] [--yes] [--shard I/N] [--start-at TIME]
  jitpsim validate SCENARIO
  jitpsim template render FILE [--role-arn ARN]
  jitpsim mint --count N --out DIR [--key-type ec-p256|rsa-2048] [--key-pool K] [--name-pattern P] [--subject "C=US,O=..."] [--ca-cert F --ca-key F]
  jitpsim report DIR [--html FILE] [--no-html]
  jitpsim report merge --out DIR [--partial] [--no-html] SHARD_DIR...
  jitpsim quota --devices N [--quota name=value ...]
  jitpsim aws setup SCENARIO [--state DIR] [--create-resources]
  jitpsim aws verify [SCENARIO] [--state DIR] [--run ID|FILE] [--all]
  jitpsim aws cleanup [SCENARIO] [--state DIR] [--run ID|FILE | --ca ID] [--dry-run]
  jitpsim serve [--mqtt-addr ADDR] [--api-addr ADDR] [--data DIR] [--access-key-id K] [--secret-access-key S] [--provision-delay D] [--aws-limits] [--allow-remote]
  jitpsim version

Sharding a run over processes (jitpsim run):
  --shard I/N      run shard I of N (0 <= I < N): the devices at positions I, I+N, I+2N, ... of the
                   whole fleet, each at the whole fleet's due time; --devices and --rate are the whole run's
  --start-at TIME  prepare, then wait until TIME (RFC 3339, e.g. 2026-12-04T20:00:00Z) to start;
                   give every shard the same TIME
  Without --shard the shard comes from JITPSIM_SHARD_COUNT with, in this order, JITPSIM_SHARD_INDEX,
  JOB_COMPLETION_INDEX (Kubernetes Indexed Job) or AWS_BATCH_JOB_ARRAY_INDEX (AWS Batch array job);
  --shard wins over the environment. A shard without --out writes to SCENARIO-shard-I-of-N and
  exits 0 unless interrupted: jitpsim report merge combines the shards' output directories (a quoted
  pattern such as 'out/shard-*' is expanded by jitpsim itself) and judges the gates on the whole run.

Exit codes: 0 pass, 1 gate failed, 2 usage or configuration error, 3 interrupted.
`)
}

func versionCmd(args []string, stdout, _ io.Writer) (int, error) {
	if len(args) > 0 {
		return exitUsage, usagef("version takes no arguments")
	}
	fmt.Fprintf(stdout, "jitpsim %s\n", version)
	return exitPass, nil
}
