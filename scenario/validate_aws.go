package scenario

import (
	"fmt"
	"maps"
	"net"
	"net/url"
	"os"
	"regexp"
	"slices"
	"strings"
	"time"
)

// Defaults of an "aws" target.
const (
	// DefaultConfirmAbove is the device count above which a run against a
	// real account needs --yes.
	DefaultConfirmAbove = 100
	// DefaultAWSBackoff and DefaultAWSBackoffJitter give AWS's guidance for
	// the reconnect after the JITP drop: 3-5 s (4 s ± 25 %).
	DefaultAWSBackoff       = 4 * time.Second
	DefaultAWSBackoffJitter = 0.25
	// AWSProvisionDelayMin and AWSProvisionDelayMax bound the provisioning
	// delay of the embedded stand-in with aws_limits (AWS: "typically 1-3
	// seconds"; localiot.DefaultLimits).
	AWSProvisionDelayMin = time.Second
	AWSProvisionDelayMax = 3 * time.Second
)

// Certificate modes of target.certificate_mode, as AWS IoT names them.
const (
	// CertificateModeDefault registers the CA with a verification certificate.
	CertificateModeDefault = "DEFAULT"
	// CertificateModeSNIOnly registers the CA without one; devices must send SNI.
	CertificateModeSNIOnly = "SNI_ONLY"
)

// APIRateDefault is the key of target.api_rates that sets every operation
// without an entry of its own.
const APIRateDefault = "default"

// AWSOperations returns the control-plane operations jitpsim calls, the names
// target.api_rates accepts besides "default".
func AWSOperations() []string {
	return []string{
		"CreateBillingGroup", "CreatePolicy", "CreateThingGroup", "CreateThingType",
		"DeleteCertificate", "DeleteThing", "DescribeCACertificate", "DescribeCertificate",
		"DescribeEndpoint", "DescribeThing", "DetachPolicy", "DetachThingPrincipal",
		"GetPolicy", "GetRegistrationCode", "ListAttachedPolicies", "ListCertificatesByCA",
		"ListPrincipalThings", "ListThingPrincipals", "RegisterCACertificate",
		"UpdateCACertificate", "UpdateCertificate",
	}
}

// awsFields are the target fields that only an "aws" target takes.
var awsFields = []string{"region", "profile", "endpoint_url", "mqtt_endpoint", "server_ca",
	"role_arn", "certificate_mode", "confirm_above", "verify", "api_rates"}

var regionPattern = regexp.MustCompile(`^[a-z]{2}(-[a-z]+)+-[0-9]+$`)

// validateTarget checks the target type and the fields of that type.
func (d *decoder) validateTarget(s *Scenario) error {
	t := &s.Target
	if t.Type == "" {
		t.Type = TargetEmbedded
	}
	switch t.Type {
	case TargetEmbedded:
		for _, f := range awsFields {
			if _, ok := d.pos["target."+f]; ok {
				return d.errAt("target."+f, "applies to an aws target only (set target.type: aws)")
			}
		}
		return nil
	case TargetAWS:
		return d.validateAWS(s)
	}
	msg := fmt.Sprintf("unknown target %q (valid: %s, %s)", t.Type, TargetEmbedded, TargetAWS)
	if s := suggest(t.Type, []string{TargetEmbedded, TargetAWS}); s != "" {
		msg = fmt.Sprintf("unknown target %q (did you mean %q?)", t.Type, s)
	}
	return d.errAt("target.type", "%s", msg)
}

// validateAWS checks the fields of an "aws" target and fills its defaults.
func (d *decoder) validateAWS(s *Scenario) error {
	t := &s.Target
	if _, ok := d.pos["target.provision_delay"]; ok {
		return d.errAt("target.provision_delay", "applies to the embedded stand-in only; AWS (or jitpsim serve) decides its own delay")
	}
	if _, ok := d.pos["target.aws_limits"]; ok {
		return d.errAt("target.aws_limits", "applies to the embedded stand-in only; AWS enforces its own limits (for jitpsim serve, start it with --aws-limits)")
	}
	switch {
	case t.Region == "":
		return d.errAt("target.region", "missing: an aws target needs the account's region, e.g. region: us-east-1 (or ${AWS_REGION:-us-east-1})")
	case !regionPattern.MatchString(t.Region):
		return d.errAt("target.region", "%q is not an AWS region name such as us-east-1", t.Region)
	}
	if t.EndpointURL != "" {
		u, err := url.Parse(t.EndpointURL)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return d.errAt("target.endpoint_url", "%q is not an http:// or https:// URL (e.g. the API URL jitpsim serve prints)", t.EndpointURL)
		}
	}
	if t.MQTTEndpoint != "" {
		if err := checkHostPort(t.MQTTEndpoint); err != nil {
			return d.errAt("target.mqtt_endpoint", "%v", err)
		}
	}
	if t.ServerCA != "" {
		if _, err := os.Stat(s.Path(t.ServerCA)); err != nil {
			return d.errAt("target.server_ca", "cannot read %s: %v", t.ServerCA, err)
		}
	}
	if t.RoleArn != "" && !strings.HasPrefix(t.RoleArn, "arn:") {
		return d.errAt("target.role_arn", "%q is not an ARN (want arn:aws:iam::ACCOUNT:role/NAME)", t.RoleArn)
	}
	switch t.CertificateMode {
	case "":
		t.CertificateMode = CertificateModeDefault
	case CertificateModeDefault, CertificateModeSNIOnly:
	default:
		return d.errAt("target.certificate_mode", "unknown mode %q (valid: %s, %s)", t.CertificateMode, CertificateModeDefault, CertificateModeSNIOnly)
	}
	if _, ok := d.pos["target.confirm_above"]; !ok {
		t.ConfirmAbove = DefaultConfirmAbove
	}
	if t.ConfirmAbove < 0 {
		return d.errAt("target.confirm_above", "must not be negative, got %d", t.ConfirmAbove)
	}
	return d.validateAPIRates(t.APIRates)
}

// validateAPIRates checks the operation names and rates of target.api_rates.
func (d *decoder) validateAPIRates(rates map[string]float64) error {
	ops := AWSOperations()
	names := append([]string{APIRateDefault}, ops...)
	for _, name := range slices.Sorted(maps.Keys(rates)) {
		field := "target.api_rates." + name
		if !slices.Contains(names, name) {
			msg := fmt.Sprintf("unknown operation %q", name)
			if s := suggest(name, append([]string(nil), names...)); s != "" {
				msg += fmt.Sprintf(" (did you mean %q?)", s)
			} else {
				msg += " (valid: default, " + strings.Join(ops, ", ") + ")"
			}
			return d.apiRateErr(name, field, msg)
		}
		if r := rates[name]; r < 0 {
			return d.apiRateErr(name, field, fmt.Sprintf("must not be negative (0 means no limit), got %g", r))
		}
	}
	return nil
}

// apiRateErr locates an error at the key of target.api_rates it is about.
func (d *decoder) apiRateErr(name, field, msg string) error {
	if n, ok := d.pos["target.api_rates"]; ok {
		for i := 0; i+1 < len(n.Content); i += 2 {
			if n.Content[i].Value == name {
				return d.located(n.Content[i], field, "%s", msg)
			}
		}
	}
	return d.errAt(field, "%s", msg)
}

// awsBehaviourDefaults applies AWS's reconnect guidance (3-5 s) to the devices
// of an aws target, or of the embedded stand-in with aws_limits, when the
// scenario sets no backoff of its own.
func (d *decoder) awsBehaviourDefaults(s *Scenario) {
	if s.Target.Type != TargetAWS && !s.Target.AWSLimits {
		return
	}
	if _, ok := d.pos["device.backoff"]; !ok {
		s.Device.Backoff = DefaultAWSBackoff
		if _, ok := d.pos["device.backoff_jitter"]; !ok {
			s.Device.BackoffJitter = DefaultAWSBackoffJitter
		}
	}
}

// checkHostPort accepts "host" or "host:port" with a port from 1 to 65535.
func checkHostPort(s string) error {
	host := s
	if strings.Contains(s, ":") {
		h, port, err := net.SplitHostPort(s)
		if err != nil {
			return fmt.Errorf("%q: want host:port, e.g. abc123-ats.iot.us-east-1.amazonaws.com:8883", s)
		}
		var p int
		if _, err := fmt.Sscanf(port, "%d", &p); err != nil || p < 1 || p > 65535 || fmt.Sprint(p) != port {
			return fmt.Errorf("%q: port %q is not a number from 1 to 65535", s, port)
		}
		host = h
	}
	if host == "" {
		return fmt.Errorf("%q: the host is empty", s)
	}
	return nil
}
