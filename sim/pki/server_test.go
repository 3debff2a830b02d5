package pki_test

import (
	"crypto/tls"
	"crypto/x509"
	"net"
	"testing"

	"github.com/jitpsim/jitpsim/sim/pki"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestIssueServer(t *testing.T) {
	ca := testCA(t, pki.KeyEC256)
	tests := []struct {
		name     string
		hosts    []string
		wantDNS  []string
		wantIPs  []string
		wantCN   string
		wantErr  string
		dialName string
	}{
		{name: "dns and ips", hosts: []string{"localhost", "127.0.0.1", "::1", "broker.local"},
			wantDNS: []string{"localhost", "broker.local"}, wantIPs: []string{"127.0.0.1", "::1"}, wantCN: "localhost", dialName: "broker.local"},
		{name: "ip only", hosts: []string{" 10.0.0.1 ", "[::1]"}, wantIPs: []string{"10.0.0.1", "::1"}, wantCN: "10.0.0.1", dialName: "10.0.0.1"},
		{name: "none", hosts: nil, wantErr: "no hosts given"},
		{name: "blank", hosts: []string{" ", ""}, wantErr: "no hosts given"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cert, err := ca.IssueServer(tt.hosts)
			if tt.wantErr != "" {
				require.ErrorContains(t, err, tt.wantErr)
				return
			}
			require.NoError(t, err)
			require.Len(t, cert.Certificate, 2)
			require.NotNil(t, cert.Leaf)
			assert.Equal(t, ca.Cert.Raw, cert.Certificate[1])
			assert.Equal(t, tt.wantCN, cert.Leaf.Subject.CommonName)
			assert.Equal(t, tt.wantDNS, cert.Leaf.DNSNames)
			var ips []string
			for _, ip := range cert.Leaf.IPAddresses {
				ips = append(ips, ip.String())
			}
			assert.Equal(t, tt.wantIPs, ips)

			roots := x509.NewCertPool()
			roots.AddCert(ca.Cert)
			_, err = cert.Leaf.Verify(x509.VerifyOptions{Roots: roots, DNSName: tt.dialName, KeyUsages: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}})
			require.NoError(t, err)
		})
	}
}

// TestMutualTLS runs a real TLS 1.3 handshake between a server certificate and a minted device identity.
func TestMutualTLS(t *testing.T) {
	for _, kt := range pki.KeyTypes() {
		t.Run(string(kt), func(t *testing.T) {
			ca := testCA(t, pki.KeyEC256)
			server, err := ca.IssueServer([]string{"localhost"})
			require.NoError(t, err)
			dev, err := ca.Mint(7, pki.Subject{CommonName: "thing-7"}, kt)
			require.NoError(t, err)
			pool := x509.NewCertPool()
			pool.AddCert(ca.Cert)

			c, s := net.Pipe()
			defer c.Close()
			defer s.Close()
			srv := tls.Server(s, &tls.Config{
				Certificates: []tls.Certificate{server},
				ClientCAs:    pool,
				ClientAuth:   tls.RequireAndVerifyClientCert,
			})
			done := make(chan error, 1)
			go func() { done <- srv.Handshake() }()
			cli := tls.Client(c, &tls.Config{
				Certificates: []tls.Certificate{dev.TLS},
				RootCAs:      pool,
				ServerName:   "localhost",
			})
			require.NoError(t, cli.Handshake())
			require.NoError(t, <-done)
			peer := srv.ConnectionState().PeerCertificates
			require.NotEmpty(t, peer)
			assert.Equal(t, dev.ID, pki.CertificateID(peer[0].Raw))
		})
	}
}
