package main

import (
	"fmt"
	"io"
	"sync"
	"time"

	"github.com/jitpsim/jitpsim/report"
	"github.com/jitpsim/jitpsim/sim"
)

// progressEvery is how often a progress line is printed during a run.
const progressEvery = 2 * time.Second

// startProgress prints a plain progress line every few seconds until the
// returned function is called.
func startProgress(w io.Writer, quiet bool, f *sim.Fleet, rec *report.Recorder, planned int, start time.Time) func() {
	if quiet {
		return func() {}
	}
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		t := time.NewTicker(progressEvery)
		defer t.Stop()
		for {
			select {
			case <-done:
				return
			case <-t.C:
				completed, ok, failed := rec.Counts()
				el := time.Since(start)
				fmt.Fprintf(w, "jitpsim: %5.1fs started %d/%d, completed %d (ok %d, failed %d), %.1f ok/s\n",
					el.Seconds(), f.Started(), planned, completed, ok, failed, float64(ok)/el.Seconds())
			}
		}
	}()
	return func() { close(done); wg.Wait() }
}
