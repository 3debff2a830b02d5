package localiot

import (
	"bytes"
	"crypto/tls"
	"encoding/json"
	"errors"
	"io"
	"net"
	"testing"
	"time"

	"github.com/eclipse/paho.golang/packets"
	"github.com/stretchr/testify/require"

	"github.com/jitpsim/jitpsim/sim/localiot/template"
	"github.com/jitpsim/jitpsim/sim/pki"
)

// provisionWith registers a new CA whose template creates a thing named by the CommonName and
// a policy from doc, provisions a device with subj through a first connect, and returns it.
func provisionWith(t *testing.T, s *Server, doc string, subj pki.Subject) *pki.Identity {
	t.Helper()
	body := map[string]any{
		"Parameters": map[string]any{
			template.ParamCommonName: map[string]string{"Type": "String"},
			template.ParamID:         map[string]string{"Type": "String"},
		},
		"Resources": map[string]any{
			"thing":       map[string]any{"Type": template.TypeThing, "Properties": map[string]any{"ThingName": map[string]string{"Ref": template.ParamCommonName}}},
			"certificate": map[string]any{"Type": template.TypeCertificate, "Properties": map[string]any{"CertificateId": map[string]string{"Ref": template.ParamID}}},
			"policy":      map[string]any{"Type": template.TypePolicy, "Properties": map[string]any{"PolicyDocument": doc}},
		},
	}
	data, err := json.Marshal(body)
	require.NoError(t, err)
	tmpl, err := template.Parse(data)
	require.NoError(t, err)
	ca := newDeviceCA(t, "policy CA "+subj.CommonName)
	_, err = s.RegisterCA(ca.Cert, tmpl, true)
	require.NoError(t, err)
	id := mint(t, ca, subj)
	requireDropped(t, s, id.TLS, subj.CommonName)
	require.Eventually(t, pollActive(s, id.ID), safetyNet, pollEvery)
	return id
}

// rawConn is a TLS connection on which a test writes and reads MQTT packets itself.
type rawConn struct {
	t    *testing.T
	conn *tls.Conn
}

// dialRawConn opens a TLS connection to s presenting cert.
func dialRawConn(t *testing.T, s *Server, cert tls.Certificate) *rawConn {
	t.Helper()
	conn, err := dialTLS(s, cert)
	require.NoError(t, err)
	t.Cleanup(func() { _ = conn.Close() })
	require.NoError(t, conn.SetDeadline(time.Now().Add(safetyNet)))
	return &rawConn{t: t, conn: conn}
}

// send writes an MQTT 5 packet built with paho's packets package.
func (c *rawConn) send(p io.WriterTo) {
	c.t.Helper()
	_, err := p.WriteTo(c.conn)
	require.NoError(c.t, err)
}

// sendOversized writes a packet the server may close the connection in the middle of, so a
// write error is expected and ignored.
func (c *rawConn) sendOversized(p io.WriterTo) {
	_, _ = p.WriteTo(c.conn)
}

// sendBytes writes hand-encoded bytes (MQTT 3.1.1 packets).
func (c *rawConn) sendBytes(b []byte) {
	c.t.Helper()
	_, err := c.conn.Write(b)
	require.NoError(c.t, err)
}

// connect5 sends an MQTT 5 CONNECT and returns the CONNACK, or nil when the socket was closed without one.
func (c *rawConn) connect5(clientID string, keepAlive uint16, will *packets.Connect) *packets.Connack {
	c.t.Helper()
	cp := &packets.Connect{ProtocolName: "MQTT", ProtocolVersion: 5, ClientID: clientID, KeepAlive: keepAlive, CleanStart: true, Properties: &packets.Properties{}}
	if will != nil {
		cp.WillFlag, cp.WillQOS, cp.WillTopic, cp.WillMessage, cp.WillProperties = true, will.WillQOS, will.WillTopic, will.WillMessage, &packets.Properties{}
	}
	c.send(cp)
	p, err := packets.ReadPacket(c.conn)
	if err != nil {
		return nil
	}
	ack, ok := p.Content.(*packets.Connack)
	require.True(c.t, ok, "got %T instead of CONNACK", p.Content)
	return ack
}

// next reads the next MQTT 5 packet; nil when the server closed the connection.
func (c *rawConn) next() *packets.ControlPacket {
	p, err := packets.ReadPacket(c.conn)
	if err != nil {
		return nil
	}
	return p
}

// rest reads everything until the server closes the connection; it fails the test if the
// server keeps the connection open until the safety deadline.
func (c *rawConn) rest() []byte {
	c.t.Helper()
	b, err := io.ReadAll(c.conn)
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() {
		c.t.Fatalf("the server did not close the connection (read %d bytes)", len(b))
	}
	return b
}

// v311Connect builds an MQTT 3.1.1 CONNECT with a clean session and keepalive 60 s.
func v311Connect(clientID string) []byte {
	vh := []byte{0, 4, 'M', 'Q', 'T', 'T', 4, 0x02, 0, 60}
	return v311Packet(0x10, append(vh, v311String(clientID)...))
}

// v311Publish builds an MQTT 3.1.1 PUBLISH; QoS 1 carries packet ID 1.
func v311Publish(topic string, qos byte, payload string) []byte {
	body := v311String(topic)
	if qos > 0 {
		body = append(body, 0, 1)
	}
	return v311Packet(0x30|qos<<1, append(body, payload...))
}

// v311Subscribe builds an MQTT 3.1.1 SUBSCRIBE of one filter with packet ID 1.
func v311Subscribe(filter string, qos byte) []byte {
	body := append([]byte{0, 1}, v311String(filter)...)
	return v311Packet(0x82, append(body, qos))
}

// v311String encodes an MQTT UTF-8 string.
func v311String(s string) []byte { return append([]byte{byte(len(s) >> 8), byte(len(s))}, s...) }

// v311Packet prefixes body with the fixed header and its variable-length remaining length.
func v311Packet(first byte, body []byte) []byte {
	var b bytes.Buffer
	b.WriteByte(first)
	n := len(body)
	for {
		d := byte(n % 128)
		n /= 128
		if n > 0 {
			d |= 0x80
		}
		b.WriteByte(d)
		if n == 0 {
			break
		}
	}
	b.Write(body)
	return b.Bytes()
}

// connAck311 is the CONNACK accepting an MQTT 3.1.1 connection.
var connAck311 = []byte{0x20, 0x02, 0x00, 0x00}

// connect311 connects with MQTT 3.1.1 and requires the CONNACK to accept.
func (c *rawConn) connect311(clientID string) {
	c.t.Helper()
	c.sendBytes(v311Connect(clientID))
	got := make([]byte, 4)
	_, err := io.ReadFull(c.conn, got)
	require.NoError(c.t, err)
	require.Equal(c.t, connAck311, got)
}
