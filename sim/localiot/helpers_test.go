package localiot

import (
	"context"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"math/big"
	"sync"
	"testing"
	"time"

	"github.com/eclipse/paho.golang/packets"
	"github.com/eclipse/paho.golang/paho"
	"github.com/stretchr/testify/require"

	"github.com/jitpsim/jitpsim/sim/pki"
)

// safetyNet bounds network waits so a broken test fails instead of hanging; no test asserts on time.
const safetyNet = 30 * time.Second

// pollEvery is the polling interval of require.Eventually.
const pollEvery = 5 * time.Millisecond

// startServer creates and starts a stand-in that is closed when the test ends; before, if
// given, runs between New and Start.
func startServer(t *testing.T, cfg Config, before ...func(*Server)) *Server {
	t.Helper()
	s, err := New(cfg)
	require.NoError(t, err)
	t.Cleanup(func() { require.NoError(t, s.Close()) })
	for _, f := range before {
		f(s)
	}
	require.NoError(t, s.Start())
	return s
}

// newDeviceCA creates a device CA with the given common name.
func newDeviceCA(t *testing.T, cn string) *pki.CA {
	t.Helper()
	ca, err := pki.NewCA(cn, pki.KeyEC256)
	require.NoError(t, err)
	return ca
}

// mint creates a device identity signed by ca.
func mint(t *testing.T, ca *pki.CA, subj pki.Subject) *pki.Identity {
	t.Helper()
	id, err := ca.Mint(0, subj, pki.KeyEC256)
	require.NoError(t, err)
	return id
}

// leafOnly returns the identity's TLS certificate without the CA in the chain.
func leafOnly(id *pki.Identity) tls.Certificate {
	return tls.Certificate{Certificate: [][]byte{id.TLS.Certificate[0]}, PrivateKey: id.Key}
}

// expiredIdentity returns a TLS certificate signed by ca whose validity ended yesterday.
func expiredIdentity(t *testing.T, ca *pki.CA, cn string) tls.Certificate {
	t.Helper()
	key, err := pki.GenerateKey(pki.KeyEC256)
	require.NoError(t, err)
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(7),
		Subject:      pkix.Name{CommonName: cn},
		NotBefore:    time.Now().Add(-48 * time.Hour),
		NotAfter:     time.Now().Add(-24 * time.Hour),
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, ca.Cert, key.Public(), ca.Key)
	require.NoError(t, err)
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key}
}

// device is a connected MQTT 5 client and the messages it receives.
type device struct {
	cli  *paho.Client
	msgs chan *paho.Publish
}

// dialTLS opens a TLS connection to s presenting cert (none when cert has no chain).
func dialTLS(s *Server, cert tls.Certificate) (*tls.Conn, error) {
	cfg := &tls.Config{RootCAs: s.RootCAs(), ServerName: s.ServerName()}
	if len(cert.Certificate) > 0 {
		cfg.Certificates = []tls.Certificate{cert}
	}
	d := &tls.Dialer{Config: cfg}
	ctx, cancel := context.WithTimeout(context.Background(), safetyNet)
	defer cancel()
	c, err := d.DialContext(ctx, "tcp", s.Addr())
	if err != nil {
		return nil, err
	}
	return c.(*tls.Conn), nil
}

// connect dials s with cert and sends CONNECT. It returns the device on CONNACK success, or
// the error and the CONNACK (nil when the server closed the socket without one).
func connect(t *testing.T, s *Server, cert tls.Certificate, clientID string) (*device, *paho.Connack, error) {
	t.Helper()
	conn, err := dialTLS(s, cert)
	if err != nil {
		return nil, nil, err
	}
	d := &device{msgs: make(chan *paho.Publish, 16)}
	d.cli = paho.NewClient(paho.ClientConfig{
		Conn: packets.NewThreadSafeConn(conn),
		OnPublishReceived: []func(paho.PublishReceived) (bool, error){
			func(pr paho.PublishReceived) (bool, error) {
				d.msgs <- pr.Packet
				return true, nil
			},
		},
	})
	rm := uint16(16)
	ctx, cancel := context.WithTimeout(context.Background(), safetyNet)
	defer cancel()
	ack, err := d.cli.Connect(ctx, &paho.Connect{
		ClientID:   clientID,
		KeepAlive:  30,
		CleanStart: true,
		Properties: &paho.ConnectProperties{ReceiveMaximum: &rm},
	})
	if err != nil {
		_ = conn.Close()
		return nil, ack, err
	}
	t.Cleanup(func() {
		_ = d.cli.Disconnect(&paho.Disconnect{ReasonCode: 0})
		<-d.cli.Done()
	})
	return d, ack, nil
}

// mustConnect connects and requires CONNACK success.
func mustConnect(t *testing.T, s *Server, cert tls.Certificate, clientID string) *device {
	t.Helper()
	d, ack, err := connect(t, s, cert, clientID)
	require.NoError(t, err)
	require.NotNil(t, ack)
	require.Equal(t, byte(0), ack.ReasonCode)
	return d
}

// requireDropped connects and requires the socket to be closed without CONNACK.
func requireDropped(t *testing.T, s *Server, cert tls.Certificate, clientID string) {
	t.Helper()
	d, ack, err := connect(t, s, cert, clientID)
	require.Error(t, err, "expected the connection to be closed without CONNACK")
	require.Nil(t, ack, "expected no CONNACK")
	require.Nil(t, d)
}

// gate blocks template runs until released, so tests can observe PENDING_ACTIVATION.
type gate struct {
	once sync.Once
	ch   chan struct{}
}

// newGate returns a gate and the hook that installs it on a server before Start; the gate is
// released when the test ends, before the server is closed.
func newGate(t *testing.T) (*gate, func(*Server)) {
	g := &gate{ch: make(chan struct{})}
	return g, func(s *Server) {
		s.beforeProvision = func(string) { <-g.ch }
		t.Cleanup(g.release)
	}
}

// release lets every blocked and future template run proceed.
func (g *gate) release() { g.once.Do(func() { close(g.ch) }) }

// receive waits for the next message on d.
func (d *device) receive(t *testing.T) *paho.Publish {
	t.Helper()
	select {
	case m := <-d.msgs:
		return m
	case <-time.After(safetyNet):
		t.Fatal("no message received")
		return nil
	}
}
