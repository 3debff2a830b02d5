package localiot

import (
	"context"
	"crypto/tls"
	"io"
	"log/slog"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/jitpsim/jitpsim/sim/localiot/template"
	"github.com/jitpsim/jitpsim/sim/pki"
)

// discardLogger returns a logger that drops everything.
func discardLogger() *slog.Logger { return slog.New(slog.DiscardHandler) }

// rawClient is an MQTT 3.1.1 client over a TLS connection built by the test.
type rawClient struct {
	conn *tls.Conn
}

// dialRaw opens a TLS connection to s with cfg (RootCAs and the client certificate are filled in).
func dialRaw(t *testing.T, s *Server, cfg *tls.Config, cert tls.Certificate) *rawClient {
	t.Helper()
	cfg = cfg.Clone()
	cfg.RootCAs = s.RootCAs()
	cfg.Certificates = []tls.Certificate{cert}
	ctx, cancel := context.WithTimeout(context.Background(), safetyNet)
	defer cancel()
	c, err := (&tls.Dialer{Config: cfg}).DialContext(ctx, "tcp", s.Addr())
	require.NoError(t, err)
	t.Cleanup(func() { _ = c.Close() })
	return &rawClient{conn: c.(*tls.Conn)}
}

// connect sends CONNECT with clientID and reports whether the CONNACK accepted it; false means
// the server closed the socket without CONNACK.
func (c *rawClient) connect(t *testing.T, clientID string) bool {
	t.Helper()
	vh := []byte{0, 4, 'M', 'Q', 'T', 'T', 4, 0x02, 0, 60, 0, byte(len(clientID))}
	pkt := append([]byte{0x10, byte(len(vh) + len(clientID))}, vh...)
	_, err := c.conn.Write(append(pkt, clientID...))
	require.NoError(t, err)
	_ = c.conn.SetReadDeadline(time.Now().Add(safetyNet))
	reply, _ := io.ReadAll(io.LimitReader(c.conn, 4))
	_ = c.conn.SetReadDeadline(time.Time{})
	return string(reply) == "\x20\x02\x00\x00"
}

func TestTLSVersionsAndSNI(t *testing.T) {
	s := startServer(t, Config{})
	ca := newDeviceCA(t, "tls CA")
	_, err := s.RegisterCA(ca.Cert, template.Classic(), true)
	require.NoError(t, err)
	id := mint(t, ca, pki.Subject{CommonName: "tls-dev"})
	requireDropped(t, s, id.TLS, "tls-dev")
	require.Eventually(t, pollActive(s, id.ID), safetyNet, pollEvery)

	tests := []struct {
		name       string
		cfg        *tls.Config
		clientID   string
		wantSNI    string
		wantTLSVer string
		leafOnly   bool
	}{
		{"TLS 1.2 with SNI", &tls.Config{ServerName: "localhost", MinVersion: tls.VersionTLS12, MaxVersion: tls.VersionTLS12}, "c12", "localhost", "TLS 1.2", false},
		{"TLS 1.3 with SNI", &tls.Config{ServerName: "localhost", MinVersion: tls.VersionTLS13}, "c13", "localhost", "TLS 1.3", false},
		{"no SNI (IP address)", &tls.Config{}, "cip", "", "TLS 1.3", false},
		{"leaf only, TLS 1.2", &tls.Config{ServerName: "localhost", MaxVersion: tls.VersionTLS12}, "leaf", "localhost", "TLS 1.2", true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			cert := id.TLS
			if tc.leafOnly {
				cert = leafOnly(id)
			}
			c := dialRaw(t, s, tc.cfg, cert)
			require.True(t, c.connect(t, tc.clientID))
			var got *ConnectionInfo
			require.Eventually(t, func() bool {
				for _, ci := range s.Connections() {
					if ci.ClientID == tc.clientID {
						got = &ci
						return true
					}
				}
				return false
			}, safetyNet, pollEvery)
			assert.Equal(t, tc.wantSNI, got.ServerName)
			assert.Equal(t, tc.wantTLSVer, got.TLSVersion)
			assert.Equal(t, id.ID, got.CertificateID)
			assert.NotEmpty(t, got.Remote)
		})
	}

	// TLS 1.1 is refused in the handshake.
	ctx, cancel := context.WithTimeout(context.Background(), safetyNet)
	defer cancel()
	_, err = (&tls.Dialer{Config: &tls.Config{RootCAs: s.RootCAs(), ServerName: "localhost", MaxVersion: tls.VersionTLS11, Certificates: []tls.Certificate{id.TLS}}}).DialContext(ctx, "tcp", s.Addr())
	require.Error(t, err)
}

func TestHandshakeWithoutConnectCreatesNothing(t *testing.T) {
	for _, v := range []uint16{tls.VersionTLS12, tls.VersionTLS13} {
		t.Run(tls.VersionName(v), func(t *testing.T) {
			s := startServer(t, Config{})
			ca := newDeviceCA(t, "handshake CA")
			_, err := s.RegisterCA(ca.Cert, template.Classic(), true)
			require.NoError(t, err)
			id := mint(t, ca, pki.Subject{CommonName: "shy"})
			c := dialRaw(t, s, &tls.Config{ServerName: "localhost", MaxVersion: v}, id.TLS)
			require.NoError(t, c.conn.Handshake())
			require.NoError(t, c.conn.Close()) // closed at once, before any CONNECT

			// A full JITP round of another device proves the server processed the first socket's end.
			other := mint(t, ca, pki.Subject{CommonName: "other"})
			requireDropped(t, s, other.TLS, "other")
			require.Eventually(t, pollActive(s, other.ID), safetyNet, pollEvery)
			_, ok := s.Registry().Certificate(id.ID)
			assert.False(t, ok, "a handshake alone registers nothing")
			st := s.Stats()
			assert.Equal(t, int64(1), st.Registrations)
			assert.Equal(t, 1, st.Things)
		})
	}
}

func TestSNIOnlyMode(t *testing.T) {
	s := startServer(t, Config{})
	ca := newDeviceCA(t, "sni-only CA")
	info, err := s.Registry().RegisterCACertificate(RegisterCAInput{
		CACertificatePEM: string(ca.CertPEM), Mode: ModeSNIOnly, SetAsActive: true, AllowAutoRegistration: true,
		RegistrationConfig: &RegistrationConfig{TemplateBody: ptr(template.Classic().Body())},
	})
	require.NoError(t, err)
	assert.Equal(t, ModeSNIOnly, info.Mode)
	id := mint(t, ca, pki.Subject{CommonName: "sni-dev"})

	// Without SNI the first connect is refused and registers nothing.
	c := dialRaw(t, s, &tls.Config{}, id.TLS)
	assert.False(t, c.connect(t, "sni-dev"))
	_, ok := s.Registry().Certificate(id.ID)
	assert.False(t, ok)

	// With SNI it is registered in the CA's mode and provisioned.
	c = dialRaw(t, s, &tls.Config{ServerName: "localhost"}, id.TLS)
	assert.False(t, c.connect(t, "sni-dev"))
	require.Eventually(t, pollActive(s, id.ID), safetyNet, pollEvery)
	cert, _ := s.Registry().Certificate(id.ID)
	assert.Equal(t, ModeSNIOnly, cert.Mode)
	assert.True(t, dialRaw(t, s, &tls.Config{ServerName: "localhost"}, id.TLS).connect(t, "sni-dev"))
	assert.False(t, dialRaw(t, s, &tls.Config{}, id.TLS).connect(t, "sni-dev"), "an SNI_ONLY certificate always needs SNI")
}

// ptr returns a pointer to v.
func ptr[T any](v T) *T { return &v }
