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
}

// attemptResult classifies how one connection attempt ended.
type attemptResult int

const (
	attemptConnected attemptResult = iota
	attemptDropped
	attemptFailed
)

// session is one connected MQTT client.
type session struct {
	cli  *paho.Client
	echo chan struct{}
}

// Run plays the device's JITP session and returns its observation. It never
// panics on network errors; every failure becomes an outcome with a reason.
func (d *Device) Run(ctx context.Context) report.Observation {
	obs := report.Observation{Index: d.Index, Name: d.Name, Start: time.Now()}
	obs.Outcome, obs.Reason = d.run(ctx, &obs)
	if ctx.Err() != nil && !obs.Outcome.Success() {
		obs.Outcome, obs.Reason = report.OutcomeInterrupted, "run stopped before the device finished"
	}
	return obs
}

func (d *Device) run(ctx context.Context, obs *report.Observation) (report.Outcome, string) {
	b := d.Behaviour
	first := time.Now()
	var sess *session
	for attempt := 1; ; attempt++ {
		obs.Attempts = attempt
		s, res, outcome, err := d.attempt(ctx, obs, first, attempt == 1)
		if res == attemptConnected {
			sess = s
			break
		}
		if res == attemptFailed {
			return outcome, err.Error()
		}
		obs.Drops++
		if attempt == 1 {
			obs.Set(report.PhaseDrop, time.Since(first))
		}
		if attempt >= b.MaxAttempts {
			return report.OutcomeReconnectExhausted, fmt.Sprintf("dropped on all %d attempts (last: %v)", attempt, err)
		}
		if !sleep(ctx, backoffDelay(b, obs.Drops)) {
			return report.OutcomeInterrupted, "run stopped during backoff"
		}
	}
	obs.Set(report.PhaseProvision, time.Since(first))
	outcome, reason := d.exchange(ctx, sess, obs)
	if outcome != "" {
		return outcome, reason
	}
	switch {
	case obs.Drops == 0 && d.ExpectDrop:
		outcome, reason = report.OutcomeNoDrop, "first connect was accepted: the target did not run JITP"
	case obs.Drops == 0:
		outcome = report.OutcomeAlreadyProvisioned
	default:
		outcome = report.OutcomeProvisioned
	}
	if b.ProbeEnabled() {
		d.probe(ctx, obs)
	}
	obs.Set(report.PhaseTotal, time.Since(first))
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
	tc := tls.Client(raw, d.Target.tlsConfig(&d.Identity.TLS, b.TLS))
	// The handshake runs on a short-lived goroutine: its deep crypto stack
	// would otherwise stay with the device goroutine for the whole session
	// (measured: about 8 KiB per connected device).
	hs := make(chan error, 1)
	go func() { hs <- tc.HandshakeContext(pctx) }()
	if err := <-hs; err != nil {
		_ = raw.Close()
		return nil, attemptFailed, classify(err), fmt.Errorf("tls handshake: %w", err)
	}
	if timeConnect {
		obs.Set(report.PhaseConnect, time.Since(first))
	}
	obs.TLSVersion = tc.ConnectionState().Version
	s := &session{echo: make(chan struct{}, 1)}
	name := d.Name
	payload := []byte(b.Payload)
	s.cli = paho.NewClient(paho.ClientConfig{
		Conn:          packets.NewThreadSafeConn(tc),
		PacketTimeout: b.Timeout,
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
		OnClientError: func(error) {},
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

// exchange subscribes, publishes and waits for the device's own message, then
// disconnects. It returns an empty outcome when everything worked.
func (d *Device) exchange(ctx context.Context, s *session, obs *report.Observation) (report.Outcome, string) {
	b := d.Behaviour
	defer func() { _ = s.cli.Disconnect(&paho.Disconnect{ReasonCode: 0}) }()
	topic := scenario.Expand(b.Topic, d.Index, d.Name)
	pctx, cancel := context.WithTimeout(ctx, b.Timeout)
	defer cancel()
	sa, err := s.cli.Subscribe(pctx, &paho.Subscribe{Subscriptions: []paho.SubscribeOptions{{Topic: topic, QoS: 1}}})
	if err != nil {
		if sa != nil && len(sa.Reasons) > 0 && sa.Reasons[0] >= 0x80 {
			return report.OutcomeSubscribeDenied, fmt.Sprintf("subscribe %s: SUBACK reason code 0x%02x", topic, sa.Reasons[0])
		}
		return failure(err, report.OutcomeSubscribeDenied, "subscribe "+topic)
	}
	props := &paho.PublishProperties{}
	props.User.Add(deviceProperty, d.Name)
	sent := time.Now()
	if pr, err := s.cli.Publish(pctx, &paho.Publish{Topic: topic, QoS: 1, Payload: []byte(b.Payload), Properties: props}); err != nil {
		if pr != nil && pr.ReasonCode >= 0x80 {
			return report.OutcomePublishDenied, fmt.Sprintf("publish %s: PUBACK reason code 0x%02x", topic, pr.ReasonCode)
		}
		return failure(err, report.OutcomePublishDenied, "publish "+topic)
	}
	obs.Set(report.PhasePublish, time.Since(sent))
	select {
	case <-s.echo:
		obs.Set(report.PhaseEcho, time.Since(sent))
	case <-s.cli.Done():
		return report.OutcomeEchoLost, "connection closed before the device received its own message"
	case <-pctx.Done():
		if ctx.Err() != nil {
			return report.OutcomeInterrupted, "run stopped while waiting for the echo"
		}
		return report.OutcomeEchoLost, fmt.Sprintf("own message not received within %s", b.Timeout)
	}
	return d.hold(ctx, s, topic, props)
}

// hold keeps the session connected for the hold duration, publishing every
// interval; paho's pinger keeps the connection alive between publishes.
func (d *Device) hold(ctx context.Context, s *session, topic string, props *paho.PublishProperties) (report.Outcome, string) {
	h := d.Behaviour.Hold
	if h.Duration <= 0 {
		return "", ""
	}
	end := time.NewTimer(h.Duration)
	defer end.Stop()
	var tick <-chan time.Time
	if h.PublishEvery > 0 {
		t := time.NewTicker(h.PublishEvery)
		defer t.Stop()
		tick = t.C
	}
	if d.Holding != nil {
		d.Holding.Add(1)
		defer d.Holding.Add(-1)
	}
	started := time.Now()
	for {
		select {
		case <-end.C:
			return "", ""
		case <-ctx.Done():
			return report.OutcomeInterrupted, "run stopped during the hold phase"
		case <-s.cli.Done():
			return report.OutcomeError, fmt.Sprintf("connection lost %s into the hold phase", time.Since(started).Round(time.Millisecond))
		case <-tick:
			pctx, cancel := context.WithTimeout(ctx, d.Behaviour.Timeout)
			_, err := s.cli.Publish(pctx, &paho.Publish{Topic: topic, QoS: 1, Payload: []byte(d.Behaviour.Payload), Properties: props})
			cancel()
			if err != nil {
				return failure(err, report.OutcomePublishDenied, "hold publish "+topic)
			}
		}
	}
}

// probe reconnects once more; a provisioned identity must be accepted at once.
func (d *Device) probe(ctx context.Context, obs *report.Observation) {
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
	_ = s.cli.Disconnect(&paho.Disconnect{ReasonCode: 0})
}

// failure classifies an error from SUBSCRIBE or PUBLISH: a reason code from
// the broker is a denial, anything else a timeout or error.
func failure(err error, denied report.Outcome, what string) (report.Outcome, string) {
	if errors.Is(err, context.DeadlineExceeded) {
		return report.OutcomeTimeout, what + ": no acknowledgement in time"
	}
	if errors.Is(err, paho.ErrConnectionLost) || isDrop(err) {
		return report.OutcomeError, what + ": connection lost"
	}
	return denied, fmt.Sprintf("%s: %v", what, err)
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
