package api

import (
	"net/http"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iot"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/jitpsim/jitpsim/sim/localiot"
)

// TestThrottlingPerOperation checks the per-operation token buckets of AWS-like limits: the calls
// beyond an operation's bucket get ThrottlingException with HTTP 400, other operations are not
// affected, and every refusal is counted. The rate is tiny so that no token comes back during
// the test.
func TestThrottlingPerOperation(t *testing.T) {
	tests := []struct {
		name      string
		rates     map[string]float64
		calls     int
		throttled int
	}{
		{"within the burst", map[string]float64{"DescribeEndpoint": 3}, 3, 0},
		{"beyond the burst", map[string]float64{"DescribeEndpoint": 2}, 5, 3},
		{"burst is at least one call", map[string]float64{"DescribeEndpoint": 0.001}, 3, 2},
		{"operation without a rate", map[string]float64{"DescribeThing": 0.001}, 4, 0},
		{"rate zero means no limit", map[string]float64{"DescribeEndpoint": 0}, 4, 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t, localiot.Config{AWSLimits: true, Limits: &localiot.Limits{APIRates: tc.rates}})
			throttled := 0
			for range tc.calls {
				_, err := e.cli.DescribeEndpoint(ctx(t), &iot.DescribeEndpointInput{EndpointType: aws.String("iot:Data-ATS")})
				if err != nil {
					requireAPIError(t, err, "ThrottlingException", http.StatusBadRequest)
					throttled++
				}
			}
			assert.Equal(t, tc.throttled, throttled)
			assert.EqualValues(t, tc.throttled, e.srv.Stats().APIThrottled)
		})
	}
}

// TestDefaultAPIRates checks that --aws-limits covers every operation the API serves.
func TestDefaultAPIRates(t *testing.T) {
	rates := localiot.DefaultLimits().APIRates
	require.NotEmpty(t, rates)
	assert.EqualValues(t, 350, rates["DescribeThing"])
	assert.EqualValues(t, 10, rates["DescribeCertificate"])
	e := newEnv(t, localiot.Config{})
	for _, op := range servedOperations(e.h) {
		assert.Contains(t, rates, op, "no default rate for %s", op)
	}
}

// servedOperations returns the operations h registered.
func servedOperations(h *Handler) []string { return h.ops }
