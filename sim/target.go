package sim

import (
	"crypto/tls"
	"crypto/x509"

	"github.com/jitpsim/jitpsim/scenario"
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

// tlsConfig returns the client TLS configuration for one identity with the
// scenario's TLS options (validated by the scenario package).
func (t Target) tlsConfig(cert *tls.Certificate, o scenario.TLS) *tls.Config {
	cfg := &tls.Config{
		ServerName:   t.ServerName,
		RootCAs:      t.RootCAs,
		Certificates: []tls.Certificate{*cert},
		MinVersion:   tls.VersionTLS12,
		MaxVersion:   tls.VersionTLS13,
	}
	if v, ok := scenario.TLSVersions[o.MinVersion]; ok {
		cfg.MinVersion = v
	}
	if v, ok := scenario.TLSVersions[o.MaxVersion]; ok {
		cfg.MaxVersion = v
	}
	for _, c := range o.Curves {
		cfg.CurvePreferences = append(cfg.CurvePreferences, tls.CurveID(scenario.Curves[c]))
	}
	return cfg
}
