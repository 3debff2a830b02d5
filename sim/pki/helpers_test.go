package pki_test

import (
	"crypto/x509"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jitpsim/jitpsim/sim/pki"
	"github.com/stretchr/testify/require"
)

// Shared CAs: RSA key generation is slow, so each key type is created once per test binary.
var (
	ecCA  = sync.OnceValues(func() (*pki.CA, error) { return pki.NewCA("Test EC CA", pki.KeyEC256) })
	rsaCA = sync.OnceValues(func() (*pki.CA, error) { return pki.NewCA("Test RSA CA", pki.KeyRSA2048) })
)

// testCA returns the shared CA for kt.
func testCA(t testing.TB, kt pki.KeyType) *pki.CA {
	t.Helper()
	get := ecCA
	if kt == pki.KeyRSA2048 {
		get = rsaCA
	}
	ca, err := get()
	require.NoError(t, err)
	return ca
}

// verifyClient checks cert chains to ca for client authentication.
func verifyClient(t *testing.T, ca *pki.CA, cert *x509.Certificate) {
	t.Helper()
	roots := x509.NewCertPool()
	roots.AddCert(ca.Cert)
	_, err := cert.Verify(x509.VerifyOptions{
		Roots:       roots,
		KeyUsages:   []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth},
		CurrentTime: time.Now(),
	})
	require.NoError(t, err)
}

// opensslPath returns the openssl binary or skips the test.
func opensslPath(t *testing.T) string {
	t.Helper()
	p, err := exec.LookPath("openssl")
	if err != nil {
		t.Skip("openssl binary not found in PATH; install openssl to run this test")
	}
	return p
}

// openssl runs the openssl CLI in dir and returns its stdout.
func openssl(t *testing.T, dir string, args ...string) string {
	t.Helper()
	cmd := exec.Command(opensslPath(t), args...)
	cmd.Dir = dir
	var stderr strings.Builder
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	require.NoError(t, err, "openssl %s: %s", strings.Join(args, " "), stderr.String())
	return string(out)
}

// writeFile writes data to dir/name and returns the path.
func writeFile(t *testing.T, dir, name string, data []byte) string {
	t.Helper()
	p := filepath.Join(dir, name)
	require.NoError(t, os.WriteFile(p, data, 0o600))
	return p
}
