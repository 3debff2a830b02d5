package sim

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"time"

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
	// ClientIDConnectInterval is the least time the target allows between two
	// CONNECTs with the same client ID (AWS IoT: one per second); the
	// idempotency probe waits that long after the accepted connect. 0 = no limit.
	ClientIDConnectInterval time.Duration
}

// ClientTLS returns a client TLS configuration with the scenario's TLS
// options (validated by the scenario package) that every device of a fleet can
// share: each handshake presents the certificate its context carries (see
// withClientCert), so no device holds a configuration of its own. It must not
// get a ClientSessionCache: keyed by server name, resumed sessions would let
// devices connect as one another.
func (t Target) ClientTLS(o scenario.TLS) *tls.Config {
	cfg := &tls.Config{
		ServerName:           t.ServerName,
		RootCAs:              t.RootCAs,
		MinVersion:           tls.VersionTLS12,
		MaxVersion:           tls.VersionTLS13,
		GetClientCertificate: clientCertFromContext,
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

// clientCertKey is the context key of the certificate a handshake presents.
type clientCertKey struct{}

// withClientCert returns a context whose TLS handshakes with a ClientTLS
// configuration present cert.
func withClientCert(ctx context.Context, cert *tls.Certificate) context.Context {
	return context.WithValue(ctx, clientCertKey{}, cert)
}

// clientCertFromContext presents the certificate put in the handshake's
// context by withClientCert; a handshake without one fails rather than go on
// without a certificate, which the target would report as a TLS rejection.
func clientCertFromContext(cri *tls.CertificateRequestInfo) (*tls.Certificate, error) {
	if c, ok := cri.Context().Value(clientCertKey{}).(*tls.Certificate); ok && c != nil {
		return c, nil
	}
	return nil, errors.New("no device certificate in the TLS handshake's context")
}
