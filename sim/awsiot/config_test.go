package awsiot

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/jitpsim/jitpsim/sim/awsiot/awsiottest"
	"github.com/jitpsim/jitpsim/sim/localiot"
)

// hermeticAWS makes the test's AWS environment empty; see awsiottest.Hermetic.
func hermeticAWS(t *testing.T) { awsiottest.Hermetic(t) }

func TestOpen(t *testing.T) {
	s := startStandIn(t, localiot.Config{})
	tests := []struct {
		name    string
		env     map[string]string
		cfg     Config
		wantErr string
	}{
		{"no credentials", nil, Config{Region: "us-east-1"}, "no AWS credentials found (the standard chain, region us-east-1): set AWS_ACCESS_KEY_ID"},
		{"unknown profile", nil, Config{Region: "us-east-1", Profile: "loadtest"}, `AWS profile "loadtest" (target.profile or AWS_PROFILE) is not in the shared config files`},
		{"credentials from the environment", map[string]string{"AWS_ACCESS_KEY_ID": testKey, "AWS_SECRET_ACCESS_KEY": testSecret},
			Config{Region: "eu-west-1", EndpointURL: s.url}, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			hermeticAWS(t)
			for k, v := range tc.env {
				t.Setenv(k, v)
			}
			c, err := Open(testCtx(t), tc.cfg)
			if tc.wantErr != "" {
				var ce *ConfigError
				require.ErrorAs(t, err, &ce)
				assert.Contains(t, ce.Error(), tc.wantErr)
				assert.NotContains(t, ce.Error(), "\n")
				return
			}
			require.NoError(t, err)
			host, err := c.Endpoint(testCtx(t))
			require.NoError(t, err)
			assert.Equal(t, "localhost", host)
			assert.False(t, tc.cfg.RealAccount())
		})
	}
}
