package localiot

import (
	"crypto/tls"

	mqtt "github.com/mochi-mqtt/server/v2"
	"github.com/mochi-mqtt/server/v2/packets"

	"github.com/jitpsim/jitpsim/sim/pki"
)

// connHook runs before hook on every CONNECT: it logs the connection's SNI and TLS version,
// applies the CONNECT limits of Config.AWSLimits, and refuses a certificate in SNI_ONLY mode
// presented without SNI. Everything else is left to hook.
type connHook struct {
	mqtt.HookBase
	s *Server
}

// ID names the hook in mochi's logs.
func (h *connHook) ID() string { return "jitpsim-localiot-conn" }

// Provides tells mochi which events the hook handles.
func (h *connHook) Provides(b byte) bool { return b == mqtt.OnConnect }

// OnConnect refuses a throttled CONNECT or a missing SNI; a non-nil error closes the socket without CONNACK.
func (h *connHook) OnConnect(cl *mqtt.Client, _ packets.Packet) error {
	tc, ok := cl.Net.Conn.(*tls.Conn)
	if !ok {
		return nil // hook refuses it.
	}
	st := tc.ConnectionState()
	certID := ""
	if len(st.PeerCertificates) > 0 {
		certID = pki.CertificateID(st.PeerCertificates[0].Raw)
	}
	h.s.log.Debug("CONNECT", "client", cl.ID, "remote", cl.Net.Remote, "sni", st.ServerName,
		"tls", tls.VersionName(st.Version), "cert", certID)
	if reason, ok := h.s.lim.allowConnect(cl.ID); !ok {
		h.s.stats.connectsThrottled.Add(1)
		return h.s.refuse(cl, certID, reason)
	}
	if st.ServerName == "" && certID != "" && h.s.reg.requiresSNI(st.PeerCertificates[0], certID) {
		return h.s.refuse(cl, certID, "certificate mode SNI_ONLY: the client sent no SNI")
	}
	return nil
}
