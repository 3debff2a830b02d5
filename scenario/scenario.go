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

// Arrival is the open-model arrival schedule of the fleet.
type Arrival struct {
	// Rate is the number of devices started per second.
	Rate float64 `yaml:"rate"`
}

// Target kinds.
const (
	// TargetEmbedded is the local AWS IoT stand-in started inside the process.
	TargetEmbedded = "embedded"
)

// Target is what devices connect to.
type Target struct {
	// Type is the kind of target; only "embedded" exists so far.
	Type string `yaml:"type"`
	// ProvisionDelay is how long the embedded stand-in waits after registering
	// a certificate before it runs the template (AWS: typically 1-3 s).
	ProvisionDelay time.Duration `yaml:"provision_delay"`
}

// Behaviour is what each simulated device does.
type Behaviour struct {
	// Backoff is the wait before each reconnect after a drop.
	Backoff time.Duration `yaml:"backoff"`
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
