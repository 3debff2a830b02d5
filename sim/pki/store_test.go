package pki_test

import (
	"crypto"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/jitpsim/jitpsim/sim/pki"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// requireMode checks the permission bits of path.
func requireMode(t *testing.T, path string, want os.FileMode) {
	t.Helper()
	fi, err := os.Stat(path)
	require.NoError(t, err)
	assert.Equal(t, want, fi.Mode().Perm(), path)
}

func TestSaveCA(t *testing.T) {
	ca := testCA(t, pki.KeyEC256)
	dir := filepath.Join(t.TempDir(), "state", "nested")
	require.NoError(t, pki.SaveCA(dir, ca))

	requireMode(t, dir, 0o700)
	requireMode(t, filepath.Join(dir, pki.CAKeyFile), 0o600)
	requireMode(t, filepath.Join(dir, pki.CACertFile), 0o644)

	entries, err := os.ReadDir(dir)
	require.NoError(t, err)
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	assert.ElementsMatch(t, []string{"ca.key", "ca.pem"}, names, "no temp files left behind")

	loaded, err := pki.LoadCA(filepath.Join(dir, "ca.pem"), filepath.Join(dir, "ca.key"))
	require.NoError(t, err)
	assert.Equal(t, ca.Cert.Raw, loaded.Cert.Raw)

	// Saving again overwrites in place and keeps the modes.
	require.NoError(t, pki.SaveCA(dir, ca))
	requireMode(t, filepath.Join(dir, pki.CAKeyFile), 0o600)
	require.ErrorContains(t, pki.SaveCA(dir, nil), "nil CA")
}

func TestLoadOrCreateCA(t *testing.T) {
	for _, kt := range pki.KeyTypes() {
		t.Run(string(kt), func(t *testing.T) {
			dir := filepath.Join(t.TempDir(), "state")
			first, created, err := pki.LoadOrCreateCA(dir, "State CA", kt)
			require.NoError(t, err)
			assert.True(t, created)
			assert.Equal(t, "State CA", first.Cert.Subject.CommonName)
			requireMode(t, filepath.Join(dir, pki.CAKeyFile), 0o600)

			second, created, err := pki.LoadOrCreateCA(dir, "ignored", pki.KeyEC256)
			require.NoError(t, err)
			assert.False(t, created)
			assert.Equal(t, first.Cert.Raw, second.Cert.Raw)
			assert.True(t, first.Key.Public().(interface{ Equal(crypto.PublicKey) bool }).Equal(second.Key.Public()))

			id, err := second.Mint(1, pki.Subject{CommonName: "x"}, pki.KeyEC256)
			require.NoError(t, err)
			verifyClient(t, first, id.Leaf())
		})
	}
}

func TestLoadOrCreateCAPartialState(t *testing.T) {
	ca := testCA(t, pki.KeyEC256)
	tests := []struct {
		name   string
		remove string
		want   []string
	}{
		{"missing key", pki.CAKeyFile, []string{"found ca.pem but not ca.key", "delete"}},
		{"missing cert", pki.CACertFile, []string{"found ca.key but not ca.pem", "delete"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			require.NoError(t, pki.SaveCA(dir, ca))
			require.NoError(t, os.Remove(filepath.Join(dir, tt.remove)))
			_, _, err := pki.LoadOrCreateCA(dir, "x", pki.KeyEC256)
			require.Error(t, err)
			for _, w := range tt.want {
				assert.Contains(t, err.Error(), w)
			}
		})
	}

	dir := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(dir, pki.CACertFile), []byte("junk"), 0o644))
	require.NoError(t, os.WriteFile(filepath.Join(dir, pki.CAKeyFile), []byte("junk"), 0o600))
	_, _, err := pki.LoadOrCreateCA(dir, "x", pki.KeyEC256)
	require.ErrorContains(t, err, filepath.Join(dir, pki.CACertFile))
}

func TestIdentityStoreRoundTrip(t *testing.T) {
	for _, kt := range pki.KeyTypes() {
		t.Run(string(kt), func(t *testing.T) {
			ca := testCA(t, pki.KeyEC256)
			store := pki.IdentityStore{Dir: filepath.Join(t.TempDir(), "ids")}
			orig, err := ca.Mint(5, pki.Subject{CommonName: "thing-5", DNQualifier: "d", SerialNumber: "5"}, kt)
			require.NoError(t, err)

			_, ok, err := store.Load("thing-5", 5, ca)
			require.NoError(t, err)
			require.False(t, ok, "nothing saved yet")

			require.NoError(t, store.Save("thing-5", orig))
			requireMode(t, store.Dir, 0o700)
			requireMode(t, filepath.Join(store.Dir, "thing-5.key"), 0o600)
			requireMode(t, filepath.Join(store.Dir, "thing-5.crt"), 0o644)
			requireMode(t, filepath.Join(store.Dir, "thing-5-chain.crt"), 0o644)
			chain, err := os.ReadFile(filepath.Join(store.Dir, "thing-5-chain.crt"))
			require.NoError(t, err)
			assert.Equal(t, orig.ChainPEM(), chain)

			got, ok, err := store.Load("thing-5", 9, ca)
			require.NoError(t, err)
			require.True(t, ok)
			assert.Equal(t, 9, got.Index)
			assert.Equal(t, orig.ID, got.ID)
			assert.Equal(t, orig.Leaf().Raw, got.Leaf().Raw)
			assert.Equal(t, orig.CertPEM(), got.CertPEM())
			assert.Equal(t, orig.ChainPEM(), got.ChainPEM())
			assert.Equal(t, orig.TLS.Certificate, got.TLS.Certificate)
			assert.Same(t, got.Leaf(), got.TLS.Leaf)
			assert.Equal(t, got.Key, got.TLS.PrivateKey)
			assert.True(t, orig.Key.Public().(interface{ Equal(crypto.PublicKey) bool }).Equal(got.Key.Public()))
			verifyClient(t, ca, got.Leaf())
		})
	}
}

func TestIdentityStoreLoadErrors(t *testing.T) {
	ca := testCA(t, pki.KeyEC256)
	otherCA, err := pki.NewCA("Other CA", pki.KeyEC256)
	require.NoError(t, err)
	a, err := ca.Mint(1, pki.Subject{CommonName: "a"}, pki.KeyEC256)
	require.NoError(t, err)
	b, err := ca.Mint(2, pki.Subject{CommonName: "b"}, pki.KeyEC256)
	require.NoError(t, err)

	tests := []struct {
		name  string
		setup func(t *testing.T, s pki.IdentityStore)
		ca    *pki.CA
		want  []string
	}{
		{"key missing", func(t *testing.T, s pki.IdentityStore) {
			require.NoError(t, s.Save("dev", a))
			require.NoError(t, os.Remove(filepath.Join(s.Dir, "dev.key")))
		}, ca, []string{"dev.key is missing", "delete"}},
		{"cert missing", func(t *testing.T, s pki.IdentityStore) {
			require.NoError(t, s.Save("dev", a))
			require.NoError(t, os.Remove(filepath.Join(s.Dir, "dev.crt")))
		}, ca, []string{"dev.crt is missing"}},
		{"key mismatch", func(t *testing.T, s pki.IdentityStore) {
			require.NoError(t, s.Save("dev", a))
			require.NoError(t, os.WriteFile(filepath.Join(s.Dir, "dev.crt"), b.CertPEM(), 0o644))
		}, ca, []string{"does not match", "public keys differ"}},
		{"other CA", func(t *testing.T, s pki.IdentityStore) {
			require.NoError(t, s.Save("dev", a))
		}, otherCA, []string{"not issued by this CA"}},
		{"corrupt key", func(t *testing.T, s pki.IdentityStore) {
			require.NoError(t, s.Save("dev", a))
			require.NoError(t, os.WriteFile(filepath.Join(s.Dir, "dev.key"), []byte("junk"), 0o600))
		}, ca, []string{"dev.key", "no PEM block"}},
		{"nil CA", func(t *testing.T, s pki.IdentityStore) {}, nil, []string{"nil CA"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := pki.IdentityStore{Dir: t.TempDir()}
			tt.setup(t, s)
			id, ok, err := s.Load("dev", 1, tt.ca)
			require.Error(t, err)
			t.Log(err)
			assert.False(t, ok)
			assert.Nil(t, id)
			for _, w := range tt.want {
				assert.Contains(t, err.Error(), w)
			}
		})
	}
}

func TestIdentityStoreNames(t *testing.T) {
	ca := testCA(t, pki.KeyEC256)
	id, err := ca.Mint(1, pki.Subject{CommonName: "n"}, pki.KeyEC256)
	require.NoError(t, err)
	tests := []struct {
		name    string
		wantErr string
	}{
		{"device-0001", ""},
		{"Thing_1.v2:a", ""},
		{"", "empty"},
		{"a/b", "path separator"},
		{`a\b`, "path separator"},
		{"..", `".."`},
		{"a..b", `".."`},
		{".hidden", "starts with '.'"},
		{"x-chain", "-chain"},
		{"sp ace", "contains ' '"},
		{"nul\x00", "contains"},
		{strings.Repeat("a", 201), "max 200"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			s := pki.IdentityStore{Dir: dir}
			saveErr := s.Save(tt.name, id)
			_, _, loadErr := s.Load(tt.name, 1, ca)
			if tt.wantErr == "" {
				require.NoError(t, saveErr)
				require.NoError(t, loadErr)
				return
			}
			require.ErrorContains(t, saveErr, tt.wantErr)
			require.ErrorContains(t, loadErr, tt.wantErr)
			require.ErrorContains(t, pki.ValidateName(tt.name), tt.wantErr)
			entries, err := os.ReadDir(dir)
			require.NoError(t, err)
			assert.Empty(t, entries, "nothing written for an invalid name")
		})
	}
}

func TestIdentityStoreSaveErrors(t *testing.T) {
	s := pki.IdentityStore{Dir: t.TempDir()}
	require.ErrorContains(t, s.Save("x", nil), "must be set")
	require.ErrorContains(t, s.Save("x", &pki.Identity{}), "must be set")
}

// TestIdentityStoreConcurrent saves and loads distinct identities from many goroutines.
func TestIdentityStoreConcurrent(t *testing.T) {
	ca := testCA(t, pki.KeyEC256)
	s := pki.IdentityStore{Dir: filepath.Join(t.TempDir(), "ids")}
	const n = 32
	var wg sync.WaitGroup
	errs := make([]error, n)
	for i := range n {
		wg.Go(func() {
			name := fmt.Sprintf("dev-%04d", i)
			id, err := ca.Mint(i, pki.Subject{CommonName: name}, pki.KeyEC256)
			if err == nil {
				err = s.Save(name, id)
			}
			if err == nil {
				var got *pki.Identity
				var ok bool
				got, ok, err = s.Load(name, i, ca)
				if err == nil && (!ok || got.ID != id.ID) {
					err = os.ErrNotExist
				}
			}
			errs[i] = err
		})
	}
	wg.Wait()
	for i, err := range errs {
		require.NoError(t, err, "identity %d", i)
	}
}
