package scenario

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestAWSTargetDefaults(t *testing.T) {
	s, err := Parse([]byte("devices: {count: 3}\ntarget:\n  type: aws\n  region: eu-west-1\n"), "aws.yaml")
	require.NoError(t, err)
	tg := s.Target
	assert.Equal(t, TargetAWS, tg.Type)
	assert.Equal(t, "eu-west-1", tg.Region)
	assert.Equal(t, CertificateModeDefault, tg.CertificateMode)
	assert.Equal(t, DefaultConfirmAbove, tg.ConfirmAbove)
	assert.False(t, tg.Verify)
	assert.Equal(t, DefaultAWSBackoff, s.Device.Backoff, "AWS's guidance: reconnect after 3-5 s")
	assert.Equal(t, DefaultAWSBackoffJitter, s.Device.BackoffJitter)
}

func TestAWSTargetFull(t *testing.T) {
	dir := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(dir, "server-ca.pem"), []byte("pem"), 0o644))
	src := `devices: {count: 3}
target:
  type: aws
  region: us-gov-west-1
  profile: loadtest
  endpoint_url: http://127.0.0.1:4580
  mqtt_endpoint: localhost:8883
  server_ca: server-ca.pem
  role_arn: arn:aws:iam::123456789012:role/JITPRole
  certificate_mode: SNI_ONLY
  confirm_above: 0
  verify: true
  api_rates: {default: 0, DescribeThing: 100}
device: {backoff: 1s}
`
	s, err := Parse([]byte(src), filepath.Join(dir, "aws.yaml"))
	require.NoError(t, err)
	tg := s.Target
	assert.Equal(t, "loadtest", tg.Profile)
	assert.Equal(t, "http://127.0.0.1:4580", tg.EndpointURL)
	assert.Equal(t, "localhost:8883", tg.MQTTEndpoint)
	assert.Equal(t, CertificateModeSNIOnly, tg.CertificateMode)
	assert.Zero(t, tg.ConfirmAbove)
	assert.True(t, tg.Verify)
	assert.Equal(t, map[string]float64{"default": 0, "DescribeThing": 100}, tg.APIRates)
	assert.Equal(t, time.Second, s.Device.Backoff, "the scenario's backoff wins")
	assert.Zero(t, s.Device.BackoffJitter)
}

func TestAWSTargetErrors(t *testing.T) {
	tests := []struct {
		name, target, want string
	}{
		{"missing region", "  type: aws\n", "aws.yaml:3:3: target.region: missing: an aws target needs the account's region"},
		{"bad region", "  type: aws\n  region: Europe\n", `aws.yaml:4:11: target.region: "Europe" is not an AWS region name`},
		{"unknown type", "  type: awz\n", `aws.yaml:3:9: target.type: unknown target "awz" (did you mean "aws"?)`},
		{"aws field on embedded", "  region: us-east-1\n", "aws.yaml:3:11: target.region: applies to an aws target only"},
		{"provision delay on aws", "  type: aws\n  region: us-east-1\n  provision_delay: 1s\n",
			"aws.yaml:5:20: target.provision_delay: applies to the embedded stand-in only"},
		{"aws limits on aws", "  type: aws\n  region: us-east-1\n  aws_limits: true\n",
			"aws.yaml:5:15: target.aws_limits: applies to the embedded stand-in only"},
		{"aws limits off on aws", "  type: aws\n  region: us-east-1\n  aws_limits: false\n",
			"aws.yaml:5:15: target.aws_limits: applies to the embedded stand-in only"},
		{"aws limits not a bool", "  aws_limits: sometimes\n", "aws.yaml:3:15: target.aws_limits:"},
		{"endpoint url", "  type: aws\n  region: us-east-1\n  endpoint_url: localhost:4580\n",
			`aws.yaml:5:17: target.endpoint_url: "localhost:4580" is not an http:// or https:// URL`},
		{"mqtt port", "  type: aws\n  region: us-east-1\n  mqtt_endpoint: host:99999\n",
			`aws.yaml:5:18: target.mqtt_endpoint: "host:99999": port "99999" is not a number from 1 to 65535`},
		{"server ca", "  type: aws\n  region: us-east-1\n  server_ca: nowhere.pem\n", "aws.yaml:5:14: target.server_ca: cannot read nowhere.pem"},
		{"role arn", "  type: aws\n  region: us-east-1\n  role_arn: JITPRole\n", `aws.yaml:5:13: target.role_arn: "JITPRole" is not an ARN`},
		{"mode", "  type: aws\n  region: us-east-1\n  certificate_mode: SNI\n", `aws.yaml:5:21: target.certificate_mode: unknown mode "SNI"`},
		{"confirm above", "  type: aws\n  region: us-east-1\n  confirm_above: -1\n", "aws.yaml:5:18: target.confirm_above: must not be negative"},
		{"api rate name", "  type: aws\n  region: us-east-1\n  api_rates:\n    DescribeThings: 5\n",
			`aws.yaml:6:5: target.api_rates.DescribeThings: unknown operation "DescribeThings" (did you mean "DescribeThing"?)`},
		{"api rate value", "  type: aws\n  region: us-east-1\n  api_rates:\n    default: -1\n",
			"aws.yaml:6:5: target.api_rates.default: must not be negative (0 means no limit)"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			_, err := Parse([]byte("devices: {count: 3}\ntarget:\n"+tc.target), filepath.Join(dir, "aws.yaml"))
			require.Error(t, err)
			assert.Contains(t, err.Error(), tc.want)
		})
	}
}

func TestEmbeddedAWSLimits(t *testing.T) {
	tests := []struct {
		name, src       string
		limits, set     bool
		delay, expected time.Duration
		backoff         time.Duration
		jitter          float64
	}{
		{"off by default", "", false, false, DefaultProvisionDelay, DefaultProvisionDelay, DefaultBackoff, 0},
		{"delay set without limits", "target: {provision_delay: 0s}\n", false, true, 0, 0, DefaultBackoff, 0},
		{"on with AWS's delay and backoff", "target: {aws_limits: true}\n", true, false,
			DefaultProvisionDelay, AWSProvisionDelayMax, DefaultAWSBackoff, DefaultAWSBackoffJitter},
		{"on with a delay of the scenario's", "target: {type: embedded, aws_limits: true, provision_delay: 50ms}\n", true, true,
			50 * time.Millisecond, 50 * time.Millisecond, DefaultAWSBackoff, DefaultAWSBackoffJitter},
		{"on with a backoff of the scenario's", "target: {aws_limits: true}\ndevice: {backoff: 1100ms}\n", true, false,
			DefaultProvisionDelay, AWSProvisionDelayMax, 1100 * time.Millisecond, 0},
		{"explicitly off", "target: {aws_limits: false}\n", false, false, DefaultProvisionDelay, DefaultProvisionDelay, DefaultBackoff, 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s, err := Parse([]byte("devices: {count: 3}\n"+tc.src), "limits.yaml")
			require.NoError(t, err)
			tg := s.Target
			assert.Equal(t, TargetEmbedded, tg.Type)
			assert.Equal(t, tc.limits, tg.AWSLimits)
			assert.Equal(t, tc.set, tg.ProvisionDelaySet)
			assert.Equal(t, tc.delay, tg.ProvisionDelay)
			assert.Equal(t, tc.expected, tg.ExpectedProvisionDelay())
			assert.Equal(t, tc.backoff, s.Device.Backoff)
			assert.Equal(t, tc.jitter, s.Device.BackoffJitter)
		})
	}
}
