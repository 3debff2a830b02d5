package localiot

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/eclipse/paho.golang/packets"
	"github.com/eclipse/paho.golang/paho"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/jitpsim/jitpsim/sim/localiot/template"
	"github.com/jitpsim/jitpsim/sim/pki"
)

// classicDevice provisions a device with the classic (allow-all) template on s.
func classicDevice(t *testing.T, s *Server, cn string) *pki.Identity {
	t.Helper()
	ca := newDeviceCA(t, "rules CA "+cn)
	_, err := s.RegisterCA(ca.Cert, template.Classic(), true)
	require.NoError(t, err)
	id := mint(t, ca, pki.Subject{CommonName: cn})
	requireDropped(t, s, id.TLS, cn)
	require.Eventually(t, pollActive(s, id.ID), safetyNet, pollEvery)
	return id
}

func TestClampKeepAlive(t *testing.T) {
	tests := []struct{ in, want uint16 }{
		{0, 1200}, {1, 30}, {29, 30}, {30, 30}, {60, 60}, {1200, 1200}, {1201, 1200}, {65535, 1200},
	}
	for _, tc := range tests {
		assert.Equal(t, tc.want, clampKeepAlive(tc.in), "keepalive %d", tc.in)
	}
}

func TestKeepAliveClamp(t *testing.T) {
	s := startServer(t, Config{})
	id := classicDevice(t, s, "keepalive")
	tests := []struct {
		name      string
		requested uint16
		want      uint16 // Server Keep Alive in CONNACK; 0 when absent
	}{
		{name: "in range is kept", requested: 60},
		{name: "too small is raised", requested: 5, want: 30},
		{name: "zero becomes the maximum", requested: 0, want: 1200},
		{name: "too large is lowered", requested: 3600, want: 1200},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c := dialRawConn(t, s, id.TLS)
			ack := c.connect5("keepalive", tc.requested, nil)
			require.NotNil(t, ack)
			require.Equal(t, byte(0), ack.ReasonCode)
			if tc.want == 0 {
				assert.Nil(t, ack.Properties.ServerKeepAlive)
				return
			}
			require.NotNil(t, ack.Properties.ServerKeepAlive)
			assert.Equal(t, tc.want, *ack.Properties.ServerKeepAlive)
		})
	}

	// MQTT 3.1.1 has no Server Keep Alive: the clamp applies on the server side only.
	c := dialRawConn(t, s, id.TLS)
	c.sendBytes(v311Packet(0x10, append([]byte{0, 4, 'M', 'Q', 'T', 'T', 4, 0x02, 0, 5}, v311String("keepalive-v311")...)))
	got := make([]byte, 4)
	_, err := c.conn.Read(got)
	require.NoError(t, err)
	assert.Equal(t, connAck311, got)
	cl, ok := s.broker.Clients.Get("keepalive-v311")
	require.True(t, ok)
	assert.Equal(t, uint16(30), cl.State.Keepalive)
}

func TestQoS2AndOversizedPayloadsCloseTheConnection(t *testing.T) {
	s := startServer(t, Config{})
	id := classicDevice(t, s, "rules")
	big := strings.Repeat("x", MaxPayloadSize+1)
	tests := []struct {
		name string
		// run sends the offending packet on a fresh connection.
		run func(c *rawConn)
		// disconnect is the MQTT 5 DISCONNECT reason code expected before the close; 0 for a bare close.
		disconnect byte
	}{
		{name: "v5 publish QoS 2", run: func(c *rawConn) {
			c.connect5("rules", 60, nil)
			c.send(&packets.Publish{Topic: "t", QoS: 2, PacketID: 1, Payload: []byte("x"), Properties: &packets.Properties{}})
		}, disconnect: 0x9B},
		{name: "v5 subscribe QoS 2", run: func(c *rawConn) {
			c.connect5("rules", 60, nil)
			c.send(&packets.Subscribe{PacketID: 1, Subscriptions: []packets.SubOptions{{Topic: "t", QoS: 2}}, Properties: &packets.Properties{}})
		}, disconnect: 0x9B},
		{name: "v5 payload over 128 KB", run: func(c *rawConn) {
			c.connect5("rules", 60, nil)
			c.sendOversized(&packets.Publish{Topic: "t", QoS: 1, PacketID: 1, Payload: []byte(big), Properties: &packets.Properties{}})
		}, disconnect: 0x95},
		{name: "v5 packet over the hard limit", run: func(c *rawConn) {
			c.connect5("rules", 60, nil)
			c.sendOversized(&packets.Publish{Topic: "t", QoS: 0, Payload: bytes.Repeat([]byte("y"), maxPacketSize+1), Properties: &packets.Properties{}})
		}},
		{name: "v311 publish QoS 2", run: func(c *rawConn) {
			c.connect311("rules")
			c.sendBytes(v311Publish("t", 2, "x"))
		}},
		{name: "v311 subscribe QoS 2", run: func(c *rawConn) {
			c.connect311("rules")
			c.sendBytes(v311Subscribe("t", 2))
		}},
		{name: "v311 payload over 128 KB", run: func(c *rawConn) {
			c.connect311("rules")
			_, _ = c.conn.Write(v311Publish("t", 0, big)) // the server may close before the write ends
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			before := s.Stats().ClientErrorDisconnects
			c := dialRawConn(t, s, id.TLS)
			tc.run(c)
			if tc.disconnect != 0 {
				p := c.next()
				require.NotNil(t, p, "expected DISCONNECT")
				d, ok := p.Content.(*packets.Disconnect)
				require.True(t, ok, "got %T, not DISCONNECT: no PUBACK, PUBREC or SUBACK", p.Content)
				assert.Equal(t, tc.disconnect, d.ReasonCode)
			}
			assert.Empty(t, c.rest(), "nothing else before the close")
			if tc.name != "v5 packet over the hard limit" {
				assert.Equal(t, before+1, s.Stats().ClientErrorDisconnects)
			}
		})
	}
}

func TestConnectRules(t *testing.T) {
	s := startServer(t, Config{})
	id := classicDevice(t, s, "connect-rules")

	// A will with QoS 2 closes the connection without CONNACK.
	c := dialRawConn(t, s, id.TLS)
	assert.Nil(t, c.connect5("connect-rules", 60, &packets.Connect{WillQOS: 2, WillTopic: "w", WillMessage: []byte("x")}))
	assert.Equal(t, int64(1), s.Stats().ClientErrorDisconnects)

	// A payload of exactly 128 KB is accepted.
	dev := mustConnect(t, s, id.TLS, "connect-rules")
	ctx, cancel := context.WithTimeout(context.Background(), safetyNet)
	defer cancel()
	pr, err := dev.cli.Publish(ctx, &paho.Publish{Topic: "t", QoS: 1, Payload: bytes.Repeat([]byte("z"), MaxPayloadSize)})
	require.NoError(t, err)
	assert.Equal(t, byte(0), pr.ReasonCode)
}

func TestDuplicateClientIDTakesOver(t *testing.T) {
	s := startServer(t, Config{})
	id := classicDevice(t, s, "dup")

	t.Run("mqtt 5", func(t *testing.T) {
		conn, err := dialTLS(s, id.TLS)
		require.NoError(t, err)
		disconnected := make(chan byte, 1)
		old := paho.NewClient(paho.ClientConfig{
			Conn:               packets.NewThreadSafeConn(conn),
			OnServerDisconnect: func(d *paho.Disconnect) { disconnected <- d.ReasonCode },
		})
		ctx, cancel := context.WithTimeout(context.Background(), safetyNet)
		defer cancel()
		ack, err := old.Connect(ctx, &paho.Connect{ClientID: "dup", KeepAlive: 30, CleanStart: true})
		require.NoError(t, err)
		require.Equal(t, byte(0), ack.ReasonCode)

		before := s.Stats().ClientIDTakeovers
		newer := mustConnect(t, s, id.TLS, "dup")
		assert.Equal(t, byte(0x8E), <-disconnected, "DISCONNECT: session taken over")
		<-old.Done()
		assert.Equal(t, before+1, s.Stats().ClientIDTakeovers)

		// The newer connection works.
		_, err = newer.cli.Subscribe(ctx, &paho.Subscribe{Subscriptions: []paho.SubscribeOptions{{Topic: "dup/t", QoS: 1}}})
		require.NoError(t, err)
		_, err = newer.cli.Publish(ctx, &paho.Publish{Topic: "dup/t", QoS: 1, Payload: []byte("hi")})
		require.NoError(t, err)
		assert.Equal(t, "dup/t", newer.receive(t).Topic)
	})

	t.Run("mqtt 3.1.1", func(t *testing.T) {
		old := dialRawConn(t, s, id.TLS)
		old.connect311("dup-311")
		newer := dialRawConn(t, s, id.TLS)
		newer.connect311("dup-311")
		assert.Empty(t, old.rest(), "the older connection is closed, without a DISCONNECT (none exists in 3.1.1)")
		newer.sendBytes([]byte{0xC0, 0x00}) // PINGREQ
		resp := make([]byte, 2)
		_, err := newer.conn.Read(resp)
		require.NoError(t, err)
		assert.Equal(t, []byte{0xD0, 0x00}, resp, "PINGRESP")
	})
}

func TestConnectRatePerClientID(t *testing.T) {
	t.Run("off in the embedded default", func(t *testing.T) {
		s := startServer(t, Config{})
		id := classicDevice(t, s, "rate")
		for range 3 {
			d := mustConnect(t, s, id.TLS, "rate")
			require.NoError(t, d.cli.Disconnect(&paho.Disconnect{}))
		}
		assert.Zero(t, s.Stats().ConnectsThrottled)
	})
	t.Run("on with the AWS-like limits", func(t *testing.T) {
		// One CONNECT per client ID every 1000 s: the second attempt is throttled whatever the machine's speed.
		s := startServer(t, Config{AWSLimits: true, Limits: &Limits{ConnectsPerClientIDPerSecond: 0.001}})
		id := classicDevice(t, s, "rate")
		d := mustConnect(t, s, id.TLS, "rate-a")
		require.NoError(t, d.cli.Disconnect(&paho.Disconnect{}))
		before := s.Stats()
		requireDropped(t, s, id.TLS, "rate-a")
		st := s.Stats()
		assert.Equal(t, before.ConnectsThrottled+1, st.ConnectsThrottled)
		assert.Equal(t, before.Registrations, st.Registrations)
		mustConnect(t, s, id.TLS, "rate-b") // another client ID has its own budget
	})
}
