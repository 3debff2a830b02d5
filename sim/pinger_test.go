package sim

import (
	"context"
	"io"
	"log/slog"
	"net"
	"testing"
	"time"

	"github.com/eclipse/paho.golang/packets"
	"github.com/eclipse/paho.golang/paho"
	mqtt "github.com/mochi-mqtt/server/v2"
	"github.com/mochi-mqtt/server/v2/hooks/auth"
	"github.com/mochi-mqtt/server/v2/listeners"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// mochiBroker serves a plain MQTT broker on loopback; it closes a client
// that sends nothing for 1.5 keepalive intervals (MQTT-3.1.2-22).
func mochiBroker(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	b := mqtt.New(&mqtt.Options{Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	require.NoError(t, b.AddHook(new(auth.AllowHook), nil))
	require.NoError(t, b.AddListener(listeners.NewNet("t", ln)))
	go func() { _ = b.Serve() }()
	t.Cleanup(func() { _ = b.Close() })
	return ln.Addr().String()
}

// silentBroker accepts one client, acknowledges its CONNECT and then reads
// and ignores everything, PINGREQs included.
func silentBroker(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	t.Cleanup(func() { _ = ln.Close() })
	go func() {
		c, err := ln.Accept()
		if err != nil {
			return
		}
		defer c.Close()
		if _, err := packets.ReadPacket(c); err != nil {
			return
		}
		if _, err := packets.NewControlPacket(packets.CONNACK).WriteTo(c); err != nil {
			return
		}
		for {
			if _, err := packets.ReadPacket(c); err != nil {
				return
			}
		}
	}()
	return ln.Addr().String()
}

// connectWithPinger connects a paho client kept alive by a timerPinger.
func connectWithPinger(t *testing.T, addr string, keepAlive uint16) (*paho.Client, *timerPinger) {
	t.Helper()
	conn, err := net.DialTimeout("tcp", addr, 5*time.Second)
	require.NoError(t, err)
	p := &timerPinger{}
	cli := paho.NewClient(paho.ClientConfig{Conn: packets.NewThreadSafeConn(conn), PingHandler: p, OnClientError: func(error) {}})
	rm := receiveMaximum
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	_, err = cli.Connect(ctx, &paho.Connect{ClientID: t.Name(), KeepAlive: keepAlive, CleanStart: true,
		Properties: &paho.ConnectProperties{ReceiveMaximum: &rm}})
	require.NoError(t, err)
	t.Cleanup(func() { _ = cli.Disconnect(&paho.Disconnect{}); p.Stop() })
	return cli, p
}

func TestTimerPinger(t *testing.T) {
	t.Run("keeps an idle connection open past the broker's keepalive deadline", func(t *testing.T) {
		t.Parallel()
		// Keepalive 2 s: the broker closes a silent client after 3 s.
		cli, p := connectWithPinger(t, mochiBroker(t), 2)
		select {
		case <-cli.Done():
			t.Fatalf("connection closed while idle: %v", p.Err())
		case <-time.After(4500 * time.Millisecond):
		}
		assert.NoError(t, p.Err())
		p.mu.Lock()
		defer p.mu.Unlock()
		assert.False(t, p.lastPingResp.IsZero(), "a PINGREQ was answered")
	})
	t.Run("closes a connection whose PINGREQ goes unanswered", func(t *testing.T) {
		t.Parallel()
		cli, p := connectWithPinger(t, silentBroker(t), 1)
		select {
		case <-cli.Done():
		case <-time.After(10 * time.Second):
			t.Fatal("connection still open without PINGRESP")
		}
		require.Error(t, p.Err())
		assert.Contains(t, p.Err().Error(), "no PINGRESP")
	})
	t.Run("keepalive 0 sends no PINGREQ", func(t *testing.T) {
		p := &timerPinger{}
		require.NoError(t, p.Run(context.Background(), nil, 0))
		assert.Nil(t, p.timer)
	})
}
