package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"strings"

	"github.com/jitpsim/jitpsim/scenario"
	"github.com/jitpsim/jitpsim/sim/awsiot"
	"github.com/jitpsim/jitpsim/sim/localiot/template"
)

// awsUsage is the synopsis of the aws command.
const awsUsage = `jitpsim aws setup SCENARIO [--state DIR] [--create-resources]
  jitpsim aws verify [SCENARIO] [--state DIR] [--run ID|FILE] [--all]
  jitpsim aws cleanup [SCENARIO] [--state DIR] [--run ID|FILE | --ca ID] [--dry-run]`

// defaultMQTTPort is AWS IoT's MQTT over TLS port.
const defaultMQTTPort = "8883"

// awsCmd runs the control-plane commands of an AWS target: setup, verify, cleanup.
func awsCmd(args []string, stdout, stderr io.Writer) (int, error) {
	if len(args) == 0 {
		return exitUsage, usagef("want a subcommand:\n  %s", awsUsage)
	}
	sub := map[string]func([]string, io.Writer, io.Writer) (int, error){
		"setup": awsSetupCmd, "verify": awsVerifyCmd, "cleanup": awsCleanupCmd,
	}[args[0]]
	if sub == nil {
		return exitUsage, usagef("unknown subcommand %q; want:\n  %s", args[0], awsUsage)
	}
	return sub(args[1:], stdout, stderr)
}

// loadAWSScenario loads a scenario that must have an aws target.
func loadAWSScenario(path string) (*scenario.Scenario, error) {
	s, err := scenario.Load(path)
	if err != nil {
		return nil, usageError{err}
	}
	if s.Target.Type != scenario.TargetAWS {
		return nil, usagef("%s: target.type is %s; the aws commands need target.type: aws", path, s.Target.Type)
	}
	return s, nil
}

// awsConfigOf returns the client configuration of a scenario's aws target.
func awsConfigOf(s *scenario.Scenario) awsiot.Config {
	t := s.Target
	return awsiot.Config{Region: t.Region, Profile: t.Profile, EndpointURL: t.EndpointURL, Rates: t.APIRates}
}

// openAWS opens a client; missing credentials or an unknown profile are
// usage errors (exit 2) of one line.
func openAWS(ctx context.Context, cfg awsiot.Config) (*awsiot.Client, error) {
	c, err := awsiot.Open(ctx, cfg)
	var ce *awsiot.ConfigError
	if errors.As(err, &ce) {
		return nil, usagef("aws target: %v", ce)
	}
	return c, err
}

// awsTemplate returns the scenario's template with target.role_arn, when
// set, as its role ARN.
func awsTemplate(s *scenario.Scenario) (*template.Template, error) {
	tmpl, err := loadTemplate(s)
	if err != nil {
		return nil, usageError{err}
	}
	if s.Target.RoleArn != "" {
		tmpl = tmpl.WithRoleArn(s.Target.RoleArn)
	}
	return tmpl, nil
}

// mqttEndpoint returns where devices connect (host:port) and the SNI host
// name: target.mqtt_endpoint, or DescribeEndpoint's host on port 8883. SNI
// is the endpoint's host; for an IP address, which TLS cannot carry as SNI,
// it is the host DescribeEndpoint names.
func mqttEndpoint(ctx context.Context, s *scenario.Scenario, c *awsiot.Client) (addr, serverName string, err error) {
	addr = s.Target.MQTTEndpoint
	if addr != "" && !strings.Contains(addr, ":") {
		addr = net.JoinHostPort(addr, defaultMQTTPort)
	}
	if addr != "" {
		host, _, _ := net.SplitHostPort(addr)
		if net.ParseIP(host) == nil {
			return addr, host, nil
		}
	}
	described, err := c.Endpoint(ctx)
	if err != nil {
		return "", "", fmt.Errorf("DescribeEndpoint (iot:Data-ATS): %w", err)
	}
	if addr == "" {
		addr = net.JoinHostPort(described, defaultMQTTPort)
	}
	return addr, described, nil
}

// runsDir returns the directory whose runs/ holds the run files: --state, else --out.
func runsDir(state, out string) string {
	if state != "" {
		return state
	}
	return out
}
