package awsiot

import (
	"context"
	"sync"
	"sync/atomic"
)

// DefaultWorkers is how many devices verify and cleanup work on at once:
// enough to keep every operation's rate busy while calls wait on each other.
const DefaultWorkers = 16

// forEach calls fn(i) for i in [0, n) on up to workers goroutines; it starts
// no new call once ctx is done and returns when the started ones are over.
func forEach(ctx context.Context, n, workers int, fn func(i int)) {
	workers = max(1, min(workers, n))
	var next atomic.Int64
	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for ctx.Err() == nil {
				i := int(next.Add(1) - 1)
				if i >= n {
					return
				}
				fn(i)
			}
		}()
	}
	wg.Wait()
}
