package main

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/jitpsim/jitpsim/scenario"
	"github.com/jitpsim/jitpsim/sim/localiot"
)

// TestRunEmbeddedAWSLimits runs three devices on the embedded stand-in with and
// without target.aws_limits. AWS allows one CONNECT per second per client ID:
// with the limits on, a reconnect 200 ms after the JITP drop is refused (closed
// without CONNACK) until the attempts run out, and a 1.1 s backoff provisions
// every device, its idempotency probe included.
func TestRunEmbeddedAWSLimits(t *testing.T) {
	tests := []struct {
		name        string
		limits      bool
		backoff     string
		provisioned int
		exhausted   int
		throttled   int
	}{
		{"limits off: fast reconnects provision", false, "200ms", 3, 0, 0},
		{"limits on: reconnects within a second are throttled", true, "200ms", 0, 3, 6},
		{"limits on: a backoff over a second provisions", true, "1100ms", 3, 0, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			src := fmt.Sprintf(`name: aws-limits-test
devices: {count: 3, name_pattern: "limits-{index:02}"}
arrival: {rate: 100}
target: {aws_limits: %t, provision_delay: 50ms}
device: {backoff: %s, max_attempts: 3, timeout: 5s}
`, tt.limits, tt.backoff)
			path := filepath.Join(dir, "limits.yaml")
			require.NoError(t, os.WriteFile(path, []byte(src), 0o644))
			out := filepath.Join(dir, "out")
			code, stdout, stderr := runCLI(t, "run", path, "--out", out)
			require.NotEqual(t, exitUsage, code, "stderr: %s", stderr)
			if tt.limits {
				assert.Contains(t, stderr, "against the embedded AWS IoT stand-in on 127.0.0.1:")
				assert.Contains(t, stderr, " with AWS IoT's limits\n")
			} else {
				assert.NotContains(t, stderr, "AWS IoT's limits")
			}

			m := readSummary(t, out)
			outcomes := m["outcomes"].(map[string]any)
			target := m["target"].(map[string]any)
			assert.EqualValues(t, tt.provisioned, outcomes["provisioned"], "stdout:\n%s", stdout)
			assert.EqualValues(t, tt.exhausted, outcomes["reconnect_exhausted"], "stdout:\n%s", stdout)
			throttled := []string{"connects_throttled", "registrations_throttled", "provision_throttled", "publishes_throttled"}
			if !tt.limits {
				for _, k := range throttled {
					assert.NotContains(t, target, k, "without limits nothing is throttled, and no counter says so")
				}
			} else {
				assert.EqualValues(t, tt.throttled, target["connects_throttled"])
				for _, k := range throttled[1:] {
					assert.EqualValues(t, 0, target[k], k)
				}
			}
			// Every device's first connect registered its certificate; only the
			// provisioned ones got a thing, and no probe was refused.
			assert.EqualValues(t, 3, target["registrations"])
			assert.EqualValues(t, 3, target["provision_success"])
			assert.EqualValues(t, tt.provisioned, m["idempotency"].(map[string]any)["checked"])
			assert.EqualValues(t, 0, m["idempotency"].(map[string]any)["violations"])
		})
	}
}

func TestAWSLimitsConfig(t *testing.T) {
	aws := localiot.DefaultLimits()
	assert.Equal(t, scenario.AWSProvisionDelayMin, aws.ProvisionDelayMin, "the scenario's plan uses AWS's delay")
	assert.Equal(t, scenario.AWSProvisionDelayMax, aws.ProvisionDelayMax, "the scenario's plan uses AWS's delay")

	tests := []struct {
		name     string
		delay    time.Duration
		delaySet bool
		want     *localiot.Limits
	}{
		{"AWS's delay", 100 * time.Millisecond, false, nil},
		{"a delay of the user's", 50 * time.Millisecond, true, func() *localiot.Limits {
			l := localiot.DefaultLimits()
			l.ProvisionDelayMin, l.ProvisionDelayMax = 50*time.Millisecond, 50*time.Millisecond
			return &l
		}()},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := localiot.Config{ProvisionDelay: tt.delay}
			assert.Zero(t, clientIDConnectInterval(cfg), "no limits, no interval")
			useAWSLimits(&cfg, tt.delay, tt.delaySet)
			assert.True(t, cfg.AWSLimits)
			assert.Equal(t, tt.want, cfg.Limits)
			assert.Equal(t, time.Second, clientIDConnectInterval(cfg), "AWS: one CONNECT per second per client ID")
		})
	}
}
