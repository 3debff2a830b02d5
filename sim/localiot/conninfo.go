package localiot

import (
	"crypto/tls"
	"errors"
	"slices"
	"strings"

	"github.com/jitpsim/jitpsim/sim/pki"
)

// ConnectionInfo describes one connected MQTT client.
type ConnectionInfo struct {
	// ClientID is the MQTT client ID.
	ClientID string
	// CertificateID is the ID of the client certificate.
	CertificateID string
	// ServerName is the SNI host name the client sent, "" when it sent none.
	ServerName string
	// TLSVersion is the negotiated TLS version, e.g. "TLS 1.3".
	TLSVersion string
	// Remote is the client's address.
	Remote string
}

// Connections returns the connected MQTT clients ordered by client ID.
func (s *Server) Connections() []ConnectionInfo {
	var out []ConnectionInfo
	for _, cl := range s.broker.Clients.GetAll() {
		if cl.Net.Inline || cl.Closed() {
			continue
		}
		tc, ok := cl.Net.Conn.(*tls.Conn)
		if !ok {
			continue
		}
		st := tc.ConnectionState()
		ci := ConnectionInfo{ClientID: cl.ID, ServerName: st.ServerName, TLSVersion: tls.VersionName(st.Version), Remote: cl.Net.Remote}
		if len(st.PeerCertificates) > 0 {
			ci.CertificateID = pki.CertificateID(st.PeerCertificates[0].Raw)
		}
		out = append(out, ci)
	}
	slices.SortFunc(out, func(a, b ConnectionInfo) int { return strings.Compare(a.ClientID, b.ClientID) })
	return out
}

// errCertificateNotActive is the stop cause of clients disconnected because their certificate left ACTIVE.
var errCertificateNotActive = errors.New("localiot: certificate is no longer ACTIVE")

// disconnectCertificate closes, without DISCONNECT, every connection that authenticated with
// certificate id, as AWS IoT does after UpdateCertificate moves a certificate out of ACTIVE.
func (s *Server) disconnectCertificate(id string) int {
	n := 0
	for _, cl := range s.broker.Clients.GetAll() {
		if cl.Net.Inline || cl.Closed() {
			continue
		}
		if leaf := peerLeaf(cl); leaf != nil && pki.CertificateID(leaf.Raw) == id {
			cl.Stop(errCertificateNotActive)
			n++
		}
	}
	return n
}
