package awsiot

import (
	"context"
	"net"
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestConnTrackerClosesWhatItDialed(t *testing.T) {
	var peers []net.Conn
	tr := &http.Transport{DialContext: func(context.Context, string, string) (net.Conn, error) {
		a, b := net.Pipe()
		peers = append(peers, b)
		return a, nil
	}}
	var ct connTracker
	ct.transportOption(tr)
	assert.Equal(t, 2*DefaultWorkers, tr.MaxIdleConnsPerHost)
	c1, err := tr.DialContext(context.Background(), "tcp", "x:1")
	require.NoError(t, err)
	c2, err := tr.DialContext(context.Background(), "tcp", "x:1")
	require.NoError(t, err)
	require.NoError(t, c1.Close()) // closed by its user: forgotten
	assert.Len(t, ct.conns, 1)
	ct.closeAll()
	assert.Empty(t, ct.conns)
	_, err = c2.Write([]byte("x"))
	require.Error(t, err, "closeAll closed the open connection")
	for _, p := range peers {
		_ = p.Close()
	}
}
