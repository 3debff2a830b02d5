package localiot

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/jitpsim/jitpsim/sim/localiot/template"
	"github.com/jitpsim/jitpsim/sim/pki"
)

func TestPersistence(t *testing.T) {
	dir := t.TempDir()
	ca := newDeviceCA(t, "persistent CA")
	id := mint(t, ca, pki.Subject{CommonName: "keeper"})
	jitrCA := newDeviceCA(t, "persistent JITR CA")
	pending := mint(t, jitrCA, pki.Subject{CommonName: "pending"})

	// First run: provision one device; leave another PENDING_ACTIVATION under a CA without template.
	s1, err := New(Config{StateDir: dir})
	require.NoError(t, err)
	require.NoError(t, s1.Start())
	caID, err := s1.RegisterCA(ca.Cert, template.Classic(), true)
	require.NoError(t, err)
	requireDropped(t, s1, id.TLS, "keeper")
	require.Eventually(t, pollActive(s1, id.ID), safetyNet, pollEvery)
	_, err = s1.RegisterCA(jitrCA.Cert, nil, true)
	require.NoError(t, err)
	requireDropped(t, s1, pending.TLS, "pending")
	serverCA := s1.ServerCAPEM()
	require.NoError(t, s1.Close())

	info, err := os.Stat(filepath.Join(dir, StoreFile))
	require.NoError(t, err)
	assert.Equal(t, os.FileMode(0o600), info.Mode().Perm())

	// Second run: same server CA, the device is ACTIVE and connects at once.
	s2 := startServer(t, Config{StateDir: dir})
	assert.Equal(t, serverCA, s2.ServerCAPEM())
	c, ok := s2.Registry().CACertificate(caID)
	require.True(t, ok)
	assert.True(t, c.AutoRegistration)
	assert.NotEmpty(t, c.Template)
	mustConnect(t, s2, id.TLS, "keeper")
	p, ok := s2.Registry().Certificate(pending.ID)
	require.True(t, ok)
	assert.Equal(t, StatusPendingActivation, p.Status)
	requireDropped(t, s2, pending.TLS, "pending")

	st := s2.Stats()
	assert.Zero(t, st.Registrations)
	assert.Equal(t, 2, st.Certificates)
	assert.Equal(t, 1, st.ActiveCertificates)
	assert.Equal(t, 1, st.PendingCertificates)
	assert.Equal(t, 1, st.Things)

	// The template survives: a new device of the same CA is provisioned in the second run.
	fresh := mint(t, ca, pki.Subject{CommonName: "fresh"})
	requireDropped(t, s2, fresh.TLS, "fresh")
	require.Eventually(t, pollActive(s2, fresh.ID), safetyNet, pollEvery)
}

func TestRegistryJSONRoundTrip(t *testing.T) {
	s := startServer(t, Config{})
	ca := newDeviceCA(t, "json CA")
	_, err := s.RegisterCA(ca.Cert, template.Classic(), true)
	require.NoError(t, err)
	id := mint(t, ca, pki.Subject{CommonName: "json-dev"})
	requireDropped(t, s, id.TLS, "json-dev")
	require.Eventually(t, pollActive(s, id.ID), safetyNet, pollEvery)

	data, err := json.Marshal(s.Registry())
	require.NoError(t, err)
	r := NewRegistry()
	require.NoError(t, json.Unmarshal(data, r))
	assert.Equal(t, s.Registry().CACertificates(), r.CACertificates())
	assert.Equal(t, s.Registry().Certificates(), r.Certificates())
	assert.Equal(t, s.Registry().Things(), r.Things())
	assert.Equal(t, s.Registry().Policies(), r.Policies())

	for _, bad := range []string{`{`, `{"version": 99}`, `{"version":1,"caCertificates":[{"id":"x","pem":"nope"}]}`} {
		assert.Error(t, json.Unmarshal([]byte(bad), NewRegistry()), bad)
	}
}

func TestCloseFinishesDelayedRuns(t *testing.T) {
	dir := t.TempDir()
	s, err := New(Config{StateDir: dir, ProvisionDelay: 1 << 62})
	require.NoError(t, err)
	require.NoError(t, s.Start())
	ca := newDeviceCA(t, "delayed CA")
	_, err = s.RegisterCA(ca.Cert, template.Classic(), true)
	require.NoError(t, err)
	id := mint(t, ca, pki.Subject{CommonName: "delayed"})
	requireDropped(t, s, id.TLS, "delayed")

	c, _ := s.Registry().Certificate(id.ID)
	require.Equal(t, StatusPendingActivation, c.Status)

	// Close cuts the delay short, runs the template and saves the ACTIVE certificate.
	require.NoError(t, s.Close())
	assert.Equal(t, int64(1), s.Stats().ProvisionSuccess)
	r := reopen(t, dir)
	c, ok := r.Certificate(id.ID)
	require.True(t, ok)
	assert.Equal(t, StatusActive, c.Status)
}

// reopen opens the store in dir as a registry that is closed when the test ends.
func reopen(t *testing.T, dir string) *Registry {
	t.Helper()
	r, err := openRegistry(dir, discardLogger())
	require.NoError(t, err)
	t.Cleanup(func() { require.NoError(t, r.closeStore()) })
	return r
}
