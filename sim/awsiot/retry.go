package awsiot

import (
	"errors"
	"math/rand/v2"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	"github.com/aws/smithy-go"
)

// Retry defaults: up to 15 attempts with backoff doubling from 100 ms to at
// most 5 s, each wait drawn uniformly below that bound (full jitter), so a
// call survives about half a minute of sustained throttling.
const (
	defaultMaxAttempts = 15
	defaultBackoffBase = 100 * time.Millisecond
	defaultBackoffMax  = 5 * time.Second
)

// throttleCodes are the error codes AWS uses for a call over its rate.
var throttleCodes = map[string]bool{
	"ThrottlingException": true, "Throttling": true, "TooManyRequestsException": true,
	"RequestLimitExceeded": true, "RequestThrottledException": true,
}

// transientCodes are server-side failures worth another attempt.
var transientCodes = map[string]bool{
	"ServiceUnavailableException": true, "InternalFailureException": true, "InternalException": true,
	"InternalServerException": true, "RequestTimeout": true, "RequestTimeoutException": true,
}

// retryPolicy bounds the attempts of one call and the waits between them.
type retryPolicy struct {
	maxAttempts int
	base, max   time.Duration
}

// defaultRetry returns the default policy.
func defaultRetry() retryPolicy {
	return retryPolicy{maxAttempts: defaultMaxAttempts, base: defaultBackoffBase, max: defaultBackoffMax}
}

// delay returns the wait after the given failed attempt (from 1): uniform in
// [0, min(max, base·2^(attempt-1))).
func (p retryPolicy) delay(attempt int) time.Duration {
	d := p.base
	for i := 1; i < attempt && d < p.max; i++ {
		d *= 2
	}
	d = min(d, p.max)
	if d <= 0 {
		return 0
	}
	return rand.N(d)
}

// classify says whether err is a throttle and whether it is worth retrying.
func classify(err error) (throttled, retryable bool) {
	if err == nil {
		return false, false
	}
	var ae smithy.APIError
	if errors.As(err, &ae) {
		code := ae.ErrorCode()
		if throttleCodes[code] {
			return true, true
		}
		if transientCodes[code] {
			return false, true
		}
	}
	if retry.IsErrorRetryables([]retry.IsErrorRetryable{
		retry.NoRetryCanceledError{},
		retry.RetryableConnectionError{},
		retry.RetryableHTTPStatusCode{Codes: retry.DefaultRetryableHTTPStatusCodes},
	}).IsErrorRetryable(err) == aws.TrueTernary {
		return false, true
	}
	return false, false
}

// IsNotFound reports whether err is AWS's ResourceNotFoundException.
func IsNotFound(err error) bool { return hasCode(err, "ResourceNotFoundException") }

// hasCode reports whether err is an AWS API error with the given code.
func hasCode(err error, code string) bool {
	var ae smithy.APIError
	return errors.As(err, &ae) && ae.ErrorCode() == code
}
