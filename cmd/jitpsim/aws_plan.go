package main

import (
	"fmt"
	"io"
	"net"

	"github.com/jitpsim/jitpsim/report"
	"github.com/jitpsim/jitpsim/scenario"
	"github.com/jitpsim/jitpsim/sim"
	"github.com/jitpsim/jitpsim/sim/awsiot"
)

// awsPlan is what a run asks of an AWS account.
type awsPlan struct {
	devices  int
	connects int
	calls    int // control-plane calls jitpsim makes, at least
	verify   int // of which to verify
	quota    report.QuotaEstimate
	quotaErr error
}

// planAWSRun estimates the MQTT connects, control-plane calls and the quota
// that binds first for a scenario's run.
func planAWSRun(s *scenario.Scenario) awsPlan {
	p := awsPlan{devices: sim.PlannedStarts(s)}
	if s.Capacity != nil {
		p.devices = s.Devices.Count
	}
	perDevice := 2 // the dropped first connect and the reconnect
	if s.Device.ProbeEnabled() {
		perDevice++
	}
	p.connects = p.devices * perDevice
	p.calls = 3 // DescribeCACertificate and ListCertificatesByCA before and after
	if host, _, err := net.SplitHostPort(s.Target.MQTTEndpoint); err != nil || net.ParseIP(host) != nil {
		p.calls++ // DescribeEndpoint
	}
	if s.Target.Verify {
		p.verify = 3*p.devices + 1
		p.calls += p.verify
	}
	quotas := report.DefaultQuotas()
	for i := range quotas {
		if quotas[i].Name == "connect_per_second" {
			quotas[i].PerDevice = float64(perDevice)
		}
	}
	p.quota, p.quotaErr = report.EstimateQuotas(max(p.devices, 1), quotas)
	return p
}

// write prints the plan: what the run does and the quota that binds first.
// A shard prints the whole run's plan, since AWS's quotas are the account's.
func (p awsPlan) write(w io.Writer, s *scenario.Scenario, cfg awsiot.Config, shard *report.Shard) {
	where := fmt.Sprintf("AWS IoT %s (a real account", cfg.Region)
	if !cfg.RealAccount() {
		where = fmt.Sprintf("the aws target %s (region %s", cfg.EndpointURL, cfg.Region)
	}
	if cfg.Profile != "" {
		where += ", profile " + cfg.Profile
	}
	where += ")"
	rate := ""
	if a := s.Arrival; a.Model == scenario.ModelOpen && len(a.Stages) == 0 && a.Burst == nil && s.Capacity == nil {
		rate = fmt.Sprintf(" at %g/s", a.Rate)
	}
	whole := ""
	if shard != nil {
		whole = fmt.Sprintf(" for the whole run (all %d shards; this is shard %d)", shard.Count, shard.Index)
	}
	fmt.Fprintf(w, "jitpsim: plan%s against %s: %d devices%s, %d MQTT CONNECTs, %d JITP provisionings by AWS "+
		"(RegisterThing with CreateThing, AttachPolicy, AttachThingPrincipal, UpdateCertificate) and about %d control-plane calls by jitpsim (%d to verify)\n",
		whole, where, p.devices, rate, p.connects, p.devices, p.calls, p.verify)
	if p.quotaErr != nil {
		return
	}
	b := p.quota.Binding
	fmt.Fprintf(w, "jitpsim: quota estimate: %s (%s) binds first at %.1f devices/s, so %d devices take at least %s (jitpsim quota --devices %d for the table)\n",
		b.Name, b.Description, b.DevicesPerSecond, p.devices, b.Time, p.devices)
}

// confirmAWSRun prints the plan (unless --quiet) and refuses a run against a
// real account above target.confirm_above devices without --yes.
func confirmAWSRun(s *scenario.Scenario, cfg awsiot.Config, o runOptions, stderr io.Writer) error {
	p := planAWSRun(s)
	needsYes := cfg.RealAccount() && p.devices > s.Target.ConfirmAbove && !o.yes
	if !o.quiet || needsYes {
		p.write(stderr, s, cfg, o.shard)
	}
	if needsYes {
		return usagef("%d devices against a real AWS account is above target.confirm_above (%d): check the plan above and add --yes to run it",
			p.devices, s.Target.ConfirmAbove)
	}
	return nil
}
