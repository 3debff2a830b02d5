package localiot

import (
	"crypto/tls"
	"crypto/x509"

	mqtt "github.com/mochi-mqtt/server/v2"
	"github.com/mochi-mqtt/server/v2/packets"

	"github.com/jitpsim/jitpsim/sim/pki"
)

// hook connects mochi's connection lifecycle to the stand-in: OnConnect applies AWS IoT's
// certificate and JITP rules, OnACLCheck asks the Authorizer.
type hook struct {
	mqtt.HookBase
	s *Server
}

// ID names the hook in mochi's logs.
func (h *hook) ID() string { return "jitpsim-localiot" }

// Provides tells mochi which events the hook handles.
func (h *hook) Provides(b byte) bool {
	return b == mqtt.OnConnect || b == mqtt.OnConnectAuthenticate || b == mqtt.OnACLCheck
}

// OnConnect admits or refuses a client; a non-nil error makes mochi close the socket without CONNACK.
func (h *hook) OnConnect(cl *mqtt.Client, _ packets.Packet) error {
	return h.s.admit(cl)
}

// OnConnectAuthenticate accepts exactly the clients that passed OnConnect: their certificate is ACTIVE.
func (h *hook) OnConnectAuthenticate(cl *mqtt.Client, _ packets.Packet) bool {
	leaf := peerLeaf(cl)
	if leaf == nil {
		return false
	}
	st, ok := h.s.reg.certState(pki.CertificateID(leaf.Raw))
	return ok && st.status == StatusActive
}

// OnACLCheck asks the Authorizer whether the client may use topic.
func (h *hook) OnACLCheck(cl *mqtt.Client, topic string, write bool) bool {
	if _, ok := h.s.authz.(AllowAll); ok {
		return true
	}
	leaf := peerLeaf(cl)
	if leaf == nil {
		return false
	}
	p := Principal{CertificateID: pki.CertificateID(leaf.Raw), Certificate: leaf, ClientID: cl.ID}
	return h.s.authz.Authorize(p, topic, write)
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
