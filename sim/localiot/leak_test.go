package localiot

import (
	"context"
	"runtime"
	"testing"

	"github.com/eclipse/paho.golang/paho"
	"github.com/stretchr/testify/require"

	"github.com/jitpsim/jitpsim/sim/localiot/template"
	"github.com/jitpsim/jitpsim/sim/pki"
)

func TestCloseLeavesNoGoroutines(t *testing.T) {
	base := runtime.NumGoroutine()
	t.Run("session", func(t *testing.T) {
		s := startServer(t, Config{})
		ca := newDeviceCA(t, "leak CA")
		_, err := s.RegisterCA(ca.Cert, template.Classic(), true)
		require.NoError(t, err)
		id := mint(t, ca, pki.Subject{CommonName: "leak"})
		requireDropped(t, s, id.TLS, "leak")
		require.Eventually(t, pollActive(s, id.ID), safetyNet, pollEvery)
		dev := mustConnect(t, s, id.TLS, "leak")
		ctx, cancel := context.WithTimeout(context.Background(), safetyNet)
		defer cancel()
		_, err = dev.cli.Publish(ctx, &paho.Publish{Topic: "jitp_test", QoS: 1, Payload: []byte("x")})
		require.NoError(t, err)
		// An idle socket that never sends CONNECT is closed by Close too.
		conn, err := dialTLS(s, id.TLS)
		require.NoError(t, err)
		t.Cleanup(func() { _ = conn.Close() })
	})
	// +1: require.Eventually evaluates the condition on a goroutine of its own.
	require.Eventually(t, func() bool { return runtime.NumGoroutine() <= base+1 }, safetyNet, pollEvery,
		"goroutines left after Close (base %d)", base)
}
