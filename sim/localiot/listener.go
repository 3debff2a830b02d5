package localiot

import (
	"crypto/tls"
	"errors"
	"log/slog"
	"net"
	"sync"
	"time"

	"github.com/mochi-mqtt/server/v2/listeners"
)

// tlsListener is a mochi listener that serves MQTT over TLS and, unlike mochi's own TCP
// listener, gives every accepted socket a deadline to finish TLS and send CONNECT. mochi
// replaces the deadline after CONNECT with its keepalive deadline. Close closes every socket,
// including those that never sent CONNECT, and waits for their goroutines.
type tlsListener struct {
	id      string
	addr    string
	tls     *tls.Config
	timeout time.Duration
	log     *slog.Logger

	ln      net.Listener
	mu      sync.Mutex
	conns   map[net.Conn]struct{}
	closed  bool
	serving bool
	served  chan struct{}
	wg      sync.WaitGroup
}

// newTLSListener returns a listener for addr; Init opens the socket.
func newTLSListener(id, addr string, cfg *tls.Config, timeout time.Duration) *tlsListener {
	return &tlsListener{id: id, addr: addr, tls: cfg, timeout: timeout, conns: map[net.Conn]struct{}{}, served: make(chan struct{})}
}

// ID returns the listener's ID.
func (l *tlsListener) ID() string { return l.id }

// Protocol returns "tcp".
func (l *tlsListener) Protocol() string { return "tcp" }

// Address returns the bound address once Init has run.
func (l *tlsListener) Address() string {
	if l.ln != nil {
		return l.ln.Addr().String()
	}
	return l.addr
}

// Init opens the TCP socket.
func (l *tlsListener) Init(log *slog.Logger) error {
	l.log = log
	ln, err := net.Listen("tcp", l.addr)
	if err != nil {
		return err
	}
	l.ln = ln
	return nil
}

// Serve accepts connections until Close, handing each to establish on its own goroutine.
func (l *tlsListener) Serve(establish listeners.EstablishFn) {
	l.mu.Lock()
	if l.closed {
		l.mu.Unlock()
		return
	}
	l.serving = true
	l.mu.Unlock()
	defer close(l.served)

	var backoff time.Duration
	for {
		conn, err := l.ln.Accept()
		if err != nil {
			if errors.Is(err, net.ErrClosed) || l.isClosed() {
				return
			}
			// Resource exhaustion such as EMFILE: back off like net/http instead of spinning.
			backoff = min(max(2*backoff, 5*time.Millisecond), time.Second)
			l.log.Warn("accept", "error", err, "retry_in", backoff)
			time.Sleep(backoff)
			continue
		}
		backoff = 0
		_ = conn.SetDeadline(time.Now().Add(l.timeout))
		if !l.track(conn) {
			_ = conn.Close()
			return
		}
		go l.handle(establish, conn)
	}
}

// handle runs one connection through mochi and forgets it afterwards.
func (l *tlsListener) handle(establish listeners.EstablishFn, conn net.Conn) {
	defer l.wg.Done()
	tc := tls.Server(conn, l.tls)
	err := establish(l.id, tc)
	if err != nil {
		l.log.Debug("connection ended", "remote", conn.RemoteAddr().String(), "error", err)
	}
	_ = tc.Close()
	l.mu.Lock()
	delete(l.conns, conn)
	l.mu.Unlock()
}

// track records a new connection; it returns false once the listener is closed.
func (l *tlsListener) track(conn net.Conn) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.closed {
		return false
	}
	l.conns[conn] = struct{}{}
	l.wg.Add(1)
	return true
}

// isClosed reports whether Close has begun.
func (l *tlsListener) isClosed() bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.closed
}

// Close stops accepting, closes every socket and waits for all connection goroutines to
// return. It does not call mochi's closeClients: in mochi v2.7.9 that takes the clients' read
// lock twice (Clients.GetByListener calls Len) and deadlocks when a client disconnects at the
// same moment; closing the sockets ends every client just as well.
func (l *tlsListener) Close(_ listeners.CloseFn) {
	l.mu.Lock()
	if l.closed {
		l.mu.Unlock()
		return
	}
	l.closed = true
	serving := l.serving
	l.mu.Unlock()

	if l.ln != nil {
		_ = l.ln.Close()
	}
	if serving {
		<-l.served
	}
	l.mu.Lock()
	for c := range l.conns {
		_ = c.Close()
	}
	l.mu.Unlock()
	l.wg.Wait()
}
