package awsiot

import (
	"fmt"
	"slices"
	"strings"
	"sync"
)

// OpStats counts the calls of one operation.
type OpStats struct {
	// Calls counts every request sent, retries included.
	Calls int64
	// Throttled counts the requests answered with a throttling error.
	Throttled int64
	// Retries counts the requests that repeated an earlier failed one.
	Retries int64
	// Errors counts the calls that failed in the end (including "not found").
	Errors int64
}

// Stats holds the counts of every operation called, by operation name.
type Stats map[string]OpStats

// Total returns the counts of all operations together.
func (s Stats) Total() OpStats {
	var t OpStats
	for _, o := range s {
		t.Calls += o.Calls
		t.Throttled += o.Throttled
		t.Retries += o.Retries
		t.Errors += o.Errors
	}
	return t
}

// String lists the calls per operation, most called first, e.g.
// "DescribeThing 200, ListAttachedPolicies 200 (throttled 3)".
func (s Stats) String() string {
	ops := make([]string, 0, len(s))
	for op := range s {
		ops = append(ops, op)
	}
	slices.SortFunc(ops, func(a, b string) int {
		if s[a].Calls != s[b].Calls {
			return int(s[b].Calls - s[a].Calls)
		}
		return strings.Compare(a, b)
	})
	parts := make([]string, len(ops))
	for i, op := range ops {
		parts[i] = fmt.Sprintf("%s %d", op, s[op].Calls)
		if t := s[op].Throttled; t > 0 {
			parts[i] += fmt.Sprintf(" (throttled %d)", t)
		}
	}
	return strings.Join(parts, ", ")
}

// counters is the concurrency-safe tally behind Client.Stats.
type counters struct {
	mu  sync.Mutex
	ops map[string]*OpStats
}

// add records one attempt of op.
func (c *counters) add(op string, retry, throttled, failed bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.ops == nil {
		c.ops = map[string]*OpStats{}
	}
	s := c.ops[op]
	if s == nil {
		s = &OpStats{}
		c.ops[op] = s
	}
	s.Calls++
	if retry {
		s.Retries++
	}
	if throttled {
		s.Throttled++
	}
	if failed {
		s.Errors++
	}
}

// snapshot copies the counts.
func (c *counters) snapshot() Stats {
	c.mu.Lock()
	defer c.mu.Unlock()
	out := make(Stats, len(c.ops))
	for op, s := range c.ops {
		out[op] = *s
	}
	return out
}
