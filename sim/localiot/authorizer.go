package localiot

import "crypto/x509"

// Principal identifies the device behind an MQTT connection.
type Principal struct {
	// CertificateID is the ID of the device certificate the client presented.
	CertificateID string
	// Certificate is the device certificate.
	Certificate *x509.Certificate
	// ClientID is the MQTT client ID from CONNECT.
	ClientID string
}

// Authorizer decides whether a connected device may publish to, subscribe to or receive from a topic.
// It is the seam where AWS IoT policy evaluation plugs in.
type Authorizer interface {
	// Authorize reports whether p may use topic; write is true for publish, false for subscribe and receive.
	Authorize(p Principal, topic string, write bool) bool
}

// AllowAll is the Authorizer of the first cut: it allows every publish, subscribe and receive.
type AllowAll struct{}

// Authorize always returns true.
func (AllowAll) Authorize(Principal, string, bool) bool { return true }
