package sim

import (
	"fmt"
	"net"
	"sync"
	"time"

	"github.com/eclipse/paho.golang/paho"
)

// session is one connected MQTT client of a device.
type session struct {
	cli    *paho.Client
	conn   net.Conn      // the TLS connection under cli
	bound  time.Duration // how long the closing DISCONNECT may take to write
	pinger *timerPinger
	echo   chan struct{}
	// topic and props are what the device publishes, set by exchange.
	topic string
	props *paho.PublishProperties

	mu     sync.Mutex
	ended  bool   // the connection ended under the device
	onLost func() // called once when it does, set by watchLost
}

func newSession(conn net.Conn, bound time.Duration) *session {
	return &session{conn: conn, bound: bound, echo: make(chan struct{}, 1), pinger: &timerPinger{}}
}

// connectionLost is paho's report that the connection ended (a read or write
// error, a keepalive failure or a DISCONNECT from the server).
func (s *session) connectionLost() {
	s.mu.Lock()
	f := s.onLost
	s.ended, s.onLost = true, nil
	s.mu.Unlock()
	if f != nil {
		f()
	}
}

// watchLost arranges for f to run once when the connection ends, at once when
// it already has.
func (s *session) watchLost(f func()) {
	s.mu.Lock()
	if !s.ended {
		s.onLost = f
		s.mu.Unlock()
		return
	}
	s.mu.Unlock()
	f()
}

// lost describes a connection that ended under the device, with the
// keepalive failure when that was the cause.
func (s *session) lost(what string) string {
	if err := s.pinger.Err(); err != nil {
		return fmt.Sprintf("%s: %v", what, err)
	}
	return what
}

// close disconnects cleanly and stops the keepalive timer. The DISCONNECT's
// write is bounded: a broker that stopped reading cannot hold the device.
func (s *session) close() {
	s.mu.Lock()
	s.onLost = nil
	s.mu.Unlock()
	_ = s.conn.SetWriteDeadline(time.Now().Add(s.bound))
	_ = s.cli.Disconnect(&paho.Disconnect{ReasonCode: 0})
	s.pinger.Stop()
}
