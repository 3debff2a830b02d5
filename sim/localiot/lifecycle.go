package localiot

import (
	"encoding/json"
	"errors"
	"net"
	"strconv"
	"strings"
	"sync"
	"time"

	mqtt "github.com/mochi-mqtt/server/v2"
	"github.com/mochi-mqtt/server/v2/packets"

	"github.com/jitpsim/jitpsim/sim/localiot/policy"
)

// Topics of AWS IoT's lifecycle (presence) events; the client ID completes them.
const (
	// PresenceConnectedTopicPrefix starts $aws/events/presence/connected/<clientId>.
	PresenceConnectedTopicPrefix = "$aws/events/presence/connected/"
	// PresenceDisconnectedTopicPrefix starts $aws/events/presence/disconnected/<clientId>.
	PresenceDisconnectedTopicPrefix = "$aws/events/presence/disconnected/"
)

// Values of LifecycleEvent.EventType.
const (
	EventConnected    = "connected"
	EventDisconnected = "disconnected"
)

// Values of LifecycleEvent.DisconnectReason the stand-in produces: the subset of AWS's table
// it can tell apart. It never disconnects for FORBIDDEN_ACCESS, THROTTLED (throttled publishes
// are discarded, the connection stays up), API_INITIATED_DISCONNECT (no DeleteConnection),
// SERVER_ERROR or the WebSocket and custom authorizer expirations.
const (
	// ReasonClientInitiated: the client sent DISCONNECT (with or without will).
	ReasonClientInitiated = "CLIENT_INITIATED_DISCONNECT"
	// ReasonDuplicateClientID: a newer connection used the same client ID.
	ReasonDuplicateClientID = "DUPLICATE_CLIENTID"
	// ReasonConnectionLost: the socket closed or failed without DISCONNECT.
	ReasonConnectionLost = "CONNECTION_LOST"
	// ReasonKeepAliveTimeout: nothing received for 1.5 times the keepalive.
	ReasonKeepAliveTimeout = "MQTT_KEEP_ALIVE_TIMEOUT"
	// ReasonClientError: a packet AWS's MQTT rules refuse (QoS 2, over 128 KB) or a protocol error.
	ReasonClientError = "CLIENT_ERROR"
	// ReasonAuthError: an MQTT 3.1.1 publish or subscribe the policies deny, or the certificate
	// left ACTIVE while connected.
	ReasonAuthError = "AUTH_ERROR"
	// ReasonServerInitiated: the stand-in is shutting down.
	ReasonServerInitiated = "SERVER_INITIATED_DISCONNECT"
)

// PresenceConnectedTopic returns $aws/events/presence/connected/<clientId>.
func PresenceConnectedTopic(clientID string) string { return PresenceConnectedTopicPrefix + clientID }

// PresenceDisconnectedTopic returns $aws/events/presence/disconnected/<clientId>.
func PresenceDisconnectedTopic(clientID string) string {
	return PresenceDisconnectedTopicPrefix + clientID
}

// LifecycleEvent is the payload of a connected or disconnected event, with AWS's field names
// and order. thingName (exclusive thing connections only) is never set.
type LifecycleEvent struct {
	// ClientID is the MQTT client ID.
	ClientID string `json:"clientId"`
	// Timestamp is when the event happened, in epoch milliseconds.
	Timestamp int64 `json:"timestamp"`
	// EventType is EventConnected or EventDisconnected.
	EventType string `json:"eventType"`
	// SessionIdentifier is a random UUID per accepted connection, the same in its two events.
	SessionIdentifier string `json:"sessionIdentifier"`
	// PrincipalIdentifier is the ID of the client's certificate.
	PrincipalIdentifier string `json:"principalIdentifier"`
	// IPAddress is the client's IP address; connected events only.
	IPAddress string `json:"ipAddress,omitempty"`
	// ClientInitiatedDisconnect is true for ReasonClientInitiated; disconnected events only.
	ClientInitiatedDisconnect *bool `json:"clientInitiatedDisconnect,omitempty"`
	// DisconnectReason is one of the Reason constants; disconnected events only.
	DisconnectReason string `json:"disconnectReason,omitempty"`
	// VersionNumber orders a client ID's connections: the same in both events of a connection,
	// higher for a later connection, 0 again after about an hour without one (as on AWS).
	VersionNumber int64 `json:"versionNumber"`
}

// lifecycleJSONSize bounds the JSON of a lifecycle event apart from its client ID, when the
// client ID needs no escaping: field names, a UUID, a certificate ID, an IPv6 address, numbers.
const lifecycleJSONSize = 384

// appendJSON appends the event as JSON, as encoding/json would write it but without reflection:
// the stand-in publishes two events per accepted connection.
func (e *LifecycleEvent) appendJSON(b []byte) []byte {
	b = append(b, `{"clientId":`...)
	b = appendJSONString(b, e.ClientID)
	b = append(b, `,"timestamp":`...)
	b = strconv.AppendInt(b, e.Timestamp, 10)
	b = append(b, `,"eventType":`...)
	b = appendJSONString(b, e.EventType)
	b = append(b, `,"sessionIdentifier":`...)
	b = appendJSONString(b, e.SessionIdentifier)
	b = append(b, `,"principalIdentifier":`...)
	b = appendJSONString(b, e.PrincipalIdentifier)
	if e.IPAddress != "" {
		b = append(b, `,"ipAddress":`...)
		b = appendJSONString(b, e.IPAddress)
	}
	if e.ClientInitiatedDisconnect != nil {
		b = append(b, `,"clientInitiatedDisconnect":`...)
		b = strconv.AppendBool(b, *e.ClientInitiatedDisconnect)
	}
	if e.DisconnectReason != "" {
		b = append(b, `,"disconnectReason":`...)
		b = appendJSONString(b, e.DisconnectReason)
	}
	b = append(b, `,"versionNumber":`...)
	b = strconv.AppendInt(b, e.VersionNumber, 10)
	return append(b, '}')
}

// appendJSONString appends s as a JSON string. Printable ASCII without quote, backslash or
// HTML characters is copied; anything else (rare in client IDs) goes through encoding/json.
func appendJSONString(b []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c >= 0x7f || c == '"' || c == '\\' || c == '<' || c == '>' || c == '&' {
			q, _ := json.Marshal(s) // a string always marshals
			return append(b, q...)
		}
	}
	b = append(b, '"')
	b = append(b, s...)
	return append(b, '"')
}

// versionResetAfter is how long a client ID must stay disconnected for its version number to
// start again at 0 ("approximately one hour" on AWS).
const versionResetAfter = time.Hour

// lifecycleSweepMin is the client ID count below which forgotten version numbers are not swept.
const lifecycleSweepMin = 1024

// lifecycle publishes the presence events of accepted connections and keeps what they need:
// the version number of each client ID and the session of each connection whose connected
// event was published. The zero value is ready to use.
type lifecycle struct {
	mu      sync.Mutex
	clients map[string]clientPresence     // by client ID
	conns   map[*mqtt.Client]connPresence // from the connected event to the disconnected one
	sweepAt int                           // len(clients) that triggers the next sweep
}

// clientPresence is the version state of one client ID.
type clientPresence struct {
	version int64 // of the latest connection
	open    int   // connections in lifecycle.conns
	left    int64 // when the last one ended, Unix nanoseconds
}

// connPresence is what a connection's disconnected event repeats from its connected event.
type connPresence struct {
	session   string
	principal string
	version   int64
}

// connected publishes the connected event of cl, which mochi has just acknowledged with
// CONNACK success. It runs in cl's goroutine (OnSessionEstablished), before cl's first packet.
func (l *lifecycle) connected(s *Server, cl *mqtt.Client) {
	if !hasLifecycleEvents(cl.ID) {
		return
	}
	se, ok := s.sessions.get(cl)
	if !ok { // Not accepted by admit; cannot happen past OnConnectAuthenticate.
		return
	}
	now := time.Now()
	conn := l.begin(cl, connPresence{session: newUUID(), principal: se.principal.CertificateID}, now)
	ev := LifecycleEvent{
		ClientID:            cl.ID,
		Timestamp:           now.UnixMilli(),
		EventType:           EventConnected,
		SessionIdentifier:   conn.session,
		PrincipalIdentifier: conn.principal,
		IPAddress:           se.principal.Vars[policy.VarSourceIP],
		VersionNumber:       conn.version,
	}
	s.publishLifecycle(PresenceConnectedTopic(cl.ID), &ev)
}

// disconnected publishes the disconnected event of cl if its connected event was published.
// It runs in cl's goroutine (OnDisconnect); readErr is the error that ended cl's read loop.
func (l *lifecycle) disconnected(s *Server, cl *mqtt.Client, readErr error) {
	now := time.Now()
	conn, ok := l.end(cl, now)
	if !ok {
		return
	}
	reason := disconnectReason(cl.StopCause(), readErr)
	initiated := reason == ReasonClientInitiated
	ev := LifecycleEvent{
		ClientID:                  cl.ID,
		Timestamp:                 now.UnixMilli(),
		EventType:                 EventDisconnected,
		SessionIdentifier:         conn.session,
		PrincipalIdentifier:       conn.principal,
		ClientInitiatedDisconnect: &initiated,
		DisconnectReason:          reason,
		VersionNumber:             conn.version,
	}
	s.publishLifecycle(PresenceDisconnectedTopic(cl.ID), &ev)
}

// publishLifecycle publishes ev on topic. The payload is freshly allocated, never reused: the
// broker keeps it in subscribers' write queues.
func (s *Server) publishLifecycle(topic string, ev *LifecycleEvent) {
	s.publishEvent(topic, ev.appendJSON(make([]byte, 0, lifecycleJSONSize+len(ev.ClientID))))
}

// hasLifecycleEvents reports whether AWS publishes lifecycle events for a client ID: not for
// IDs that contain # or +.
func hasLifecycleEvents(clientID string) bool { return !strings.ContainsAny(clientID, "#+") }

// begin records the start of cl's connection and returns conn with its version number: 0 for a
// client ID not seen, or not connected for versionResetAfter; one more than the latest otherwise.
func (l *lifecycle) begin(cl *mqtt.Client, conn connPresence, now time.Time) connPresence {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.clients == nil {
		l.clients = map[string]clientPresence{}
		l.conns = map[*mqtt.Client]connPresence{}
	}
	c, seen := l.clients[cl.ID]
	if seen && (c.open > 0 || now.UnixNano()-c.left < int64(versionResetAfter)) {
		c.version++
	} else {
		c.version = 0
	}
	c.open++
	l.clients[cl.ID] = c
	conn.version = c.version
	l.conns[cl] = conn
	if len(l.clients) >= l.sweepAt {
		l.sweep(now)
	}
	return conn
}

// end records the end of cl's connection and returns what its connected event said; false
// when there was none (a client ID with # or +).
func (l *lifecycle) end(cl *mqtt.Client, now time.Time) (connPresence, bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	conn, ok := l.conns[cl]
	if !ok {
		return connPresence{}, false
	}
	delete(l.conns, cl)
	c := l.clients[cl.ID]
	c.open--
	c.left = now.UnixNano()
	l.clients[cl.ID] = c
	return conn, true
}

// sweep forgets the client IDs whose version number would restart at 0 anyway, so a
// long-running stand-in keeps one entry per client ID seen within versionResetAfter. It runs
// when the map has doubled since the last sweep: amortized O(1) per connect.
func (l *lifecycle) sweep(now time.Time) {
	for id, c := range l.clients {
		if c.open == 0 && now.UnixNano()-c.left >= int64(versionResetAfter) {
			delete(l.clients, id)
		}
	}
	l.sweepAt = max(2*len(l.clients), lifecycleSweepMin)
}

// disconnectReason maps why mochi closed a connection to AWS's disconnectReason. stopCause
// (the first cause given to Client.Stop) wins over readErr (what ended the read loop): a
// connection closed on purpose also fails its pending read.
func disconnectReason(stopCause, readErr error) string {
	cause := stopCause
	if cause == nil {
		cause = readErr
	}
	if code, ok := cause.(packets.Code); ok { // most connections; errors.As would allocate
		return codeReason(code)
	}
	var code packets.Code
	var ne net.Error
	switch {
	case cause == nil:
		return ReasonConnectionLost
	case errors.Is(cause, errDuplicateClientID): // takeOver, MQTT 3.1.1
		return ReasonDuplicateClientID
	case errors.Is(cause, errCertificateNotActive):
		// UpdateCertificate moved the certificate out of ACTIVE. AWS documents no reason for
		// this case; AUTH_ERROR ("the client failed to authenticate or authorization failed",
		// which the table says can hit an active connection) describes a credential that is no
		// longer valid better than SERVER_INITIATED_DISCONNECT ("for operational reasons").
		return ReasonAuthError
	case errors.As(cause, &code):
		return codeReason(code)
	case errors.As(cause, &ne) && ne.Timeout(): // the read deadline mochi sets at 1.5 × keepalive
		return ReasonKeepAliveTimeout
	}
	return ReasonConnectionLost // EOF, reset, closed socket, TLS failure
}

// codeReason maps an MQTT reason code mochi stopped a connection with.
func codeReason(code packets.Code) string {
	switch code.Code {
	case packets.CodeDisconnect.Code, packets.CodeDisconnectWillMessage.Code: // the client's DISCONNECT
		return ReasonClientInitiated
	case packets.ErrSessionTakenOver.Code: // takeover of an MQTT 5 connection
		return ReasonDuplicateClientID
	case packets.ErrNotAuthorized.Code: // MQTT 3.1.1 publish or subscribe denied by the policies
		return ReasonAuthError
	case packets.ErrKeepAliveTimeout.Code:
		return ReasonKeepAliveTimeout
	case packets.ErrServerShuttingDown.Code, packets.ErrAdministrativeAction.Code: // Server.Close
		return ReasonServerInitiated
	}
	// QoS 2, oversized packets (closeForViolation), malformed packets, protocol errors.
	return ReasonClientError
}
