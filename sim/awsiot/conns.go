package awsiot

import (
	"context"
	"net"
	"net/http"
	"sync"
)

// connTracker remembers the connections an HTTP transport dials, so that
// Client.Close can close the ones left open: a server shutting down (such as
// `jitpsim serve` on Ctrl-C) would otherwise wait for connections the
// transport dialed but never used.
type connTracker struct {
	mu    sync.Mutex
	conns map[*trackedConn]struct{}
}

// transportOption wraps a transport's dialer with the tracker and lets it
// keep a connection per worker idle.
func (t *connTracker) transportOption(tr *http.Transport) {
	dial := tr.DialContext
	if dial == nil {
		dial = (&net.Dialer{}).DialContext
	}
	tr.DialContext = func(ctx context.Context, network, addr string) (net.Conn, error) {
		c, err := dial(ctx, network, addr)
		if err != nil {
			return nil, err
		}
		tc := &trackedConn{Conn: c, t: t}
		t.mu.Lock()
		if t.conns == nil {
			t.conns = map[*trackedConn]struct{}{}
		}
		t.conns[tc] = struct{}{}
		t.mu.Unlock()
		return tc, nil
	}
	tr.MaxIdleConnsPerHost = 2 * DefaultWorkers
}

// closeAll closes every connection still open.
func (t *connTracker) closeAll() {
	t.mu.Lock()
	conns := t.conns
	t.conns = nil
	t.mu.Unlock()
	for c := range conns {
		_ = c.Conn.Close()
	}
}

// trackedConn forgets itself when it is closed.
type trackedConn struct {
	net.Conn
	t *connTracker
}

// Close closes the connection and removes it from the tracker.
func (c *trackedConn) Close() error {
	c.t.mu.Lock()
	delete(c.t.conns, c)
	c.t.mu.Unlock()
	return c.Conn.Close()
}
