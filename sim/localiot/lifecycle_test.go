package localiot

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/eclipse/paho.golang/packets"
	"github.com/eclipse/paho.golang/paho"
	mqtt "github.com/mochi-mqtt/server/v2"
	mpackets "github.com/mochi-mqtt/server/v2/packets"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/jitpsim/jitpsim/sim/localiot/policy"
	"github.com/jitpsim/jitpsim/sim/pki"
)

// Policies of the lifecycle tests.
const (
	// presenceWatcherPolicy lets a client subscribe to and receive the presence events, as an
	// AWS IoT policy must: the events go through the broker like any message.
	presenceWatcherPolicy = `{"Version":"2012-10-17","Statement":[
		{"Effect":"Allow","Action":"iot:Connect","Resource":"*"},
		{"Effect":"Allow","Action":"iot:Subscribe","Resource":"arn:aws:iot:us-east-1:123456789012:topicfilter/$aws/events/presence/*"},
		{"Effect":"Allow","Action":"iot:Receive","Resource":"arn:aws:iot:us-east-1:123456789012:topic/$aws/events/presence/*"}]}`
	// connectOnlyPolicy allows connecting with any client ID and nothing else.
	connectOnlyPolicy = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iot:Connect","Resource":"*"}]}`
)

// uuidPattern matches a session identifier.
var uuidPattern = regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$`)

// presenceWatcher is a provisioned client subscribed to $aws/events/presence/#.
type presenceWatcher struct {
	dev *device
}

// watchPresence provisions a client allowed to receive the presence events and subscribes it.
func watchPresence(t *testing.T, s *Server) *presenceWatcher {
	t.Helper()
	id := provisionWith(t, s, presenceWatcherPolicy, pki.Subject{CommonName: "presence-watcher"})
	dev := mustConnect(t, s, id.TLS, "presence-watcher")
	ctx, cancel := context.WithTimeout(context.Background(), safetyNet)
	defer cancel()
	suback, err := dev.cli.Subscribe(ctx, &paho.Subscribe{Subscriptions: []paho.SubscribeOptions{{Topic: "$aws/events/presence/#", QoS: 1}}})
	require.NoError(t, err)
	require.Equal(t, []byte{0x01}, suback.Reasons)
	return &presenceWatcher{dev: dev}
}

// receivedEvent is a presence event as the watcher received it.
type receivedEvent struct {
	topic string
	ev    LifecycleEvent
	keys  map[string]json.RawMessage // the payload's fields, to check which are present
}

// next waits for the next presence event.
func (w *presenceWatcher) next(t *testing.T) receivedEvent {
	t.Helper()
	m := w.dev.receive(t)
	r := receivedEvent{topic: m.Topic}
	require.NoError(t, json.Unmarshal(m.Payload, &r.ev), "payload %s", m.Payload)
	require.NoError(t, json.Unmarshal(m.Payload, &r.keys))
	return r
}

// requireConnected checks a connected event of clientID authenticated by certificate certID.
func requireConnected(t *testing.T, r receivedEvent, clientID, certID string) {
	t.Helper()
	require.Equal(t, PresenceConnectedTopic(clientID), r.topic)
	assert.Equal(t, clientID, r.ev.ClientID)
	assert.Equal(t, EventConnected, r.ev.EventType)
	assert.Regexp(t, uuidPattern, r.ev.SessionIdentifier)
	assert.Equal(t, certID, r.ev.PrincipalIdentifier)
	assert.Equal(t, "127.0.0.1", r.ev.IPAddress)
	assert.Positive(t, r.ev.Timestamp)
	assert.NotContains(t, r.keys, "disconnectReason")
	assert.NotContains(t, r.keys, "clientInitiatedDisconnect")
	assert.Contains(t, r.keys, "versionNumber")
}

// requireDisconnected checks the disconnected event that ends the connection of connected.
func requireDisconnected(t *testing.T, r receivedEvent, connected receivedEvent, reason string) {
	t.Helper()
	require.Equal(t, PresenceDisconnectedTopic(connected.ev.ClientID), r.topic)
	assert.Equal(t, connected.ev.ClientID, r.ev.ClientID)
	assert.Equal(t, EventDisconnected, r.ev.EventType)
	assert.Equal(t, connected.ev.SessionIdentifier, r.ev.SessionIdentifier, "one session identifier per connection")
	assert.Equal(t, connected.ev.PrincipalIdentifier, r.ev.PrincipalIdentifier)
	assert.Equal(t, connected.ev.VersionNumber, r.ev.VersionNumber, "one version number per connection")
	assert.Equal(t, reason, r.ev.DisconnectReason)
	require.NotNil(t, r.ev.ClientInitiatedDisconnect)
	assert.Equal(t, reason == ReasonClientInitiated, *r.ev.ClientInitiatedDisconnect)
	assert.NotContains(t, r.keys, "ipAddress")
	assert.Positive(t, r.ev.Timestamp)
}

// requireSuccess requires CONNACK success.
func requireSuccess(t *testing.T, ack *packets.Connack) {
	t.Helper()
	require.NotNil(t, ack, "expected CONNACK")
	require.Equal(t, byte(0), ack.ReasonCode)
}

// waitGone waits until mochi has finished with the connection of clientID, after OnDisconnect.
func waitGone(t *testing.T, s *Server, clientID string) {
	t.Helper()
	require.Eventually(t, func() bool {
		_, ok := s.broker.Clients.Get(clientID)
		return !ok
	}, safetyNet, pollEvery)
}

func TestLifecycleEvents(t *testing.T) {
	s := startServer(t, Config{})
	w := watchPresence(t, s)

	// The first connect of a JITP device is closed without CONNACK: no event. An event would
	// have been queued for the watcher before the socket closed, so before any later one.
	id := provisionWith(t, s, connectOnlyPolicy, pki.Subject{CommonName: "observed"})

	// Two connections one after the other, each closed with DISCONNECT.
	var versions []int64
	sessions := map[string]bool{}
	for range 2 {
		c := dialRawConn(t, s, id.TLS)
		requireSuccess(t, c.connect5("observed", 60, nil))
		connected := w.next(t) // the first event after the JITP drop is this connection's
		requireConnected(t, connected, "observed", id.ID)
		c.send(&packets.Disconnect{ReasonCode: 0, Properties: &packets.Properties{}})
		requireDisconnected(t, w.next(t), connected, ReasonClientInitiated)
		versions = append(versions, connected.ev.VersionNumber)
		sessions[connected.ev.SessionIdentifier] = true
	}
	assert.Equal(t, int64(0), versions[0], "a client ID's first connection")
	assert.Greater(t, versions[1], versions[0], "a later connection has a higher version number")
	assert.Len(t, sessions, 2, "a session identifier per connection")
}

func TestLifecycleDisconnectReasons(t *testing.T) {
	s := startServer(t, Config{})
	w := watchPresence(t, s)

	tests := []struct {
		name   string
		v311   bool
		end    func(t *testing.T, c *rawConn, id *pki.Identity)
		reason string
	}{
		{name: "DISCONNECT", reason: ReasonClientInitiated, end: func(_ *testing.T, c *rawConn, _ *pki.Identity) {
			c.send(&packets.Disconnect{ReasonCode: 0, Properties: &packets.Properties{}})
		}},
		{name: "DISCONNECT with will message", reason: ReasonClientInitiated, end: func(_ *testing.T, c *rawConn, _ *pki.Identity) {
			c.send(&packets.Disconnect{ReasonCode: packets.DisconnectDisconnectWithWillMessage, Properties: &packets.Properties{}})
		}},
		{name: "MQTT 3.1.1 DISCONNECT", v311: true, reason: ReasonClientInitiated, end: func(_ *testing.T, c *rawConn, _ *pki.Identity) {
			c.sendBytes([]byte{0xE0, 0x00})
		}},
		{name: "socket closed without DISCONNECT", reason: ReasonConnectionLost, end: func(_ *testing.T, c *rawConn, _ *pki.Identity) {
			_ = c.conn.Close()
		}},
		{name: "PUBLISH with QoS 2", reason: ReasonClientError, end: func(_ *testing.T, c *rawConn, _ *pki.Identity) {
			c.send(&packets.Publish{Topic: "t", QoS: 2, PacketID: 1, Payload: []byte("x"), Properties: &packets.Properties{}})
		}},
		{name: "MQTT 3.1.1 PUBLISH the policy denies", v311: true, reason: ReasonAuthError, end: func(_ *testing.T, c *rawConn, _ *pki.Identity) {
			c.sendBytes(v311Publish("t", 1, "x"))
		}},
		{name: "certificate made INACTIVE", reason: ReasonAuthError, end: func(t *testing.T, _ *rawConn, id *pki.Identity) {
			require.NoError(t, s.UpdateCertificate(id.ID, StatusInactive))
		}},
	}
	for i, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			clientID := fmt.Sprintf("reason-%d", i)
			id := provisionWith(t, s, connectOnlyPolicy, pki.Subject{CommonName: clientID})
			c := dialRawConn(t, s, id.TLS)
			if tc.v311 {
				c.connect311(clientID)
			} else {
				requireSuccess(t, c.connect5(clientID, 60, nil))
			}
			connected := w.next(t)
			requireConnected(t, connected, clientID, id.ID)
			tc.end(t, c, id)
			requireDisconnected(t, w.next(t), connected, tc.reason)
		})
	}
}

func TestLifecycleDuplicateClientID(t *testing.T) {
	s := startServer(t, Config{})
	w := watchPresence(t, s)
	id := provisionWith(t, s, connectOnlyPolicy, pki.Subject{CommonName: "twin"})

	tests := []struct {
		name    string
		connect func(t *testing.T, c *rawConn, clientID string)
	}{
		{name: "mqtt 5", connect: func(t *testing.T, c *rawConn, clientID string) { requireSuccess(t, c.connect5(clientID, 60, nil)) }},
		{name: "mqtt 3.1.1", connect: func(_ *testing.T, c *rawConn, clientID string) { c.connect311(clientID) }},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			clientID := "twin-" + strings.ReplaceAll(tc.name, " ", "")
			older := dialRawConn(t, s, id.TLS)
			tc.connect(t, older, clientID)
			first := w.next(t)
			requireConnected(t, first, clientID, id.ID)

			newer := dialRawConn(t, s, id.TLS)
			tc.connect(t, newer, clientID)
			// The older connection's disconnected event and the newer one's connected event
			// come from two goroutines, in either order; the version numbers order them.
			byType := map[string]receivedEvent{}
			for range 2 {
				r := w.next(t)
				byType[r.ev.EventType] = r
			}
			require.Len(t, byType, 2)
			requireDisconnected(t, byType[EventDisconnected], first, ReasonDuplicateClientID)
			second := byType[EventConnected]
			requireConnected(t, second, clientID, id.ID)
			assert.Greater(t, second.ev.VersionNumber, first.ev.VersionNumber)
			assert.NotEqual(t, first.ev.SessionIdentifier, second.ev.SessionIdentifier)

			_ = newer.conn.Close()
			requireDisconnected(t, w.next(t), second, ReasonConnectionLost)
		})
	}
}

func TestLifecycleClientIDsWithoutEvents(t *testing.T) {
	s := startServer(t, Config{})
	w := watchPresence(t, s)
	id := provisionWith(t, s, connectOnlyPolicy, pki.Subject{CommonName: "wildcard"})

	tests := []struct{ name, clientID string }{
		{name: "plus", clientID: "dev+1"},
		{name: "hash", clientID: "dev#1"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c := dialRawConn(t, s, id.TLS)
			requireSuccess(t, c.connect5(tc.clientID, 60, nil))
			c.send(&packets.Disconnect{ReasonCode: 0, Properties: &packets.Properties{}})
			waitGone(t, s, tc.clientID) // both of its hooks have run

			// The watcher's next event is a later client's: none was queued for the wildcard ID.
			marker := "marker-" + tc.name
			m := dialRawConn(t, s, id.TLS)
			requireSuccess(t, m.connect5(marker, 60, nil))
			connected := w.next(t)
			requireConnected(t, connected, marker, id.ID)
			m.send(&packets.Disconnect{ReasonCode: 0, Properties: &packets.Properties{}})
			requireDisconnected(t, w.next(t), connected, ReasonClientInitiated)
		})
	}
}

// timeoutError returns the error a read past its deadline fails with, as mochi's read loop
// sees when a client stays silent for 1.5 times its keepalive.
func timeoutError(t *testing.T) error {
	t.Helper()
	a, b := net.Pipe()
	defer func() { _ = a.Close(); _ = b.Close() }()
	require.NoError(t, a.SetReadDeadline(time.Now().Add(-time.Second)))
	_, err := a.Read(make([]byte, 1))
	require.Error(t, err)
	return err
}

func TestDisconnectReason(t *testing.T) {
	tests := []struct {
		name            string
		stopCause, read error
		want            string
	}{
		{name: "DISCONNECT", stopCause: mpackets.CodeDisconnect, want: ReasonClientInitiated},
		{name: "DISCONNECT with will", stopCause: mpackets.CodeDisconnectWillMessage, read: mpackets.CodeDisconnectWillMessage, want: ReasonClientInitiated},
		{name: "end of stream", stopCause: io.EOF, read: io.EOF, want: ReasonConnectionLost},
		{name: "closed socket", read: net.ErrClosed, want: ReasonConnectionLost},
		{name: "no cause", want: ReasonConnectionLost},
		{name: "keepalive expired", stopCause: timeoutError(t), want: ReasonKeepAliveTimeout},
		{name: "keepalive code", stopCause: mpackets.ErrKeepAliveTimeout, want: ReasonKeepAliveTimeout},
		{name: "takeover, MQTT 3.1.1", stopCause: errDuplicateClientID, read: net.ErrClosed, want: ReasonDuplicateClientID},
		{name: "takeover, MQTT 5", stopCause: mpackets.ErrSessionTakenOver, want: ReasonDuplicateClientID},
		{name: "QoS 2", stopCause: mpackets.ErrQosNotSupported, want: ReasonClientError},
		{name: "packet too large", stopCause: mpackets.ErrPacketTooLarge, read: mpackets.ErrPacketTooLarge, want: ReasonClientError},
		{name: "malformed, wrapped", stopCause: fmt.Errorf("decode: %w", mpackets.ErrMalformedPacket), want: ReasonClientError},
		{name: "second CONNECT", stopCause: mpackets.ErrProtocolViolationSecondConnect, want: ReasonClientError},
		{name: "policy denial, MQTT 3.1.1", stopCause: mpackets.ErrNotAuthorized, want: ReasonAuthError},
		{name: "certificate no longer ACTIVE", stopCause: errCertificateNotActive, read: net.ErrClosed, want: ReasonAuthError},
		{name: "server shutting down", stopCause: mpackets.ErrServerShuttingDown, want: ReasonServerInitiated},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			assert.Equal(t, tc.want, disconnectReason(tc.stopCause, tc.read))
		})
	}
}

func TestLifecycleVersionNumbers(t *testing.T) {
	var l lifecycle
	t0 := time.Unix(1_700_000_000, 0)
	a, b, c, d := &mqtt.Client{ID: "dev"}, &mqtt.Client{ID: "dev"}, &mqtt.Client{ID: "dev"}, &mqtt.Client{ID: "dev"}
	begin := func(cl *mqtt.Client, at time.Duration) int64 { return l.begin(cl, connPresence{}, t0.Add(at)).version }
	end := func(cl *mqtt.Client, at time.Duration) {
		_, ok := l.end(cl, t0.Add(at))
		require.True(t, ok)
	}

	assert.Equal(t, int64(0), begin(a, 0), "first connection")
	end(a, time.Minute)
	assert.Equal(t, int64(1), begin(b, 2*time.Minute), "reconnect within the hour")
	assert.Equal(t, int64(2), begin(c, 3*time.Minute), "takeover while b is open")
	end(b, 3*time.Minute)
	end(c, 4*time.Hour)
	assert.Equal(t, int64(3), begin(d, 4*time.Hour+59*time.Minute), "a client connected until 4 h")
	end(d, 5*time.Hour)
	assert.Equal(t, int64(0), begin(a, 6*time.Hour), "an hour without connection restarts at 0")
	end(a, 6*time.Hour)

	_, ok := l.end(a, t0)
	assert.False(t, ok, "a connection ends once")
	_, ok = l.end(&mqtt.Client{ID: "dev+1"}, t0)
	assert.False(t, ok, "no event without a connected event")

	// Client IDs idle for an hour are swept once the map has doubled.
	l.sweepAt = 0
	begin(&mqtt.Client{ID: "other"}, 8*time.Hour)
	assert.Len(t, l.clients, 1, "dev was forgotten")
	assert.Len(t, l.conns, 1)
}

func TestLifecycleEventJSON(t *testing.T) {
	yes, no := true, false
	tests := []struct {
		name string
		ev   LifecycleEvent
	}{
		{name: "connected", ev: LifecycleEvent{ClientID: "186b5", Timestamp: 1573002230757, EventType: EventConnected,
			SessionIdentifier: "a4666d2a-7d84-4ae4-ac5d-7b38c9cb7967", PrincipalIdentifier: strings.Repeat("ab", 32), IPAddress: "192.0.2.0"}},
		{name: "disconnected", ev: LifecycleEvent{ClientID: "186b5", Timestamp: 1573002340451, EventType: EventDisconnected,
			SessionIdentifier: "s", PrincipalIdentifier: "p", ClientInitiatedDisconnect: &yes, DisconnectReason: ReasonClientInitiated, VersionNumber: 7}},
		{name: "not client initiated", ev: LifecycleEvent{ClientID: "x", EventType: EventDisconnected, ClientInitiatedDisconnect: &no, DisconnectReason: ReasonConnectionLost}},
		{name: "quote and backslash", ev: LifecycleEvent{ClientID: `a"b\c`}},
		{name: "HTML characters", ev: LifecycleEvent{ClientID: "<a&b>"}},
		{name: "control character", ev: LifecycleEvent{ClientID: "a\x01\nb"}},
		{name: "non-ASCII", ev: LifecycleEvent{ClientID: "gerät-ü-\u2028"}},
		{name: "invalid UTF-8", ev: LifecycleEvent{ClientID: "a\xffb"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			want, err := json.Marshal(tc.ev)
			require.NoError(t, err)
			assert.Equal(t, string(want), string(tc.ev.appendJSON(nil)), "the same bytes as encoding/json")
		})
	}
}

// inProcessConnection returns a mochi client with an accepted session but no socket, for
// driving the lifecycle bookkeeping directly, and the hook that drives it.
func inProcessConnection(s *Server, clientID string) (*hook, *mqtt.Client) {
	cl := s.broker.NewClient(nil, "in-process", clientID, false)
	s.sessions.put(cl, &session{principal: Principal{
		CertificateID: strings.Repeat("ab", 32),
		ClientID:      cl.ID,
		Vars:          policy.Variables{policy.VarSourceIP: "127.0.0.1"},
	}})
	return &hook{s: s}, cl
}

// pipeWatcher subscribes an MQTT 5 client to $aws/events/presence/# whose socket is one end of
// a synchronous pipe; the peer end is drained when drain is set and never read otherwise. mochi
// writes to it from the client's own write goroutine, as for a TLS client. It returns the
// function that removes the watcher.
func pipeWatcher(s *Server, drain bool) (remove func()) {
	server, client := net.Pipe()
	if drain {
		go func() { _, _ = io.Copy(io.Discard, client) }()
	}
	sub := s.broker.NewClient(server, "in-process", "pipe-watcher", false)
	sub.Properties.ProtocolVersion = 5
	go sub.WriteLoop()
	s.broker.Clients.Add(sub)
	s.broker.Topics.Subscribe(sub.ID, mpackets.Subscription{Filter: "$aws/events/presence/#", Qos: 1})
	return func() {
		s.broker.Topics.Unsubscribe("$aws/events/presence/#", sub.ID)
		s.broker.Clients.Delete(sub.ID)
		sub.Stop(nil)
		_ = client.Close()
	}
}

func TestLifecycleStalledWatcher(t *testing.T) {
	// A watcher that never reads: its write goroutine blocks on the first event, its queue
	// (64) fills, and every later delivery is dropped, so the connections' goroutines, which
	// publish the events, never wait for it.
	s, err := New(Config{Authorizer: AllowAll{}})
	require.NoError(t, err)
	t.Cleanup(func() { require.NoError(t, s.Close()) })
	remove := pipeWatcher(s, false)
	defer remove()
	h, cl := inProcessConnection(s, "busy-device")

	const connections = 200 // 400 events, far more than the watcher's queue
	done := make(chan struct{})
	go func() {
		defer close(done)
		for range connections {
			h.life.connected(s, cl)
			h.life.disconnected(s, cl, io.EOF)
		}
	}()
	select {
	case <-done:
	case <-time.After(safetyNet):
		t.Fatal("publishing lifecycle events blocked on a watcher that does not read")
	}
	assert.Greater(t, s.broker.Info.MessagesDropped, int64(connections), "most deliveries were dropped, not waited for")
}

// BenchmarkLifecycleEvent measures what lifecycle events add to one accepted connection: its
// connected and its disconnected event (bookkeeping, session UUID, JSON, broker publish), as
// the connection's goroutine pays it. "watched" adds one subscriber whose write goroutine
// drains its queue over a pipe; "encode" compares the JSON encoders alone.
func BenchmarkLifecycleEvent(b *testing.B) {
	s, err := New(Config{Authorizer: AllowAll{}})
	require.NoError(b, err)
	b.Cleanup(func() { _ = s.Close() })
	h, cl := inProcessConnection(s, "bench-device")
	connectDisconnect := func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			h.life.connected(s, cl)            // as OnSessionEstablished
			h.life.disconnected(s, cl, io.EOF) // as OnDisconnect, which then forgets the session
		}
	}

	b.Run("unwatched", connectDisconnect)
	b.Run("watched", func(b *testing.B) {
		defer pipeWatcher(s, true)()
		connectDisconnect(b)
	})

	initiated := false
	ev := LifecycleEvent{ClientID: cl.ID, Timestamp: time.Now().UnixMilli(), EventType: EventDisconnected,
		SessionIdentifier: newUUID(), PrincipalIdentifier: strings.Repeat("ab", 32),
		ClientInitiatedDisconnect: &initiated, DisconnectReason: ReasonConnectionLost, VersionNumber: 3}
	b.Run("encode/hand", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			_ = ev.appendJSON(make([]byte, 0, lifecycleJSONSize+len(ev.ClientID)))
		}
	})
	b.Run("encode/encoding-json", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := json.Marshal(&ev); err != nil {
				b.Fatal(err)
			}
		}
	})
}
