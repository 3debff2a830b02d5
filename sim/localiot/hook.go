package localiot

import (
	"crypto/tls"
	"crypto/x509"

	mqtt "github.com/mochi-mqtt/server/v2"
	"github.com/mochi-mqtt/server/v2/packets"
)

// hook connects mochi's connection lifecycle to the stand-in: OnConnect applies AWS IoT's
// certificate, JITP and iot:Connect rules; OnPacketRead AWS's MQTT rules; OnSessionEstablish
// the duplicate client ID rule; OnSubscribe and OnACLCheck the iot:Subscribe, iot:Publish and
// iot:Receive policies; OnPublish and OnACLCheck the publish rate per connection;
// OnSessionEstablished and OnDisconnect publish the lifecycle events (lifecycle.go).
type hook struct {
	mqtt.HookBase
	s    *Server
	life lifecycle
}

// ID names the hook in mochi's logs.
func (h *hook) ID() string { return "jitpsim-localiot" }

// Provides tells mochi which events the hook handles.
func (h *hook) Provides(b byte) bool {
	switch b {
	case mqtt.OnConnect, mqtt.OnConnectAuthenticate, mqtt.OnSessionEstablish, mqtt.OnSessionEstablished,
		mqtt.OnDisconnect, mqtt.OnPacketRead, mqtt.OnSubscribe, mqtt.OnSubscribed, mqtt.OnACLCheck, mqtt.OnPublish:
		return true
	}
	return false
}

// OnConnect admits or refuses a client; a non-nil error makes mochi close the socket without CONNACK.
func (h *hook) OnConnect(cl *mqtt.Client, _ packets.Packet) error {
	return h.s.admit(cl)
}

// OnConnectAuthenticate accepts exactly the clients that passed OnConnect.
func (h *hook) OnConnectAuthenticate(cl *mqtt.Client, _ packets.Packet) bool {
	_, ok := h.s.sessions.get(cl)
	return ok
}

// OnSessionEstablish closes an older connection with the same client ID, as AWS does.
func (h *hook) OnSessionEstablish(cl *mqtt.Client, _ packets.Packet) {
	h.s.takeOver(cl)
}

// OnSessionEstablished publishes the connected event of a connection mochi accepted with CONNACK.
func (h *hook) OnSessionEstablished(cl *mqtt.Client, _ packets.Packet) {
	h.life.connected(h.s, cl)
}

// OnDisconnect publishes the disconnected event of an accepted connection and forgets its session.
func (h *hook) OnDisconnect(cl *mqtt.Client, err error, _ bool) {
	h.life.disconnected(h.s, cl, err)
	h.s.sessions.remove(cl)
}

// OnPacketRead closes the connection on a packet AWS IoT refuses (QoS 2, over 128 KB) and
// notes the retain flag of a PUBLISH for the iot:RetainPublish check.
func (h *hook) OnPacketRead(cl *mqtt.Client, pk packets.Packet) (packets.Packet, error) {
	if v := checkPacket(pk); v != nil {
		return pk, h.s.closeForViolation(cl, pk, v)
	}
	if pk.FixedHeader.Type == packets.Publish {
		if se, ok := h.s.sessions.get(cl); ok {
			se.retain.Store(pk.FixedHeader.Retain)
		}
	}
	return pk, nil
}

// OnPublish discards an inbound PUBLISH over the connection's publish rate (AWS-like limits):
// mochi then neither acknowledges nor delivers it, and the connection stays up, as on AWS.
func (h *hook) OnPublish(cl *mqtt.Client, pk packets.Packet) (packets.Packet, error) {
	if se, ok := h.s.sessions.get(cl); ok && !h.s.allowPublish(se) {
		return pk, packets.ErrRejectPacket
	}
	return pk, nil
}

// OnSubscribe evaluates iot:Subscribe for every filter of a SUBSCRIBE. MQTT 5 clients get
// reason code 0x87 for each denied filter (through OnACLCheck); an MQTT 3.1.1 client with a
// denied filter is disconnected without SUBACK, as AWS does.
func (h *hook) OnSubscribe(cl *mqtt.Client, pk packets.Packet) packets.Packet {
	se, ok := h.s.sessions.get(cl)
	if !ok {
		return pk
	}
	allowAll := isAllowAll(h.s.authz)
	decisions := make(map[string]bool, len(pk.Filters))
	denied := false
	for _, f := range pk.Filters {
		if _, seen := decisions[f.Filter]; seen {
			continue
		}
		allowed := allowAll || h.s.authorize(&se.principal, ActionSubscribe, TopicFilterResource(f.Filter))
		decisions[f.Filter] = allowed
		denied = denied || !allowed
	}
	se.setSubscribing(decisions)
	if denied && !se.v5 {
		cl.Stop(packets.ErrNotAuthorized)
	}
	return pk
}

// OnSubscribed ends the SUBSCRIBE that OnSubscribe started.
func (h *hook) OnSubscribed(cl *mqtt.Client, _ packets.Packet, _ []byte) {
	if se, ok := h.s.sessions.get(cl); ok {
		se.setSubscribing(nil)
	}
}

// OnACLCheck authorizes a PUBLISH (write) with iot:Publish, plus iot:RetainPublish when it is
// retained, and a delivery to a subscriber with iot:Receive; during a SUBSCRIBE it returns the
// iot:Subscribe decision OnSubscribe took. mochi answers a denied MQTT 5 PUBLISH QoS 1 with
// PUBACK 0x87, drops a denied QoS 0 one, and skips a denied delivery; an MQTT 3.1.1 client
// that publishes without permission is disconnected, as AWS does. A delivery over the
// subscriber's publish rate (AWS-like limits) is discarded too.
func (h *hook) OnACLCheck(cl *mqtt.Client, topic string, write bool) bool {
	se, ok := h.s.sessions.get(cl)
	if !ok {
		return isAllowAll(h.s.authz)
	}
	if !write {
		// A SUBSCRIBE's filters are checked before the subscription exists, so a delivery of a
		// message whose topic equals one of them can only come through an earlier
		// subscription during that short window; it then shares the subscribe decision.
		if allowed, found := se.subscribeDecision(topic); found {
			return allowed
		}
		allowed := isAllowAll(h.s.authz) || h.s.authorize(&se.principal, ActionReceive, TopicResource(topic))
		return allowed && h.s.allowPublish(se)
	}
	if isAllowAll(h.s.authz) {
		return true
	}
	ok = h.s.authorize(&se.principal, ActionPublish, TopicResource(topic))
	if ok && se.retain.Load() {
		ok = h.s.authorize(&se.principal, ActionRetainPublish, TopicResource(topic))
	}
	if !ok && !se.v5 {
		cl.Stop(packets.ErrNotAuthorized)
	}
	return ok
}

// isAllowAll reports whether a lets everything through without looking at policies.
func isAllowAll(a Authorizer) bool {
	_, ok := a.(AllowAll)
	return ok
}

// peerLeaf returns the client certificate of a TLS connection, or nil.
func peerLeaf(cl *mqtt.Client) *x509.Certificate {
	tc, ok := cl.Net.Conn.(*tls.Conn)
	if !ok {
		return nil
	}
	certs := tc.ConnectionState().PeerCertificates
	if len(certs) == 0 {
		return nil
	}
	return certs[0]
}
