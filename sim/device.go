package sim

import (
	"bytes"
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"sync/atomic"
	"time"

	"github.com/eclipse/paho.golang/packets"
	"github.com/eclipse/paho.golang/paho"
	pahosession "github.com/eclipse/paho.golang/paho/session"

	"github.com/jitpsim/jitpsim/report"
	"github.com/jitpsim/jitpsim/scenario"
	"github.com/jitpsim/jitpsim/sim/pki"
)

// receiveMaximum is sent in every CONNECT: without it paho.golang allocates a
// 65535-slot channel (512 KiB) per client.
const receiveMaximum uint16 = 16

// deviceProperty is the MQTT 5 user property that marks a device's own
// message, so it recognises its echo among other devices' messages on a
// shared topic while the payload stays exactly what the scenario says.
const deviceProperty = "jitpsim-device"

// Device is one simulated device with its identity.
type Device struct {
	// Index is the device's index in the fleet.
	Index int
	// Name is the client ID and certificate common name.
	Name string
	// Identity is the device's key and certificate chain.
	Identity *pki.Identity
	// ExpectDrop says the identity is new, so the first connect must be dropped
	// while the target provisions it.
	ExpectDrop bool
	// Target is where the device connects.
	Target Target
	// Behaviour holds backoff, attempts, timeouts, topic and payload.
	Behaviour scenario.Behaviour
	// LocalAddr is the source address to dial from; nil lets the system choose.
	LocalAddr net.Addr
	// Holding, when set, counts devices currently in the hold phase.
	Holding *atomic.Int64
	// TLSConfig is the client TLS configuration from Target.ClientTLS,
	// shared by a fleet's devices; nil builds one for this device.
	TLSConfig *tls.Config

	// holdPublishes counts the hold phase's acknowledged publishes.
	holdPublishes atomic.Int64
}

// attemptResult classifies how one connection attempt ended.
type attemptResult int

const (
	attemptConnected attemptResult = iota
	attemptDropped
	attemptFailed
)

// Run plays the device's JITP session and returns its observation. It never
// panics on network errors; every failure becomes an outcome with a reason.
func (d *Device) Run(ctx context.Context) report.Observation {
	done := make(chan report.Observation, 1)
	d.Start(ctx, func(obs report.Observation) { done <- obs })
	return <-done
}

// Start plays the device's JITP session on a goroutine of its own and calls
// done with its observation when the device has finished. A device in the
// hold phase has no goroutine of its own: timers and paho's callbacks drive
// it (see holdPhase), so a held device costs only its connection.
func (d *Device) Start(ctx context.Context, done func(report.Observation)) {
	go d.start(ctx, done)
}

func (d *Device) start(ctx context.Context, done func(report.Observation)) {
	obs := &report.Observation{Index: d.Index, Name: d.Name, Start: time.Now()}
	sess, outcome, reason := d.connect(ctx, obs)
	if sess == nil {
		d.finish(ctx, obs, outcome, reason, done)
		return
	}
	if outcome == "" {
		outcome, reason = d.exchange(ctx, sess, obs)
	}
	end := func(outcome report.Outcome, reason string) {
		sess.close()
		if outcome == "" {
			outcome, reason = d.conclude(ctx, obs)
		}
		d.finish(ctx, obs, outcome, reason, done)
	}
	if outcome == "" && d.Behaviour.Hold.Duration > 0 {
		d.hold(ctx, sess, end)
		return
	}
	end(outcome, reason)
}

// finish settles an interrupted run's outcome and hands the observation on.
func (d *Device) finish(ctx context.Context, obs *report.Observation, outcome report.Outcome, reason string, done func(report.Observation)) {
	obs.Outcome, obs.Reason = outcome, reason
	if ctx.Err() != nil && !obs.Outcome.Success() {
		obs.Outcome, obs.Reason = report.OutcomeInterrupted, "run stopped before the device finished"
	}
	done(*obs)
}

// connect connects until the target accepts the device: the first connection
// of a new identity is expected to be dropped, later ones follow the backoff.
// It returns the connected session, or nil with the outcome that ended it.
func (d *Device) connect(ctx context.Context, obs *report.Observation) (*session, report.Outcome, string) {
	b := d.Behaviour
	for attempt := 1; ; attempt++ {
		obs.Attempts = attempt
		s, res, outcome, err := d.attempt(ctx, obs, obs.Start, attempt == 1)
		if res == attemptConnected {
			obs.Set(report.PhaseProvision, time.Since(obs.Start))
			return s, "", ""
		}
		if res == attemptFailed {
			return nil, outcome, err.Error()
		}
		obs.Drops++
		if attempt == 1 {
			obs.Set(report.PhaseDrop, time.Since(obs.Start))
		}
		if attempt >= b.MaxAttempts {
			return nil, report.OutcomeReconnectExhausted, fmt.Sprintf("dropped on all %d attempts (last: %v)", attempt, err)
		}
		if !sleep(ctx, backoffDelay(b, obs.Drops)) {
			return nil, report.OutcomeInterrupted, "run stopped during backoff"
		}
	}
}

// conclude names the outcome of a session that worked, runs the idempotency
// probe and records the total time.
func (d *Device) conclude(ctx context.Context, obs *report.Observation) (outcome report.Outcome, reason string) {
	switch {
	case obs.Drops == 0 && d.ExpectDrop:
		outcome, reason = report.OutcomeNoDrop, "first connect was accepted: the target did not run JITP"
	case obs.Drops == 0:
		outcome = report.OutcomeAlreadyProvisioned
	default:
		outcome = report.OutcomeProvisioned
	}
	if d.Behaviour.ProbeEnabled() {
		d.probe(ctx, obs)
	}
	obs.Set(report.PhaseTotal, time.Since(obs.Start))
	return outcome, reason
}

// attempt dials, handshakes and sends CONNECT once.
func (d *Device) attempt(ctx context.Context, obs *report.Observation, first time.Time, timeConnect bool) (*session, attemptResult, report.Outcome, error) {
	b := d.Behaviour
	pctx, cancel := context.WithTimeout(ctx, b.Timeout)
	defer cancel()
	dialer := net.Dialer{LocalAddr: d.LocalAddr}
	raw, err := dialer.DialContext(pctx, "tcp", d.Target.Addr)
	if err != nil {
		return nil, attemptFailed, classify(err), fmt.Errorf("dial %s: %w", d.Target.Addr, err)
	}
	if d.TLSConfig == nil {
		d.TLSConfig = d.Target.ClientTLS(b.TLS)
	}
	tc := tls.Client(raw, d.TLSConfig)
	// The handshake runs on a short-lived goroutine: its deep crypto stack
	// would otherwise stay with the device goroutine for the whole session
	// (measured: about 8 KiB per connected device).
	hs := make(chan error, 1)
	go func() { hs <- tc.HandshakeContext(withClientCert(pctx, &d.Identity.TLS)) }()
	if err := <-hs; err != nil {
		_ = raw.Close()
		return nil, attemptFailed, classify(err), fmt.Errorf("tls handshake: %w", err)
	}
	if timeConnect {
		obs.Set(report.PhaseConnect, time.Since(first))
	}
	obs.TLSVersion = tc.ConnectionState().Version
	s := newSession(tc, b.Timeout)
	name := d.Name
	payload := []byte(b.Payload)
	s.cli = paho.NewClient(paho.ClientConfig{
		Conn:          packets.NewThreadSafeConn(tc),
		PacketTimeout: b.Timeout,
		PingHandler:   s.pinger,
		OnPublishReceived: []func(paho.PublishReceived) (bool, error){func(pr paho.PublishReceived) (bool, error) {
			p := pr.Packet
			if p.Properties != nil && p.Properties.User.Get(deviceProperty) == name && bytes.Equal(p.Payload, payload) {
				select {
				case s.echo <- struct{}{}:
				default:
				}
			}
			return true, nil
		}},
		OnClientError:      func(error) { s.connectionLost() },
		OnServerDisconnect: func(*paho.Disconnect) { s.connectionLost() },
	})
	rm := receiveMaximum
	connack, err := s.cli.Connect(pctx, &paho.Connect{
		ClientID:   name,
		KeepAlive:  uint16(b.KeepAlive / time.Second),
		CleanStart: true,
		// RequestProblemInfo true is MQTT's default; sent as false, mochi
		// strips user properties even from PUBLISH, and with them the echo mark.
		Properties: &paho.ConnectProperties{ReceiveMaximum: &rm, RequestProblemInfo: true},
	})
	if err == nil {
		return s, attemptConnected, "", nil
	}
	_ = tc.Close()
	if connack != nil && (connack.ReasonCode == packets.ConnackQuotaExceeded || connack.ReasonCode == packets.ConnackConnectionRateExceeded) {
		return nil, attemptFailed, report.OutcomeThrottled, fmt.Errorf("CONNACK reason code 0x%02x: %w", connack.ReasonCode, err)
	}
	if connack != nil && connack.ReasonCode >= 0x80 {
		return nil, attemptFailed, report.OutcomeRejectedConnect, fmt.Errorf("CONNACK reason code 0x%02x: %w", connack.ReasonCode, err)
	}
	if isDrop(err) {
		return nil, attemptDropped, "", fmt.Errorf("closed without CONNACK: %w", err)
	}
	return nil, attemptFailed, classify(err), fmt.Errorf("connect: %w", err)
}

// exchange subscribes, publishes and waits for the device's own message. It
// returns an empty outcome when everything worked.
func (d *Device) exchange(ctx context.Context, s *session, obs *report.Observation) (report.Outcome, string) {
	b := d.Behaviour
	topic := scenario.Expand(b.Topic, d.Index, d.Name)
	pctx, cancel := context.WithTimeout(ctx, b.Timeout)
	defer cancel()
	sa, err := s.cli.Subscribe(pctx, &paho.Subscribe{Subscriptions: []paho.SubscribeOptions{{Topic: topic, QoS: 1}}})
	if err != nil {
		if sa != nil && len(sa.Reasons) > 0 && sa.Reasons[0] >= 0x80 {
			return report.OutcomeSubscribeDenied, fmt.Sprintf("subscribe %s: SUBACK reason code 0x%02x", topic, sa.Reasons[0])
		}
		return failure(err, "subscribe "+topic)
	}
	props := &paho.PublishProperties{}
	props.User.Add(deviceProperty, d.Name)
	s.topic, s.props = topic, props
	sent := time.Now()
	if pr, err := s.cli.Publish(pctx, &paho.Publish{Topic: topic, QoS: 1, Payload: []byte(b.Payload), Properties: props}); err != nil {
		return publishFailure(pr, err, "publish "+topic)
	}
	obs.Set(report.PhasePublish, time.Since(sent))
	select {
	case <-s.echo:
		obs.Set(report.PhaseEcho, time.Since(sent))
	case <-s.cli.Done():
		return report.OutcomeEchoLost, s.lost("connection closed before the device received its own message")
	case <-pctx.Done():
		if ctx.Err() != nil {
			return report.OutcomeInterrupted, "run stopped while waiting for the echo"
		}
		return report.OutcomeEchoLost, fmt.Sprintf("own message not received within %s", b.Timeout)
	}
	return "", ""
}

// probe reconnects once more; a provisioned identity must be accepted at once.
// With a target that limits CONNECTs per client ID it first waits until the
// accepted connect is that long ago, so the limit cannot refuse the probe.
func (d *Device) probe(ctx context.Context, obs *report.Observation) {
	if gap := d.Target.ClientIDConnectInterval; gap > 0 && obs.Has[report.PhaseProvision] {
		connected := obs.Start.Add(obs.Durations[report.PhaseProvision])
		if !sleep(ctx, time.Until(connected.Add(gap))) {
			return
		}
	}
	obs.IdempotencyChecked = true
	obs.Attempts++
	s, res, _, err := d.attempt(ctx, obs, time.Now(), false)
	if res != attemptConnected {
		obs.IdempotencyViolated = true
		if obs.Reason == "" {
			obs.Reason = fmt.Sprintf("idempotency probe: reconnect refused: %v", err)
		}
		return
	}
	s.close()
}

// failure classifies an error from SUBSCRIBE or PUBLISH that came without a
// reason code from the broker (callers name those as denials): a timeout,
// the run stopping, a lost connection or another error.
func failure(err error, what string) (report.Outcome, string) {
	switch {
	case errors.Is(err, context.DeadlineExceeded):
		return report.OutcomeTimeout, what + ": no acknowledgement in time"
	case errors.Is(err, context.Canceled):
		return report.OutcomeInterrupted, what + ": run stopped"
	case errors.Is(err, paho.ErrConnectionLost), errors.Is(err, pahosession.ErrNoConnection), isDrop(err):
		return report.OutcomeError, what + ": connection lost"
	}
	return report.OutcomeError, fmt.Sprintf("%s: %v", what, err)
}

// publishFailure classifies a failed QoS 1 PUBLISH: a PUBACK reason code of
// 0x80 or more is a denial, anything else goes to failure.
func publishFailure(pr *paho.PublishResponse, err error, what string) (report.Outcome, string) {
	if pr != nil && pr.ReasonCode >= 0x80 {
		return report.OutcomePublishDenied, fmt.Sprintf("%s: PUBACK reason code 0x%02x", what, pr.ReasonCode)
	}
	return failure(err, what)
}

func sleep(ctx context.Context, d time.Duration) bool {
	if d <= 0 {
		return ctx.Err() == nil
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
		return false
	}
}
