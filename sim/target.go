package sim

import (
	"crypto/tls"
	"crypto/x509"
)

// Target is the MQTT endpoint devices connect to.
type Target struct {
	// Addr is the host:port of the MQTT over TLS listener.
	Addr string
	// ServerName is sent as SNI and checked against the server certificate.
	ServerName string
	// RootCAs verifies the server certificate; nil uses the system pool.
	RootCAs *x509.CertPool
}

// tlsConfig returns the client TLS configuration for one identity.
func (t Target) tlsConfig(cert *tls.Certificate) *tls.Config {
	return &tls.Config{
		ServerName:   t.ServerName,
		RootCAs:      t.RootCAs,
		Certificates: []tls.Certificate{*cert},
		MinVersion:   tls.VersionTLS12,
	}
}
