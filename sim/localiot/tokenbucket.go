package localiot

import (
	"sync"
	"time"
)

// tokenBucket is a token bucket: it holds up to burst tokens and gains rate tokens per second;
// every allowed event takes one. The caller passes the time, so tests control the clock.
type tokenBucket struct {
	mu     sync.Mutex
	rate   float64
	burst  float64
	tokens float64
	last   time.Time
}

// newTokenBucket returns a full bucket of rate tokens per second holding at most burst (at least 1).
func newTokenBucket(rate, burst float64) *tokenBucket {
	burst = max(burst, 1)
	return &tokenBucket{rate: rate, burst: burst, tokens: burst}
}

// allow takes a token if one is available at now.
func (b *tokenBucket) allow(now time.Time) bool {
	b.mu.Lock()
	defer b.mu.Unlock()
	if !b.last.IsZero() && now.After(b.last) {
		b.tokens = min(b.burst, b.tokens+now.Sub(b.last).Seconds()*b.rate)
	}
	if b.last.IsZero() || now.After(b.last) {
		b.last = now
	}
	if b.tokens < 1 {
		return false
	}
	b.tokens--
	return true
}

// keyedLimiter allows one event per key every interval (a token bucket of burst 1 per key, kept
// as the earliest time the key's next event is allowed). Keys whose time has passed are pruned
// when the map grows, so idle client IDs cost nothing.
type keyedLimiter struct {
	mu       sync.Mutex
	interval time.Duration
	next     map[string]time.Time
	pruneAt  int // prune when the map reaches this size
	minPrune int // the smallest pruneAt
}

// newKeyedLimiter returns a limiter allowing one event per key every interval.
func newKeyedLimiter(interval time.Duration) *keyedLimiter {
	return &keyedLimiter{interval: interval, next: map[string]time.Time{}, pruneAt: 1024, minPrune: 1024}
}

// allow reports whether key may have an event at now and, if so, records it.
func (l *keyedLimiter) allow(key string, now time.Time) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	if t, ok := l.next[key]; ok && now.Before(t) {
		return false
	}
	if len(l.next) >= l.pruneAt {
		for k, t := range l.next {
			if !now.Before(t) {
				delete(l.next, k)
			}
		}
		l.pruneAt = max(l.minPrune, 2*len(l.next))
	}
	l.next[key] = now.Add(l.interval)
	return true
}
