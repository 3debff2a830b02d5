package localiot

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/eclipse/paho.golang/paho"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/jitpsim/jitpsim/sim/localiot/template"
	"github.com/jitpsim/jitpsim/sim/pki"
)

// testClock is a clock tests move by hand.
type testClock struct {
	mu sync.Mutex
	t  time.Time
}

// now returns the clock's time.
func (c *testClock) now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

// advance moves the clock forward.
func (c *testClock) advance(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

func TestTokenBucket(t *testing.T) {
	t0 := time.Unix(1_700_000_000, 0)
	b := newTokenBucket(10, 10)
	for i := range 10 {
		assert.True(t, b.allow(t0), "burst token %d", i)
	}
	assert.False(t, b.allow(t0), "burst spent")
	assert.False(t, b.allow(t0.Add(50*time.Millisecond)), "half a token")
	assert.True(t, b.allow(t0.Add(100*time.Millisecond)), "one token after 1/rate")
	assert.False(t, b.allow(t0.Add(50*time.Millisecond)), "time going backwards adds nothing")
	assert.True(t, b.allow(t0.Add(time.Hour)))
	for range 9 {
		require.True(t, b.allow(t0.Add(time.Hour)))
	}
	assert.False(t, b.allow(t0.Add(time.Hour)), "refill is capped at the burst")
}

func TestKeyedLimiter(t *testing.T) {
	t0 := time.Unix(1_700_000_000, 0)
	l := newKeyedLimiter(time.Second)
	assert.True(t, l.allow("a", t0))
	assert.True(t, l.allow("b", t0), "keys are independent")
	assert.False(t, l.allow("a", t0.Add(999*time.Millisecond)))
	assert.True(t, l.allow("a", t0.Add(time.Second)))

	for i, k := range []string{"c", "d", "e", "f"} {
		require.True(t, l.allow(k, t0.Add(time.Duration(i)*time.Millisecond)))
	}
	l.pruneAt, l.minPrune = 4, 4
	assert.True(t, l.allow("g", t0.Add(10*time.Second)), "idle keys are pruned")
	assert.Len(t, l.next, 1)
	assert.False(t, l.allow("g", t0.Add(10*time.Second)))
}

func TestProvisionDelayDistribution(t *testing.T) {
	s, err := New(Config{AWSLimits: true, Limits: &Limits{ProvisionDelayMin: time.Second, ProvisionDelayMax: 3 * time.Second}})
	require.NoError(t, err)
	t.Cleanup(func() { require.NoError(t, s.Close()) })
	seen := map[bool]bool{}
	for range 1000 {
		d := s.provisionDelay()
		require.GreaterOrEqual(t, d, time.Second)
		require.LessOrEqual(t, d, 3*time.Second)
		seen[d < 2*time.Second] = true
	}
	assert.Len(t, seen, 2, "both halves of the range occur")

	fixed, err := New(Config{ProvisionDelay: 5 * time.Millisecond})
	require.NoError(t, err)
	t.Cleanup(func() { require.NoError(t, fixed.Close()) })
	assert.Equal(t, 5*time.Millisecond, fixed.provisionDelay(), "without AWSLimits the delay is fixed")
	assert.Equal(t, DefaultLimits().ConnectsPerClientIDPerSecond, 1.0)
}

// limitedServer starts a server with AWSLimits set to l and a hand-moved clock.
func limitedServer(t *testing.T, l Limits) (*Server, *testClock) {
	t.Helper()
	clock := &testClock{t: time.Unix(1_700_000_000, 0)}
	s := startServer(t, Config{AWSLimits: true, Limits: &l}, func(s *Server) { s.lim.now = clock.now })
	return s, clock
}

func TestThrottledConnects(t *testing.T) {
	s, clock := limitedServer(t, Limits{ConnectsPerClientIDPerSecond: 1, ConnectsPerSecond: 3})
	ca := newDeviceCA(t, "throttle CA")
	_, err := s.RegisterCA(ca.Cert, template.Classic(), true)
	require.NoError(t, err)
	id := mint(t, ca, pki.Subject{CommonName: "fast"})
	requireDropped(t, s, id.TLS, "fast") // JITP registration
	require.Eventually(t, pollActive(s, id.ID), safetyNet, pollEvery)

	requireDropped(t, s, id.TLS, "fast") // same client ID within the second: throttled
	st := s.Stats()
	assert.Equal(t, int64(1), st.ConnectsThrottled)
	clock.advance(time.Second)
	mustConnect(t, s, id.TLS, "fast")

	// Account-wide: 3 CONNECTs per second; the third client ID of this second is refused.
	clock.advance(time.Second)
	mustConnect(t, s, id.TLS, "fast-a")
	mustConnect(t, s, id.TLS, "fast-b")
	mustConnect(t, s, id.TLS, "fast-c")
	requireDropped(t, s, id.TLS, "fast-d")
	assert.Equal(t, int64(2), s.Stats().ConnectsThrottled)
}

func TestThrottledRegistrations(t *testing.T) {
	s, clock := limitedServer(t, Limits{RegistrationsPerSecond: 1})
	ca := newDeviceCA(t, "registration throttle CA")
	_, err := s.RegisterCA(ca.Cert, template.Classic(), true)
	require.NoError(t, err)
	a := mint(t, ca, pki.Subject{CommonName: "reg-a"})
	b := mint(t, ca, pki.Subject{CommonName: "reg-b"})

	requireDropped(t, s, a.TLS, "reg-a")
	requireDropped(t, s, b.TLS, "reg-b")
	_, ok := s.Registry().Certificate(b.ID)
	assert.False(t, ok, "a throttled registration registers nothing; the device retries")
	assert.Equal(t, int64(1), s.Stats().RegistrationsThrottled)

	clock.advance(time.Second)
	requireDropped(t, s, b.TLS, "reg-b")
	require.Eventually(t, pollActive(s, b.ID), safetyNet, pollEvery)
	assert.Equal(t, int64(2), s.Stats().Registrations)
}

func TestThrottledTemplateRuns(t *testing.T) {
	s, _ := limitedServer(t, Limits{RegisterThingPerSecond: 1})
	ca := newDeviceCA(t, "register-thing throttle CA")
	_, err := s.RegisterCA(ca.Cert, template.Classic(), true)
	require.NoError(t, err)
	a := mint(t, ca, pki.Subject{CommonName: "run-a"})
	b := mint(t, ca, pki.Subject{CommonName: "run-b"})

	requireDropped(t, s, a.TLS, "run-a")
	require.Eventually(t, pollActive(s, a.ID), safetyNet, pollEvery)
	requireDropped(t, s, b.TLS, "run-b")
	require.Eventually(t, func() bool { return s.Stats().ProvisionThrottled == 1 }, safetyNet, pollEvery)

	st := s.Stats()
	assert.Equal(t, int64(1), st.ProvisionServerError, "a throttled template run is a ServerError")
	c, ok := s.Registry().Certificate(b.ID)
	require.True(t, ok)
	assert.Equal(t, StatusPendingActivation, c.Status, "and leaves the certificate PENDING_ACTIVATION")
	requireDropped(t, s, b.TLS, "run-b")
}

func TestThrottledPublishes(t *testing.T) {
	// Four publishes per second per connection, in and out together; the test clock stands still.
	s, clock := limitedServer(t, Limits{PublishesPerConnectionPerSecond: 4})
	ca := newDeviceCA(t, "publish throttle CA")
	_, err := s.RegisterCA(ca.Cert, template.Classic(), true)
	require.NoError(t, err)
	provision := func(cn string) *device {
		id := mint(t, ca, pki.Subject{CommonName: cn})
		requireDropped(t, s, id.TLS, cn)
		require.Eventually(t, pollActive(s, id.ID), safetyNet, pollEvery)
		return mustConnect(t, s, id.TLS, cn)
	}
	publish := func(d *device, topic string) error {
		ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
		defer cancel()
		_, err := d.cli.Publish(ctx, &paho.Publish{Topic: topic, QoS: 1, Payload: []byte("x")})
		return err
	}
	subscribe := func(d *device, topic string) {
		ctx, cancel := context.WithTimeout(context.Background(), safetyNet)
		defer cancel()
		_, err := d.cli.Subscribe(ctx, &paho.Subscribe{Subscriptions: []paho.SubscribeOptions{{Topic: topic, QoS: 1}}})
		require.NoError(t, err)
	}

	a := provision("rate-a")
	subscribe(a, "rate/a")
	for i := range 2 { // each costs two: the PUBLISH in and its delivery back out
		require.NoError(t, publish(a, "rate/a"), "publish %d", i)
		a.receive(t)
	}
	err = publish(a, "rate/a")
	require.ErrorIs(t, err, context.DeadlineExceeded, "a PUBLISH over the rate gets no PUBACK")
	assert.Equal(t, int64(1), s.Stats().PublishesThrottled)
	assert.Empty(t, a.msgs, "and is not delivered")

	clock.advance(time.Second)
	require.NoError(t, publish(a, "rate/a"), "the next second's budget is fresh; the connection stayed up")
	a.receive(t)

	// Outbound: b spends three of its four on its own publishes, so of two messages for it one
	// is delivered and the other discarded.
	clock.advance(time.Second)
	b := provision("rate-b")
	subscribe(b, "rate/b")
	for range 3 {
		require.NoError(t, publish(b, "rate/nobody"))
	}
	require.NoError(t, publish(a, "rate/b"))
	require.NoError(t, publish(a, "rate/b"), "the publisher's own budget is not spent")
	b.receive(t)
	assert.Equal(t, int64(2), s.Stats().PublishesThrottled)
	select {
	case <-b.msgs:
		t.Fatal("a delivery over the subscriber's rate was sent")
	case <-time.After(200 * time.Millisecond):
	}
}
