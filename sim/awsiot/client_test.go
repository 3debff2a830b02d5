package awsiot

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/aws/smithy-go"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/jitpsim/jitpsim/scenario"
	"github.com/jitpsim/jitpsim/sim/localiot"
)

// apiErr is an AWS API error with the given code.
func apiErr(code string) error { return &smithy.GenericAPIError{Code: code, Message: code} }

func TestCallRetries(t *testing.T) {
	tests := []struct {
		name      string
		errs      []error // what successive attempts return; nil afterwards
		also      func(error) bool
		wantErr   string
		calls     int64
		throttled int64
		retries   int64
		errors    int64
	}{
		{"success at once", nil, nil, "", 1, 0, 0, 0},
		{"throttled twice", []error{apiErr("ThrottlingException"), apiErr("ThrottlingException")}, nil, "", 3, 2, 2, 0},
		{"transient server error", []error{apiErr("ServiceUnavailableException")}, nil, "", 2, 0, 1, 0},
		{"not retryable", []error{apiErr("ResourceNotFoundException")}, nil, "ResourceNotFoundException", 1, 0, 0, 1},
		{"extra condition", []error{apiErr("DeleteConflictException")}, func(err error) bool { return hasCode(err, "DeleteConflictException") }, "", 2, 0, 1, 0},
		{"attempts run out", repeat(apiErr("ThrottlingException"), defaultMaxAttempts), nil, "ThrottlingException", defaultMaxAttempts, defaultMaxAttempts, defaultMaxAttempts - 1, 1},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c := NewClient(nil, nil)
			var waits []time.Duration
			c.sleep = func(_ context.Context, d time.Duration) error { waits = append(waits, d); return nil }
			attempt := 0
			err := c.callRetrying(context.Background(), "Fake", tc.also, func(context.Context) error {
				attempt++
				if attempt <= len(tc.errs) {
					return tc.errs[attempt-1]
				}
				return nil
			})
			if tc.wantErr == "" {
				require.NoError(t, err)
			} else {
				require.ErrorContains(t, err, tc.wantErr)
			}
			assert.Equal(t, OpStats{Calls: tc.calls, Throttled: tc.throttled, Retries: tc.retries, Errors: tc.errors}, c.Stats()["Fake"])
			assert.Len(t, waits, int(tc.retries))
		})
	}
}

func TestCallStopsWhenCancelled(t *testing.T) {
	c := NewClient(nil, nil)
	ctx, cancel := context.WithCancel(context.Background())
	c.sleep = func(context.Context, time.Duration) error { cancel(); return context.Canceled }
	err := c.call(ctx, "Fake", func(context.Context) error { return apiErr("ThrottlingException") })
	require.ErrorIs(t, err, context.Canceled)
	assert.EqualValues(t, 1, c.Stats()["Fake"].Calls)
}

func TestBackoffDelayIsBounded(t *testing.T) {
	p := defaultRetry()
	for attempt := 1; attempt <= 20; attempt++ {
		bound := min(p.base<<min(attempt-1, 30), p.max)
		for range 50 {
			d := p.delay(attempt)
			require.GreaterOrEqual(t, d, time.Duration(0))
			require.Less(t, d, bound, "attempt %d", attempt)
		}
	}
}

func TestClassify(t *testing.T) {
	tests := []struct {
		name                 string
		err                  error
		throttled, retryable bool
	}{
		{"nil", nil, false, false},
		{"throttling", apiErr("ThrottlingException"), true, true},
		{"too many requests", apiErr("TooManyRequestsException"), true, true},
		{"internal failure", apiErr("InternalFailureException"), false, true},
		{"not found", apiErr("ResourceNotFoundException"), false, false},
		{"invalid request", apiErr("InvalidRequestException"), false, false},
		{"plain error", errors.New("boom"), false, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			th, re := classify(tc.err)
			assert.Equal(t, tc.throttled, th)
			assert.Equal(t, tc.retryable, re)
		})
	}
}

func TestPacerSpacesReservations(t *testing.T) {
	p := newPacer(4) // 250 ms apart
	t0 := time.Unix(1000, 0)
	assert.Equal(t, t0, p.reserve(t0))
	assert.Equal(t, t0.Add(250*time.Millisecond), p.reserve(t0))
	assert.Equal(t, t0.Add(500*time.Millisecond), p.reserve(t0.Add(100*time.Millisecond)))
	later := t0.Add(10 * time.Second) // idle time gives no burst credit
	assert.Equal(t, later, p.reserve(later))
	assert.Equal(t, later.Add(250*time.Millisecond), p.reserve(later))
	assert.Nil(t, newPacer(0))
	require.NoError(t, (*pacer)(nil).wait(context.Background()))
}

func TestResolveRates(t *testing.T) {
	tests := []struct {
		name      string
		overrides map[string]float64
		op        string
		want      float64
	}{
		{"AWS's table", nil, "DescribeThing", 350},
		{"unlisted operation", nil, "ListPrincipalThings", rateUnlisted},
		{"own entry", map[string]float64{"DescribeThing": 50}, "DescribeThing", 50},
		{"default entry", map[string]float64{"default": 0}, "DescribeCertificate", 0},
		{"own entry beats default", map[string]float64{"default": 0, "DeleteThing": 3}, "DeleteThing", 3},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			assert.Equal(t, tc.want, resolveRates(tc.overrides)[tc.op])
		})
	}
}

// TestRatesCoverEveryOperation keeps DefaultRates, scenario.AWSOperations and the stand-in's
// table in step.
func TestRatesCoverEveryOperation(t *testing.T) {
	rates := DefaultRates()
	assert.ElementsMatch(t, scenario.AWSOperations(), keys(rates))
	standIn := localiot.DefaultAPIRates()
	for op, r := range rates {
		assert.Positive(t, r, op)
		assert.Equal(t, r, standIn[op], "the stand-in's rate of %s", op)
	}
}

func TestStatsString(t *testing.T) {
	s := Stats{"DescribeThing": {Calls: 3}, "DeleteThing": {Calls: 5, Throttled: 2}}
	assert.Equal(t, "DeleteThing 5 (throttled 2), DescribeThing 3", s.String())
	assert.Equal(t, OpStats{Calls: 8, Throttled: 2}, s.Total())
}

func repeat(err error, n int) []error {
	out := make([]error, n)
	for i := range out {
		out[i] = err
	}
	return out
}

func keys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	return out
}
