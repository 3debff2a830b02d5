package main

import (
	"fmt"
	"io"
	"os"
	"strings"
	"sync"
	"time"

	"golang.org/x/term"

	"github.com/jitpsim/jitpsim/report"
)

// How often progress is shown: a plain line every few seconds for logs, a
// redrawn line a few times a second on a terminal.
const (
	progressEvery     = 2 * time.Second
	progressLiveEvery = 500 * time.Millisecond
)

// startCounter is what progress and live metrics need from the devices'
// starter: a *sim.Fleet, or a capacity ramp of several fleets.
type startCounter interface {
	Started() int
}

// progressSnapshot is what one progress line shows.
type progressSnapshot struct {
	elapsed                     time.Duration
	started, planned            int
	completed, succeeded, fails int
	p99                         time.Duration
	hasP99                      bool
}

// startProgress shows progress on w until the returned function is called: on
// a terminal a single line redrawn in place (started, provisioned, failed,
// rate, provision p99 so far and ETA), elsewhere a plain line every few
// seconds; with quiet, nothing.
func startProgress(w io.Writer, quiet bool, f startCounter, rec *report.Recorder, planned int, start time.Time) func() {
	if quiet {
		return func() {}
	}
	return runProgress(w, isTerminal(w), f, rec, planned, start)
}

// isTerminal reports whether w is a terminal.
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}

// runProgress prints progress in live (redrawn) or plain form until stopped.
func runProgress(w io.Writer, live bool, f startCounter, rec *report.Recorder, planned int, start time.Time) func() {
	every := progressEvery
	if live {
		every = progressLiveEvery
	}
	snap := func() progressSnapshot {
		completed, ok, failed := rec.Counts()
		p99, has := rec.Quantile(report.PhaseProvision, 99)
		return progressSnapshot{elapsed: time.Since(start), started: f.Started(), planned: planned,
			completed: completed, succeeded: ok, fails: failed, p99: p99, hasP99: has}
	}
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		t := time.NewTicker(every)
		defer t.Stop()
		for {
			select {
			case <-done:
				if live {
					fmt.Fprintf(w, "\r\x1b[K%s\n", liveLine(snap()))
				}
				return
			case <-t.C:
				if live {
					fmt.Fprintf(w, "\r\x1b[K%s", liveLine(snap()))
				} else {
					fmt.Fprintln(w, plainLine(snap()))
				}
			}
		}
	}()
	return func() { close(done); wg.Wait() }
}

// plainLine is the progress line for logs.
func plainLine(p progressSnapshot) string {
	var b strings.Builder
	fmt.Fprintf(&b, "jitpsim: %5.1fs started %d/%d, completed %d (ok %d, failed %d), %.1f ok/s",
		p.elapsed.Seconds(), p.started, p.planned, p.completed, p.succeeded, p.fails, p.rate())
	if p.hasP99 {
		fmt.Fprintf(&b, ", provision p99 %s", shortDuration(p.p99))
	}
	if eta, ok := p.eta(); ok {
		fmt.Fprintf(&b, ", ETA %s", eta)
	}
	return b.String()
}

// liveLine is the progress line redrawn on a terminal.
func liveLine(p progressSnapshot) string {
	p99, eta := "-", "-"
	if p.hasP99 {
		p99 = shortDuration(p.p99)
	}
	if d, ok := p.eta(); ok {
		eta = d.String()
	}
	return fmt.Sprintf("jitpsim %6.1fs  started %d/%d  provisioned %d  failed %d  %.1f/s  p99 %s  ETA %s",
		p.elapsed.Seconds(), p.started, p.planned, p.succeeded, p.fails, p.rate(), p99, eta)
}

// rate is successes per second so far.
func (p progressSnapshot) rate() float64 {
	if p.elapsed <= 0 {
		return 0
	}
	return float64(p.succeeded) / p.elapsed.Seconds()
}

// eta estimates the time left from the completion rate so far.
func (p progressSnapshot) eta() (time.Duration, bool) {
	if p.completed == 0 || p.elapsed <= 0 || p.planned <= p.completed {
		return 0, p.planned > 0 && p.planned <= p.completed
	}
	perDevice := p.elapsed / time.Duration(p.completed)
	eta := time.Duration(p.planned-p.completed) * perDevice
	if eta < 10*time.Second {
		return eta.Round(100 * time.Millisecond), true
	}
	return eta.Round(time.Second), true
}

// shortDuration rounds a latency for a progress line.
func shortDuration(d time.Duration) string {
	switch {
	case d >= 10*time.Second:
		return d.Round(100 * time.Millisecond).String()
	case d >= time.Millisecond:
		return d.Round(100 * time.Microsecond).String()
	}
	return d.Round(time.Microsecond).String()
}
