// Package scenario defines the YAML scenario a run is described by: the fleet
// of simulated devices, how fast they arrive, the target they connect to, how
// each device behaves, the provisioning template and the pass/fail gates.
//
// Load decodes strictly: an unknown or misspelt key, a value of the wrong type
// or an invalid setting is an error that names the file, line and column, so a
// pipeline fails with one line a person can act on.
package scenario

import (
	"time"

	"github.com/jitpsim/jitpsim/report"
)

// Scenario is a validated scenario with every default filled in.
type Scenario struct {
	// Name identifies the scenario in reports.
	Name string `yaml:"name"`
	// Devices describes the simulated fleet.
	Devices Devices `yaml:"devices"`
	// CA is the certificate authority that signs device certificates.
	CA CA `yaml:"ca"`
	// Arrival says how fast devices start.
	Arrival Arrival `yaml:"arrival"`
	// Target is what the devices connect to.
	Target Target `yaml:"target"`
	// Device is the behaviour of each simulated device.
	Device Behaviour `yaml:"device"`
	// Template is the JITP provisioning template the CA is registered with.
	Template Template `yaml:"template"`
	// Thresholds are the gate expressions that decide pass or fail.
	Thresholds []string `yaml:"thresholds"`
	// AbortOnFail stops the run as soon as a gate can no longer pass; the
	// run then exits 3 with the partial report.
	AbortOnFail bool `yaml:"abort_on_fail"`
	// Capacity, when set, runs a stepped ramp of rising rates instead of one
	// fleet and reports the knee.
	Capacity *Capacity `yaml:"capacity"`

	// Gates holds the parsed Thresholds.
	Gates []report.Gate `yaml:"-"`
	// File is the path the scenario was loaded from ("" when parsed from bytes).
	File string `yaml:"-"`
	// Dir is the directory relative paths in the scenario are resolved against.
	Dir string `yaml:"-"`
}

// Devices describes the simulated fleet and the identity of each device.
type Devices struct {
	// Count is the number of devices to run.
	Count int `yaml:"count"`
	// NamePattern makes each device's name (certificate CN, client ID, thing
	// name) from its index: "{index}" or a zero-padded "{index:06}".
	NamePattern string `yaml:"name_pattern"`
	// FirstIndex is the index of the first device (default 0).
	FirstIndex int `yaml:"first_index"`
	// KeyType is the device key algorithm: ec-p256 (default) or rsa-2048.
	KeyType string `yaml:"key_type"`
	// KeyPool reuses this many device keys round robin (never certificates),
	// to mint RSA fleets fast; 0 gives every device its own key.
	KeyPool int `yaml:"key_pool"`
	// Subject holds the other certificate subject fields; each may use the
	// same {index} placeholders as NamePattern.
	Subject Subject `yaml:"subject"`
}

// Subject holds certificate subject fields other than the common name.
type Subject struct {
	Country            string `yaml:"country"`
	State              string `yaml:"state"`
	Locality           string `yaml:"locality"`
	Organization       string `yaml:"organization"`
	OrganizationalUnit string `yaml:"organizational_unit"`
	DNQualifier        string `yaml:"dn_qualifier"`
	SerialNumber       string `yaml:"serial_number"`
}

// CA is the intermediate CA that signs device certificates: generated, or
// loaded from PEM files made with openssl.
type CA struct {
	// CommonName is the subject CN of a generated CA.
	CommonName string `yaml:"common_name"`
	// KeyType is the algorithm of a generated CA: ec-p256 (default) or rsa-2048.
	KeyType string `yaml:"key_type"`
	// CertFile and KeyFile load an existing CA instead (both or neither).
	CertFile string `yaml:"cert_file"`
	// KeyFile is the CA's private key (PKCS#1, PKCS#8 or SEC1 PEM).
	KeyFile string `yaml:"key_file"`
}

// Arrival models.
const (
	// ModelOpen starts devices on a schedule whether or not earlier ones finished.
	ModelOpen = "open"
	// ModelClosed keeps a fixed number of devices running, starting the next
	// one when one finishes.
	ModelClosed = "closed"
)

// Arrival is how devices start: an open model (a constant rate, ramp stages or
// bursts) by default, or a closed model with fixed concurrency.
type Arrival struct {
	// Model is open (default) or closed.
	Model string `yaml:"model"`
	// Rate is the constant number of devices started per second (open model).
	Rate float64 `yaml:"rate"`
	// StartRate is the rate at the beginning of the first ramp stage.
	StartRate float64 `yaml:"start_rate"`
	// Stages ramp the rate linearly, each to its rate over its duration.
	Stages []Stage `yaml:"stages"`
	// Burst starts devices in groups instead of evenly.
	Burst *Burst `yaml:"burst"`
	// MaxInFlight caps devices running at once in the open model; a start due
	// while the cap is reached is dropped and counted, never delayed. 0 = no cap.
	MaxInFlight int `yaml:"max_in_flight"`
	// Concurrency is the number of devices running at once in the closed model.
	Concurrency int `yaml:"concurrency"`
}

// StagesPeak returns the highest rate the ramp stages reach: the start rate or
// a stage's rate, whichever is higher (0 without stages).
func (a Arrival) StagesPeak() float64 {
	if len(a.Stages) == 0 {
		return 0
	}
	peak := a.StartRate
	for _, st := range a.Stages {
		peak = max(peak, st.Rate)
	}
	return peak
}

// Stage is one ramp stage: the rate moves linearly to Rate over Duration.
type Stage struct {
	// Duration is how long the stage lasts.
	Duration time.Duration `yaml:"duration"`
	// Rate is the rate reached at the end of the stage, in devices per second.
	Rate float64 `yaml:"rate"`
}

// Burst starts Size devices at once every Every.
type Burst struct {
	// Size is the number of devices per burst.
	Size int `yaml:"size"`
	// Every is the time between bursts.
	Every time.Duration `yaml:"every"`
}

// Target kinds.
const (
	// TargetEmbedded is the local AWS IoT stand-in started inside the process.
	TargetEmbedded = "embedded"
	// TargetAWS is an AWS IoT account, or a `jitpsim serve` reached through
	// the endpoint overrides.
	TargetAWS = "aws"
)

// Target is what devices connect to.
type Target struct {
	// Type is the kind of target: "embedded" (default) or "aws".
	Type string `yaml:"type"`
	// ProvisionDelay is how long the embedded stand-in waits after registering
	// a certificate before it runs the template (AWS: typically 1-3 s).
	ProvisionDelay time.Duration `yaml:"provision_delay"`
	// AWSLimits makes the embedded stand-in enforce AWS IoT Core's quotas: a
	// provisioning delay uniform in 1-3 s (ProvisionDelay, when set, replaces
	// it), one CONNECT per second per client ID, 500 per second per account,
	// 15 certificate auto-registrations and 10 RegisterThing runs per second.
	// Devices without a backoff of their own then wait AWS's 3-5 s.
	AWSLimits bool `yaml:"aws_limits"`
	// ProvisionDelaySet reports whether the scenario set provision_delay itself.
	ProvisionDelaySet bool `yaml:"-"`
	// SourceAddresses are local addresses (single addresses or ranges such as
	// "127.0.0.2-127.0.0.40") devices dial from, round robin, to go past the
	// ephemeral ports of one address pair.
	SourceAddresses []string `yaml:"source_addresses"`

	// The fields below apply to an "aws" target only (validate_aws.go).

	// Region is the AWS region of the account, e.g. us-east-1 (required).
	Region string `yaml:"region"`
	// Profile names a profile of the shared AWS config files; "" uses the
	// standard credential chain (environment, default profile, SSO, ...).
	Profile string `yaml:"profile"`
	// EndpointURL overrides the control-plane endpoint, e.g. the API URL of
	// `jitpsim serve`; "" is AWS's own for the region.
	EndpointURL string `yaml:"endpoint_url"`
	// MQTTEndpoint is the host:port devices connect to; "" asks
	// DescribeEndpoint (iot:Data-ATS) and uses port 8883.
	MQTTEndpoint string `yaml:"mqtt_endpoint"`
	// ServerCA is a PEM file that verifies the MQTT server; "" uses the
	// system roots (AmazonRootCA1 for AWS).
	ServerCA string `yaml:"server_ca"`
	// RoleArn is the provisioning role of the CA's registration config; it
	// replaces the template's roleArn.
	RoleArn string `yaml:"role_arn"`
	// CertificateMode is how `jitpsim aws setup` registers the CA: DEFAULT
	// (default) or SNI_ONLY.
	CertificateMode string `yaml:"certificate_mode"`
	// ConfirmAbove is the device count above which a run against a real
	// account (no endpoint_url) needs --yes.
	ConfirmAbove int `yaml:"confirm_above"`
	// Verify checks every device on the control plane at the end of a run.
	Verify bool `yaml:"verify"`
	// APIRates overrides the client-side limit, in calls per second, of
	// control-plane operations by name (e.g. DescribeThing); the key
	// "default" sets every operation without an entry; 0 means no limit.
	APIRates map[string]float64 `yaml:"api_rates"`
}

// Backoff policies.
const (
	// BackoffConstant waits Backoff before every reconnect.
	BackoffConstant = "constant"
	// BackoffExponential doubles the wait after every drop, from Backoff up to
	// BackoffMax, with jitter.
	BackoffExponential = "exponential"
)

// Behaviour is what each simulated device does.
type Behaviour struct {
	// Backoff is the wait before the first reconnect after a drop.
	Backoff time.Duration `yaml:"backoff"`
	// BackoffPolicy is constant (default) or exponential.
	BackoffPolicy string `yaml:"backoff_policy"`
	// BackoffMax caps the exponential wait.
	BackoffMax time.Duration `yaml:"backoff_max"`
	// BackoffJitter spreads each wait by up to this fraction either way (0-1).
	BackoffJitter float64 `yaml:"backoff_jitter"`
	// MaxAttempts caps connection attempts before the device gives up.
	MaxAttempts int `yaml:"max_attempts"`
	// Timeout bounds each phase: dial+TLS, CONNACK, SUBACK, PUBACK and the echo.
	Timeout time.Duration `yaml:"timeout"`
	// KeepAlive is the MQTT keepalive sent in CONNECT.
	KeepAlive time.Duration `yaml:"keepalive"`
	// Topic is the topic the device subscribes and publishes to; it may use
	// {name} and {index} placeholders.
	Topic string `yaml:"topic"`
	// Payload is the message the device publishes.
	Payload string `yaml:"payload"`
	// IdempotencyProbe makes the device reconnect once more after success and
	// expect no drop.
	IdempotencyProbe *bool `yaml:"idempotency_probe"`
	// Hold keeps the device connected after its echo, publishing periodically.
	Hold Hold `yaml:"hold"`
	// TLS sets the device's TLS versions and key-exchange curves.
	TLS TLS `yaml:"tls"`
}

// Hold is the optional steady-state phase after a device's echo.
type Hold struct {
	// Duration is how long the device stays connected; 0 skips the phase.
	Duration time.Duration `yaml:"duration"`
	// PublishEvery is the interval between publishes while holding; 0 = none.
	PublishEvery time.Duration `yaml:"publish_every"`
}

// TLS holds the device's TLS options.
type TLS struct {
	// MinVersion is "1.2" (default) or "1.3".
	MinVersion string `yaml:"min_version"`
	// MaxVersion is "1.2" or "1.3" (default).
	MaxVersion string `yaml:"max_version"`
	// Curves lists key-exchange groups in preference order: x25519mlkem768,
	// x25519, p256, p384, p521. Empty keeps Go's defaults.
	Curves []string `yaml:"curves"`
}

// Template is the JITP provisioning template: a JSON file or inline YAML/JSON.
type Template struct {
	// File is a template file in the readable form (relative to the scenario).
	File string `yaml:"file"`
	// Inline is the template itself, written as YAML or JSON in the scenario.
	Inline map[string]any `yaml:"inline"`
}

// DeviceName returns the name of the device with the given index.
func (s *Scenario) DeviceName(index int) string {
	return Expand(s.Devices.NamePattern, index, "")
}

// ProbeEnabled reports whether devices run the idempotency probe.
func (b Behaviour) ProbeEnabled() bool {
	return b.IdempotencyProbe == nil || *b.IdempotencyProbe
}

// ExpectedProvisionDelay is the provisioning delay a plan should assume: the
// upper bound of AWS's 1-3 s with aws_limits and no provision_delay of the
// scenario's own, else ProvisionDelay.
func (t Target) ExpectedProvisionDelay() time.Duration {
	if t.AWSLimits && !t.ProvisionDelaySet {
		return AWSProvisionDelayMax
	}
	return t.ProvisionDelay
}
