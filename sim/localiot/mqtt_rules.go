package localiot

import (
	"errors"
	"fmt"

	mqtt "github.com/mochi-mqtt/server/v2"
	"github.com/mochi-mqtt/server/v2/packets"
)

// AWS IoT Core's MQTT limits that the stand-in enforces.
const (
	// MaxPayloadSize is AWS's message size limit, 128 KB: a larger PUBLISH payload (or CONNECT)
	// closes the connection (lifecycle reason CLIENT_ERROR).
	MaxPayloadSize = 128 * 1024
	// KeepAliveMin is the smallest keepalive AWS accepts, in seconds; smaller values are raised to it.
	KeepAliveMin = 30
	// KeepAliveMax is the largest keepalive AWS accepts, in seconds; 0 and larger values become it.
	KeepAliveMax = 1200
	// maxPacketSize bounds every packet mochi reads, so an oversized one is refused before it is
	// buffered: the payload limit plus room for topic, properties and headers.
	maxPacketSize = MaxPayloadSize + 64*1024
)

// errDuplicateClientID is the stop cause of a connection taken over by a newer one with its client ID.
var errDuplicateClientID = errors.New("localiot: another connection used the same client ID (DUPLICATE_CLIENTID)")

// clampKeepAlive applies AWS's keepalive range: 0 or more than 1200 s becomes 1200 s, less
// than 30 s becomes 30 s. The connection is closed after 1.5 times the result without a packet.
func clampKeepAlive(seconds uint16) uint16 {
	switch {
	case seconds == 0 || seconds > KeepAliveMax:
		return KeepAliveMax
	case seconds < KeepAliveMin:
		return KeepAliveMin
	}
	return seconds
}

// applyKeepAlive clamps an accepted client's keepalive; an MQTT 5 client whose value changed is
// told the one in force through the Server Keep Alive property of CONNACK.
func applyKeepAlive(cl *mqtt.Client) {
	ka := clampKeepAlive(cl.State.Keepalive)
	if ka == cl.State.Keepalive {
		return
	}
	cl.State.Keepalive = ka
	cl.State.ServerKeepalive = cl.Properties.ProtocolVersion >= 5
}

// ruleViolation is an inbound packet AWS IoT refuses by closing the connection.
type ruleViolation struct {
	code   packets.Code
	reason string
}

// checkPacket applies AWS IoT's rules to an inbound packet: no QoS 2 (PUBLISH, SUBSCRIBE or
// the will of CONNECT) and no payload over 128 KB. It returns nil for an acceptable packet.
func checkPacket(pk packets.Packet) *ruleViolation {
	switch pk.FixedHeader.Type {
	case packets.Connect:
		if pk.Connect.WillFlag && pk.Connect.WillQos > 1 {
			return &ruleViolation{packets.ErrQosNotSupported, "CONNECT with a QoS 2 will"}
		}
		if pk.FixedHeader.Remaining > MaxPayloadSize {
			return &ruleViolation{packets.ErrPacketTooLarge, fmt.Sprintf("CONNECT of %d bytes exceeds 128 KB", pk.FixedHeader.Remaining)}
		}
	case packets.Publish:
		if pk.FixedHeader.Qos > 1 {
			return &ruleViolation{packets.ErrQosNotSupported, "PUBLISH with QoS 2"}
		}
		if len(pk.Payload) > MaxPayloadSize {
			return &ruleViolation{packets.ErrPacketTooLarge, fmt.Sprintf("PUBLISH payload of %d bytes exceeds 128 KB", len(pk.Payload))}
		}
	case packets.Subscribe:
		for _, f := range pk.Filters {
			if f.Qos > 1 {
				return &ruleViolation{packets.ErrQosNotSupported, "SUBSCRIBE to " + f.Filter + " with QoS 2"}
			}
		}
	}
	return nil
}

// closeForViolation counts and logs a rule violation and closes the connection without
// acknowledging the packet; an MQTT 5 client that is past CONNECT first receives DISCONNECT
// with the violation's reason code. The returned error makes mochi drop the packet.
func (s *Server) closeForViolation(cl *mqtt.Client, pk packets.Packet, v *ruleViolation) error {
	s.stats.clientErrors.Add(1)
	s.log.Debug("connection closed (CLIENT_ERROR)", "client", cl.ID, "remote", cl.Net.Remote, "reason", v.reason)
	if pk.FixedHeader.Type != packets.Connect && cl.Properties.ProtocolVersion >= 5 {
		_ = s.broker.DisconnectClient(cl, v.code)
	}
	cl.Stop(v.code)
	return packets.ErrRejectPacket
}

// takeOver applies AWS's duplicate client ID rule before mochi establishes cl's session: the
// older connection with the same client ID is closed. An MQTT 5 client gets mochi's DISCONNECT
// 0x8E (session taken over); an MQTT 3.1.1 client, which has no server DISCONNECT, is simply closed.
func (s *Server) takeOver(cl *mqtt.Client) {
	old, ok := s.broker.Clients.Get(cl.ID)
	if !ok || old == cl || old.Net.Inline || old.Closed() {
		return
	}
	s.stats.takeovers.Add(1)
	s.log.Debug("client ID taken over (DUPLICATE_CLIENTID)", "client", cl.ID, "old_remote", old.Net.Remote, "new_remote", cl.Net.Remote)
	if old.Properties.ProtocolVersion < 5 {
		old.Stop(errDuplicateClientID)
	}
}
