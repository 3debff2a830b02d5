package sim

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/eclipse/paho.golang/paho"

	"github.com/jitpsim/jitpsim/report"
)

// holdPhase keeps a device connected for the hold duration, publishing every
// interval, without a goroutine of its own: a timer ends the hold, another
// publishes, the run's context and paho's connection-lost callbacks stop it
// early. Whichever comes first ends the phase and runs the rest of the device
// on its goroutine. A parked device goroutine costs 8 KiB of stack (measured);
// with thousands of devices holding for minutes that was a fifth of the
// client's memory per connection.
type holdPhase struct {
	d       *Device
	s       *session
	started time.Time
	then    func(report.Outcome, string)

	// pubCtx bounds hold publishes (set with publish_every); stop cancels
	// it, so a publish still waiting for its PUBACK does not outlive the device.
	pubCtx    context.Context
	cancelPub context.CancelFunc

	mu      sync.Mutex
	done    bool
	end     *time.Timer
	tick    *time.Timer // nil without publish_every
	next    time.Time   // when the next hold publish is due
	stopCtx func() bool
}

// hold starts the hold phase and returns at once. then runs once with the
// phase's outcome: empty when the hold ran its course, otherwise why it ended
// early (run stopped, connection lost, publish failed).
func (d *Device) hold(ctx context.Context, s *session, then func(report.Outcome, string)) {
	h := &holdPhase{d: d, s: s, started: time.Now(), then: then}
	if d.Holding != nil {
		d.Holding.Add(1)
	}
	hb := d.Behaviour.Hold
	h.mu.Lock()
	h.end = time.AfterFunc(hb.Duration, func() { h.stop("", "") })
	if hb.PublishEvery > 0 {
		h.pubCtx, h.cancelPub = context.WithCancel(ctx)
		h.next = h.started.Add(hb.PublishEvery)
		h.tick = time.AfterFunc(hb.PublishEvery, h.publish)
	}
	h.stopCtx = context.AfterFunc(ctx, func() {
		h.stop(report.OutcomeInterrupted, "run stopped during the hold phase")
	})
	h.mu.Unlock()
	s.watchLost(func() {
		h.stop(report.OutcomeError, s.lost(fmt.Sprintf("connection lost %s into the hold phase",
			time.Since(h.started).Round(time.Millisecond))))
	})
}

// stop ends the hold phase once; later calls do nothing.
func (h *holdPhase) stop(outcome report.Outcome, reason string) {
	h.mu.Lock()
	if h.done {
		h.mu.Unlock()
		return
	}
	h.done = true
	h.end.Stop()
	if h.tick != nil {
		h.tick.Stop()
	}
	h.mu.Unlock()
	h.stopCtx()
	if h.cancelPub != nil {
		h.cancelPub()
	}
	if h.d.Holding != nil {
		h.d.Holding.Add(-1)
	}
	h.then(outcome, reason)
}

// publish sends one hold message on the tick timer's goroutine and re-arms
// the timer for the next due time, skipping ticks a slow publish missed.
func (h *holdPhase) publish() {
	b := h.d.Behaviour
	pctx, cancel := context.WithTimeout(h.pubCtx, b.Timeout)
	pr, err := h.s.cli.Publish(pctx, &paho.Publish{Topic: h.s.topic, QoS: 1, Payload: []byte(b.Payload), Properties: h.s.props})
	cancel()
	if err != nil {
		h.stop(publishFailure(pr, err, "hold publish "+h.s.topic))
		return
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.done {
		return
	}
	h.d.holdPublishes.Add(1)
	now := time.Now()
	for !h.next.After(now) {
		h.next = h.next.Add(b.Hold.PublishEvery)
	}
	h.tick.Reset(h.next.Sub(now))
}
