package localiot

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"log/slog"
	"path/filepath"
	"sync"

	mqtt "github.com/mochi-mqtt/server/v2"

	"github.com/jitpsim/jitpsim/sim/localiot/template"
	"github.com/jitpsim/jitpsim/sim/pki"
)

// Names used by the server's TLS identity.
const (
	// ServerCACommonName is the common name of the stand-in's own server CA.
	ServerCACommonName = "jitpsim local AWS IoT server CA"
	// serverName is the name clients verify the server certificate against.
	serverName = "localhost"
	// serverCADir is the server CA's directory inside Config.StateDir.
	serverCADir = "server-ca"
	// listenerID names the MQTT listener inside mochi.
	listenerID = "mqtts"
)

// Server is the local AWS IoT Core stand-in: an MQTT broker with mutual TLS, a CA and certificate
// registry, and JITP. Create it with New, then Start; Close stops it.
type Server struct {
	cfg        Config
	log        *slog.Logger
	ca         *pki.CA
	serverCert tls.Certificate
	reg        *Registry
	authz      Authorizer
	broker     *mqtt.Server
	ln         *tlsListener
	stats      counters
	lim        *limiters    // nil unless Config.AWSLimits
	sessions   sessionTable // per-connection policy state; see session.go
	failures   failureLog   // recent failed template runs; see provision_failures.go

	mu      sync.Mutex
	started bool
	closed  bool

	runMu    sync.Mutex
	stopping bool
	runSeq   uint64
	pending  map[uint64]pendingRun
	runs     sync.WaitGroup

	// beforeProvision, set only by tests before Start, is called at the start of every template run.
	beforeProvision func(certID string)
}

// New builds a stand-in from cfg: it creates (or, with StateDir, loads) the server CA, issues the
// server certificate, loads the registry from StateDir, and prepares the broker. It does not listen yet.
func New(cfg Config) (*Server, error) {
	cfg, err := cfg.withDefaults()
	if err != nil {
		return nil, err
	}
	s := &Server{cfg: cfg, log: cfg.Logger, authz: cfg.Authorizer, pending: map[uint64]pendingRun{}}
	if cfg.StateDir != "" {
		s.ca, _, err = pki.LoadOrCreateCA(filepath.Join(cfg.StateDir, serverCADir), ServerCACommonName, pki.KeyEC256)
		if err == nil {
			s.reg, err = openRegistry(cfg.StateDir, s.log)
		}
	} else {
		s.ca, err = pki.NewCA(ServerCACommonName, pki.KeyEC256)
		s.reg = NewRegistry()
	}
	if err != nil {
		return nil, fmt.Errorf("localiot: %w", err)
	}
	if err := s.prepare(); err != nil {
		_ = s.reg.closeStore()
		return nil, fmt.Errorf("localiot: %w", err)
	}
	return s, nil
}

// prepare issues the server certificate, sets up the limits and builds the broker with its hooks:
// connHook (limits, SNI) runs before hook (certificates, JITP).
func (s *Server) prepare() error {
	var err error
	hosts := []string{serverName, "127.0.0.1", "::1"}
	if s.cfg.EndpointAddress != serverName {
		hosts = append(hosts, s.cfg.EndpointAddress)
	}
	if s.serverCert, err = s.ca.IssueServer(hosts); err != nil {
		return err
	}
	if s.cfg.AWSLimits {
		l := DefaultLimits()
		if s.cfg.Limits != nil {
			l = *s.cfg.Limits
		}
		s.lim = newLimiters(l)
	}
	s.broker = mqtt.New(&mqtt.Options{
		InlineClient: true,
		Capabilities: capabilities(),
		Logger:       s.log.With("component", "mochi"),
	})
	if err := s.broker.AddHook(&connHook{s: s}, nil); err != nil {
		return err
	}
	return s.broker.AddHook(&hook{s: s}, nil)
}

// capabilities returns mochi's capabilities tuned toward AWS IoT Core and many connections.
func capabilities() *mqtt.Capabilities {
	c := mqtt.NewDefaultServerCapabilities()
	c.MaximumClientWritesPending = 64     // mochi's 8192 costs 64 KiB per client
	c.MaximumPacketSize = maxPacketSize   // refuse oversized packets before buffering them (mqtt_rules.go)
	c.ReceiveMaximum = 100                // AWS: 100 unacknowledged inbound QoS 1 messages
	c.MaximumQos = 1                      // AWS supports QoS 0 and 1 only
	c.TopicAliasMaximum = 8               // AWS's topic alias limit
	c.SubIDAvailable = 0                  // AWS does not support subscription identifiers
	c.MaximumSessionExpiryInterval = 3600 // AWS's default persistent session expiry
	return c
}

// tlsConfig returns the listener's TLS configuration: TLS 1.2 and 1.3, a client certificate is
// required but not verified by crypto/tls; the registry decides in OnConnect.
func (s *Server) tlsConfig() *tls.Config {
	return &tls.Config{
		MinVersion:   tls.VersionTLS12,
		Certificates: []tls.Certificate{s.serverCert},
		ClientAuth:   tls.RequireAnyClientCert,
	}
}

// Start begins listening on Config.Addr; Addr is valid afterwards.
func (s *Server) Start() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	switch {
	case s.closed:
		return errors.New("localiot: Start after Close")
	case s.started:
		return errors.New("localiot: already started")
	}
	ln := newTLSListener(listenerID, s.cfg.Addr, s.tlsConfig(), s.cfg.ConnectTimeout)
	if err := s.broker.AddListener(ln); err != nil {
		return fmt.Errorf("localiot: listen: %w", err)
	}
	if err := s.broker.Serve(); err != nil {
		return fmt.Errorf("localiot: %w", err)
	}
	s.ln, s.started = ln, true
	s.log.Info("local AWS IoT stand-in listening", "addr", ln.Address())
	return nil
}

// Addr returns the host:port actually bound, or "" before Start.
func (s *Server) Addr() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.ln == nil {
		return ""
	}
	return s.ln.Address()
}

// ServerName returns the name the server certificate is valid for, "localhost"
// (its SANs are localhost, 127.0.0.1 and ::1).
func (s *Server) ServerName() string { return serverName }

// RootCAs returns a pool holding the server CA, for clients to verify the server.
func (s *Server) RootCAs() *x509.CertPool {
	pool := x509.NewCertPool()
	pool.AddCert(s.ca.Cert)
	return pool
}

// ServerCAPEM returns the server CA certificate in PEM form.
func (s *Server) ServerCAPEM() []byte { return append([]byte(nil), s.ca.CertPEM...) }

// Registry returns the server's registry of CA certificates, certificates, things and policies.
func (s *Server) Registry() *Registry { return s.reg }

// RegisterCA registers a CA certificate as ACTIVE with auto-registration set as given and the
// template (nil = no template: JITR-like, certificates are only registered PENDING_ACTIVATION).
// Registering the same CA again updates its template and flags. It returns the CA certificate ID.
func (s *Server) RegisterCA(cert *x509.Certificate, tmpl *template.Template, autoRegistration bool) (string, error) {
	return s.reg.registerCA(cert, tmpl, autoRegistration)
}

// Close stops the broker and its connections, runs the provisioning still waiting for its delay
// at once, waits for every run, and saves the registry when StateDir is set.
func (s *Server) Close() error {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return nil
	}
	s.closed = true
	s.mu.Unlock()

	if err := s.broker.Close(); err != nil {
		return fmt.Errorf("localiot: close broker: %w", err)
	}
	s.finishProvisioning()
	if err := s.reg.closeStore(); err != nil {
		return fmt.Errorf("localiot: close store: %w", err)
	}
	return nil
}
