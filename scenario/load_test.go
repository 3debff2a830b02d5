package scenario

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestParseDefaults(t *testing.T) {
	s, err := Parse([]byte("devices:\n  count: 3\n"), "dir/mini.yaml")
	require.NoError(t, err)
	assert.Equal(t, "mini", s.Name)
	assert.Equal(t, 3, s.Devices.Count)
	assert.Equal(t, DefaultNamePattern, s.Devices.NamePattern)
	assert.Equal(t, "ec-p256", s.Devices.KeyType)
	assert.Equal(t, float64(DefaultRate), s.Arrival.Rate)
	assert.Equal(t, TargetEmbedded, s.Target.Type)
	assert.Equal(t, DefaultProvisionDelay, s.Target.ProvisionDelay)
	assert.Equal(t, DefaultBackoff, s.Device.Backoff)
	assert.Equal(t, DefaultMaxAttempts, s.Device.MaxAttempts)
	assert.Equal(t, "jitp_test", s.Device.Topic)
	assert.Equal(t, `{"success":"JITP works!"}`, s.Device.Payload)
	assert.True(t, s.Device.ProbeEnabled())
	assert.Equal(t, "device-000007", s.DeviceName(7))
	assert.Equal(t, "dir", s.Dir)
}

func TestParseFull(t *testing.T) {
	src := `
name: full
devices:
  count: 10
  name_pattern: "nrf-jitp-{index:06}"
  first_index: 5
  key_type: rsa-2048
  subject: {country: US, state: Oregon, locality: Portland, organization: Nordic Semiconductor,
            organizational_unit: "R&D", dn_qualifier: "q{index}", serial_number: "SN{index:04}"}
ca: {common_name: Test CA, key_type: rsa-2048}
arrival: {rate: 12.5}
target: {type: embedded, provision_delay: 2s}
device:
  backoff: 3s
  max_attempts: 4
  timeout: 5s
  keepalive: 30s
  topic: "jitp_test/{name}"
  payload: hello
  idempotency_probe: false
template:
  inline:
    Parameters: {"AWS::IoT::Certificate::Id": {Type: String}}
thresholds:
  - provision.p99 < 2s
  - rate.success >= 99%
`
	s, err := Parse([]byte(src), "full.yaml")
	require.NoError(t, err)
	assert.Equal(t, "full", s.Name)
	assert.Equal(t, 5, s.Devices.FirstIndex)
	assert.Equal(t, "SN0007", Expand(s.Devices.Subject.SerialNumber, 7, ""))
	assert.Equal(t, 12.5, s.Arrival.Rate)
	assert.Equal(t, 2*time.Second, s.Target.ProvisionDelay)
	assert.Equal(t, 3*time.Second, s.Device.Backoff)
	assert.False(t, s.Device.ProbeEnabled())
	assert.Equal(t, "jitp_test/nrf-jitp-000007", Expand(s.Device.Topic, 7, s.DeviceName(7)))
	require.Len(t, s.Gates, 2)
	assert.Equal(t, "provision.p99", s.Gates[0].Metric)
	data, err := s.TemplateJSON()
	require.NoError(t, err)
	assert.JSONEq(t, `{"Parameters":{"AWS::IoT::Certificate::Id":{"Type":"String"}}}`, string(data))
}

func TestParseZeroDurationsAreKept(t *testing.T) {
	s, err := Parse([]byte("devices: {count: 1}\ntarget: {provision_delay: 0s}\ndevice: {backoff: 0s}\n"), "z.yaml")
	require.NoError(t, err)
	assert.Zero(t, s.Target.ProvisionDelay)
	assert.Zero(t, s.Device.Backoff)
}

func TestParseErrors(t *testing.T) {
	tests := []struct {
		name string
		src  string
		want string // the whole error must contain this
	}{
		{"empty", "", "s.yaml: empty scenario"},
		{"misspelt top-level key", "devices:\n  count: 1\nthreshold:\n  - x\n", `s.yaml:3:1: unknown field "threshold" (did you mean "thresholds"?)`},
		{"misspelt nested key", "devices:\n  cont: 1\n", `s.yaml:2:3: devices: unknown field "cont" (did you mean "count"?)`},
		{"unknown key, no close match", "devices:\n  count: 1\n  zzzzzzzzzz: 1\n", `s.yaml:3:3: devices: unknown field "zzzzzzzzzz" (valid: count,`},
		{"missing count", "name: x\n", "s.yaml: devices.count: missing"},
		{"zero count", "devices:\n  count: 0\n", "s.yaml:2:10: devices.count: must be between 1 and"},
		{"count not a number", "devices:\n  count: many\n", "s.yaml:2:10: devices.count: cannot unmarshal"},
		{"bad duration", "devices: {count: 1}\ndevice:\n  backoff: soon\n", "s.yaml:3:12: device.backoff:"},
		{"bad key type", "devices:\n  count: 1\n  key_type: rsa2048\n", `s.yaml:3:13: devices.key_type: unknown key type "rsa2048" (did you mean "rsa-2048"?)`},
		{"pattern without index", "devices:\n  count: 2\n  name_pattern: same\n", "devices.name_pattern: \"same\" gives every device the same name"},
		{"bad placeholder", "devices:\n  count: 2\n  name_pattern: \"d-{idx}\"\n", "unknown placeholder {idx}"},
		{"negative rate", "devices: {count: 1}\narrival:\n  rate: -1\n", "s.yaml:3:9: arrival.rate: must be a positive number"},
		{"unknown target", "devices: {count: 1}\ntarget:\n  type: mars\n", `s.yaml:3:9: target.type: unknown target "mars"`},
		{"one attempt", "devices: {count: 1}\ndevice: {max_attempts: 1}\n", "device.max_attempts: must be at least 2"},
		{"wildcard topic", "devices: {count: 1}\ndevice: {topic: \"a/#\"}\n", "is a filter"},
		{"bad gate", "devices: {count: 1}\nthresholds:\n  - provison.p99 < 2s\n", "s.yaml:3:5: thresholds[0]:"},
		{"ca half set", "devices: {count: 1}\nca: {cert_file: a.pem}\n", "s.yaml:2:5: ca: set both cert_file and key_file"},
		{"ca file missing", "devices: {count: 1}\nca: {cert_file: nope.pem, key_file: nope.key}\n", "cannot read nope"},
		{"template file missing", "devices: {count: 1}\ntemplate: {file: nope.json}\n", "template.file: cannot read template"},
		{"scalar for mapping", "devices: 5\n", "s.yaml:1:10: devices: want a mapping of fields"},
		{"duplicate key", "devices: {count: 1}\ndevices: {count: 2}\n", "s.yaml:2:1: devices: field set twice"},
		{"bad country", "devices: {count: 1, subject: {country: USA}}\n", "want a two-letter country code"},
		{"syntax error", "devices: {count: 1\n", "s.yaml:"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse([]byte(tt.src), "s.yaml")
			require.Error(t, err)
			assert.Contains(t, err.Error(), tt.want)
		})
	}
}

func TestLoadResolvesRelativePaths(t *testing.T) {
	dir := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(dir, "t.json"), []byte(`{"Resources":{}}`), 0o644))
	path := filepath.Join(dir, "s.yaml")
	require.NoError(t, os.WriteFile(path, []byte("devices: {count: 1}\ntemplate: {file: t.json}\n"), 0o644))
	s, err := Load(path)
	require.NoError(t, err)
	data, err := s.TemplateJSON()
	require.NoError(t, err)
	assert.JSONEq(t, `{"Resources":{}}`, string(data))

	_, err = Load(filepath.Join(dir, "absent.yaml"))
	require.Error(t, err)
	assert.Contains(t, err.Error(), "absent.yaml")
}

func TestOverride(t *testing.T) {
	s, err := Parse([]byte("devices: {count: 3}\n"), "s.yaml")
	require.NoError(t, err)
	require.NoError(t, s.Override(7, 2.5))
	assert.Equal(t, 7, s.Devices.Count)
	assert.Equal(t, 2.5, s.Arrival.Rate)
	require.NoError(t, s.Override(0, 0))
	assert.Equal(t, 7, s.Devices.Count)
	assert.Error(t, s.Override(-1, 0))
	assert.Error(t, s.Override(0, -2))
}

func FuzzParse(f *testing.F) {
	f.Add([]byte("devices: {count: 3}\n"))
	f.Add([]byte("devices:\n  count: 1\n  name_pattern: \"x-{index:04}\"\nthresholds: [\"provision.p99 < 1s\"]\n"))
	f.Add([]byte("a: [1, {b: *x}]"))
	f.Fuzz(func(t *testing.T, data []byte) {
		s, err := Parse(data, "f.yaml")
		if err == nil && s.Devices.Count < 1 {
			t.Fatalf("accepted a scenario without devices: %q", data)
		}
	})
}
