package awsiot

import (
	"context"
	"sync"
	"time"
)

// pacer spaces the calls of one operation at least 1/rate apart: a token
// bucket that holds a single token, so the client never bursts above the
// rate AWS publishes. A nil pacer (no limit) never waits.
type pacer struct {
	mu       sync.Mutex
	interval time.Duration
	next     time.Time
}

// newPacer returns a pacer for rate calls per second, or nil when rate is 0 (no limit).
func newPacer(rate float64) *pacer {
	if rate <= 0 {
		return nil
	}
	return &pacer{interval: time.Duration(float64(time.Second) / rate)}
}

// reserve books the next free slot at or after now and returns it.
func (p *pacer) reserve(now time.Time) time.Time {
	p.mu.Lock()
	defer p.mu.Unlock()
	at := p.next
	if at.Before(now) {
		at = now
	}
	p.next = at.Add(p.interval)
	return at
}

// wait blocks until the caller's slot comes, or ctx is done.
func (p *pacer) wait(ctx context.Context) error {
	if p == nil {
		return ctx.Err()
	}
	return sleep(ctx, time.Until(p.reserve(time.Now())))
}

// sleep waits d, or returns ctx's error when ctx is done first.
func sleep(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}
