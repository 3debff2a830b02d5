package localiot

import (
	"crypto/tls"
	"io"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/jitpsim/jitpsim/sim/localiot/template"
	"github.com/jitpsim/jitpsim/sim/pki"
)

func TestRefusedConnections(t *testing.T) {
	tests := []struct {
		name string
		// setup registers what the case needs and returns the client certificate to present.
		setup func(t *testing.T, s *Server) tls.Certificate
		// refusedByHook is true when the refusal happens in OnConnect (and is counted).
		refusedByHook bool
		// certsAfter is the number of registered device certificates afterwards.
		certsAfter int
	}{
		{
			name: "unregistered CA",
			setup: func(t *testing.T, s *Server) tls.Certificate {
				return mint(t, newDeviceCA(t, "stranger CA"), pki.Subject{CommonName: "d"}).TLS
			},
			refusedByHook: true,
		},
		{
			name: "auto-registration disabled",
			setup: func(t *testing.T, s *Server) tls.Certificate {
				ca := newDeviceCA(t, "no-auto CA")
				_, err := s.RegisterCA(ca.Cert, template.Classic(), false)
				require.NoError(t, err)
				return mint(t, ca, pki.Subject{CommonName: "d"}).TLS
			},
			refusedByHook: true,
		},
		{
			name: "same CA name, different key",
			setup: func(t *testing.T, s *Server) tls.Certificate {
				_, err := s.RegisterCA(newDeviceCA(t, "twin CA").Cert, template.Classic(), true)
				require.NoError(t, err)
				return mint(t, newDeviceCA(t, "twin CA"), pki.Subject{CommonName: "d"}).TLS
			},
			refusedByHook: true,
		},
		{
			name: "expired certificate",
			setup: func(t *testing.T, s *Server) tls.Certificate {
				ca := newDeviceCA(t, "expiry CA")
				_, err := s.RegisterCA(ca.Cert, template.Classic(), true)
				require.NoError(t, err)
				return expiredIdentity(t, ca, "old")
			},
			refusedByHook: true,
		},
		{
			name: "inactive certificate",
			setup: func(t *testing.T, s *Server) tls.Certificate {
				ca := newDeviceCA(t, "inactive CA")
				_, err := s.RegisterCA(ca.Cert, nil, true)
				require.NoError(t, err)
				id := mint(t, ca, pki.Subject{CommonName: "d"})
				requireDropped(t, s, id.TLS, "d") // registers it PENDING_ACTIVATION
				require.NoError(t, s.Registry().SetCertificateStatus(id.ID, StatusInactive))
				return id.TLS
			},
			refusedByHook: true,
			certsAfter:    1,
		},
		{
			name: "revoked certificate",
			setup: func(t *testing.T, s *Server) tls.Certificate {
				ca := newDeviceCA(t, "revoked CA")
				_, err := s.RegisterCA(ca.Cert, nil, true)
				require.NoError(t, err)
				id := mint(t, ca, pki.Subject{CommonName: "d"})
				requireDropped(t, s, id.TLS, "d")
				require.NoError(t, s.Registry().SetCertificateStatus(id.ID, StatusRevoked))
				return id.TLS
			},
			refusedByHook: true,
			certsAfter:    1,
		},
		{
			name: "no client certificate",
			setup: func(t *testing.T, s *Server) tls.Certificate {
				return tls.Certificate{}
			},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := startServer(t, Config{})
			cert := tc.setup(t, s)
			before := s.Stats().ConnectsRefused
			requireDropped(t, s, cert, "d")

			st := s.Stats()
			assert.Equal(t, tc.certsAfter, st.Certificates)
			assert.Zero(t, st.Things)
			if tc.refusedByHook {
				assert.Equal(t, before+1, st.ConnectsRefused)
			}
			if tc.certsAfter == 0 {
				assert.Zero(t, st.Registrations)
			}
		})
	}
}

func TestIdleTLSConnectionRegistersNothing(t *testing.T) {
	// The server gives up after 50 ms; the test only waits for the close, never asserts on time.
	s := startServer(t, Config{ConnectTimeout: 50 * time.Millisecond})
	ca := newDeviceCA(t, "idle CA")
	_, err := s.RegisterCA(ca.Cert, template.Classic(), true)
	require.NoError(t, err)
	id := mint(t, ca, pki.Subject{CommonName: "idle"})

	conn, err := dialTLS(s, id.TLS)
	require.NoError(t, err)
	defer conn.Close()
	// Send nothing; the server completes TLS and closes the socket at the deadline.
	_, err = io.ReadAll(conn)
	_ = err // io.EOF is swallowed; a TLS alert or reset is fine too.

	st := s.Stats()
	assert.Zero(t, st.Registrations)
	assert.Zero(t, st.Certificates)
	assert.Zero(t, st.ConnectsRefused)
}
