package main

import (
	"context"
	"sync"
	"time"

	"github.com/jitpsim/jitpsim/report"
)

// abortPoll is how often the abort watcher reads the recorder's counters.
const abortPoll = 100 * time.Millisecond

// watchGates implements abort_on_fail: it returns a context that is
// cancelled as soon as one of the gates can no longer pass, judged from the
// recorder's live counters every abortPoll (no lock on the per-device path
// beyond the recorder's own). stop ends the watch and returns the gate that
// triggered the abort, or "" (also when every planned device had finished
// anyway, so the gates fail normally). With enabled false or no gates it watches
// nothing and returns ctx.
func watchGates(ctx context.Context, enabled bool, gates []report.Gate, rec *report.Recorder, planned int) (context.Context, func() string) {
	if !enabled || len(gates) == 0 {
		return ctx, func() string { return "" }
	}
	wctx, cancel := context.WithCancel(ctx)
	var (
		mu      sync.Mutex
		aborted string
		wg      sync.WaitGroup
	)
	done := make(chan struct{})
	wg.Add(1)
	go func() {
		defer wg.Done()
		t := time.NewTicker(abortPoll)
		defer t.Stop()
		for {
			select {
			case <-done:
				return
			case <-wctx.Done():
				return
			case <-t.C:
				if g, doomed := report.FirstDoomed(gates, rec.Live(), planned); doomed {
					mu.Lock()
					aborted = g.Expr
					mu.Unlock()
					cancel()
					return
				}
			}
		}
	}()
	return wctx, func() string {
		close(done)
		wg.Wait()
		cancel()
		mu.Lock()
		defer mu.Unlock()
		if aborted != "" && rec.Live().Completed >= planned {
			return "" // every device had finished: nothing was cut short
		}
		return aborted
	}
}
