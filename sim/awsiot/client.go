package awsiot

import (
	"context"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/iot"
)

// Client runs control-plane operations with a rate limit per operation and
// retries with backoff; it is safe for concurrent use.
type Client struct {
	api    *iot.Client
	pacers map[string]*pacer
	retry  retryPolicy
	stats  counters
	// sleep waits between attempts; tests replace it.
	sleep func(ctx context.Context, d time.Duration) error
	// closeConns closes the connections Open's transport dialed; nil for NewClient.
	closeConns func()
}

// NewClient wraps an SDK client whose own retries are off (aws.NopRetryer);
// rates overrides DefaultRates by operation name, "default" sets every
// operation without an entry, and 0 means no limit.
func NewClient(api *iot.Client, rates map[string]float64) *Client {
	c := &Client{api: api, pacers: map[string]*pacer{}, retry: defaultRetry(), sleep: sleep}
	for op, r := range resolveRates(rates) {
		c.pacers[op] = newPacer(r)
	}
	return c
}

// Close closes the client's idle connections (those of a client made by
// Open); the client must not be used afterwards.
func (c *Client) Close() {
	if c.closeConns != nil {
		c.closeConns()
	}
}

// Stats returns the calls made so far, per operation.
func (c *Client) Stats() Stats { return c.stats.snapshot() }

// call runs fn as operation op: it waits for op's rate, and retries a
// throttled or transient failure with backoff until the attempts run out.
func (c *Client) call(ctx context.Context, op string, fn func(context.Context) error) error {
	return c.callRetrying(ctx, op, nil, fn)
}

// callRetrying is call with an extra retryable condition, for failures that
// clear up by themselves on AWS (such as a detach that has not landed yet).
func (c *Client) callRetrying(ctx context.Context, op string, also func(error) bool, fn func(context.Context) error) error {
	for attempt := 1; ; attempt++ {
		if err := c.pacers[op].wait(ctx); err != nil {
			return err
		}
		err := fn(ctx)
		throttled, retryable := classify(err)
		if err != nil && also != nil && also(err) {
			retryable = true
		}
		last := err == nil || !retryable || attempt >= c.retry.maxAttempts || ctx.Err() != nil
		c.stats.add(op, attempt > 1, throttled, err != nil && last)
		if last {
			return err
		}
		if err := c.sleep(ctx, c.retry.delay(attempt)); err != nil {
			return err
		}
	}
}
