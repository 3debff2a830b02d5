package localiot

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestConfigAddress(t *testing.T) {
	tests := []struct {
		name    string
		cfg     Config
		wantErr string
	}{
		{name: "default", cfg: Config{}},
		{name: "ipv4 loopback", cfg: Config{Addr: "127.0.0.1:8883"}},
		{name: "ipv6 loopback", cfg: Config{Addr: "[::1]:8883"}},
		{name: "localhost", cfg: Config{Addr: "localhost:8883"}},
		{name: "all interfaces", cfg: Config{Addr: ":8883"}, wantErr: "not loopback"},
		{name: "public", cfg: Config{Addr: "192.0.2.1:8883"}, wantErr: "not loopback"},
		{name: "public allowed", cfg: Config{Addr: "192.0.2.1:8883", AllowNonLoopback: true}},
		{name: "no port", cfg: Config{Addr: "127.0.0.1"}, wantErr: "missing port"},
		{name: "negative delay", cfg: Config{ProvisionDelay: -1}, wantErr: "ProvisionDelay"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := tc.cfg.withDefaults()
			if tc.wantErr != "" {
				require.ErrorContains(t, err, tc.wantErr)
				return
			}
			require.NoError(t, err)
			assert.NotEmpty(t, got.Addr)
			assert.Equal(t, DefaultConnectTimeout, got.ConnectTimeout)
			assert.NotNil(t, got.Logger)
			assert.Nil(t, got.Authorizer, "nil: the attached policies decide")
		})
	}
}

func TestServerLifecycle(t *testing.T) {
	s, err := New(Config{})
	require.NoError(t, err)
	assert.Empty(t, s.Addr())
	assert.Equal(t, "localhost", s.ServerName())
	require.NoError(t, s.Start())
	assert.NotEmpty(t, s.Addr())
	require.Error(t, s.Start())
	require.NoError(t, s.Close())
	require.NoError(t, s.Close())
	require.Error(t, s.Start())

	// Close without Start is fine too.
	s2, err := New(Config{})
	require.NoError(t, err)
	require.NoError(t, s2.Close())
}
