package pki_test

import (
	"encoding/pem"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/jitpsim/jitpsim/sim/pki"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestCertificateIDMatchesOpenSSL compares CertificateID with openssl's SHA-256 fingerprint.
func TestCertificateIDMatchesOpenSSL(t *testing.T) {
	dir := t.TempDir()
	for _, kt := range pki.KeyTypes() {
		t.Run(string(kt), func(t *testing.T) {
			ca := testCA(t, kt)
			id, err := ca.Mint(1, pki.Subject{CommonName: "fp"}, pki.KeyEC256)
			require.NoError(t, err)
			for name, c := range map[string]struct {
				pem []byte
				id  string
			}{
				"leaf": {id.CertPEM(), id.ID},
				"ca":   {ca.CertPEM, pki.CertificateID(ca.Cert.Raw)},
			} {
				path := writeFile(t, dir, string(kt)+"-"+name+".pem", c.pem)
				out := openssl(t, dir, "x509", "-noout", "-fingerprint", "-sha256", "-in", path)
				_, fp, ok := strings.Cut(strings.TrimSpace(out), "=")
				require.True(t, ok, "unexpected openssl output %q", out)
				want := strings.ToLower(strings.ReplaceAll(fp, ":", ""))
				assert.Equal(t, want, c.id, name)
			}
		})
	}
}

// TestParseCAFromOpenSSL loads CAs made by the openssl CLI in every key format and mints with them.
func TestParseCAFromOpenSSL(t *testing.T) {
	tests := []struct {
		name      string
		genKey    []string
		wantBlock string
	}{
		{"rsa pkcs1", []string{"genrsa", "-traditional", "-out", "ca.key", "2048"}, "RSA PRIVATE KEY"},
		{"rsa pkcs8", []string{"genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048", "-out", "ca.key"}, "PRIVATE KEY"},
		{"ec sec1 with params", []string{"ecparam", "-name", "prime256v1", "-genkey", "-out", "ca.key"}, "EC PARAMETERS"},
		{"ec pkcs8", []string{"genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", "ca.key"}, "PRIVATE KEY"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			dir := t.TempDir()
			openssl(t, dir, tt.genKey...)
			openssl(t, dir, "req", "-x509", "-new", "-key", "ca.key", "-subj", "/CN=Test CA", "-days", "30",
				"-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign", "-out", "ca.pem")
			keyPEM, err := os.ReadFile(filepath.Join(dir, "ca.key"))
			require.NoError(t, err)
			block, _ := pem.Decode(keyPEM)
			require.NotNil(t, block)
			require.Equal(t, tt.wantBlock, block.Type, "openssl wrote an unexpected key format")

			ca, err := pki.LoadCA(filepath.Join(dir, "ca.pem"), filepath.Join(dir, "ca.key"))
			require.NoError(t, err)
			assert.Equal(t, "Test CA", ca.Cert.Subject.CommonName)

			certPEM, err := os.ReadFile(filepath.Join(dir, "ca.pem"))
			require.NoError(t, err)
			parsed, err := pki.ParseCA(certPEM, keyPEM)
			require.NoError(t, err)
			assert.Equal(t, ca.Cert.Raw, parsed.Cert.Raw)

			for _, kt := range pki.KeyTypes() {
				id, err := ca.Mint(1, pki.Subject{CommonName: "thing-1", DNQualifier: "q1", SerialNumber: "1"}, kt)
				require.NoError(t, err)
				verifyClient(t, ca, id.Leaf())
				assert.Equal(t, ca.Cert.SubjectKeyId, id.Leaf().AuthorityKeyId)

				leaf := writeFile(t, dir, "dev-"+string(kt)+".pem", id.CertPEM())
				out := openssl(t, dir, "verify", "-CAfile", "ca.pem", "-purpose", "sslclient", leaf)
				assert.Contains(t, out, ": OK")
			}
		})
	}
}

// TestParseCAOpenSSLErrors feeds openssl-made files that ParseCA must reject with helpful messages.
func TestParseCAOpenSSLErrors(t *testing.T) {
	dir := t.TempDir()
	openssl(t, dir, "ecparam", "-name", "prime256v1", "-genkey", "-noout", "-out", "ca.key")
	openssl(t, dir, "req", "-x509", "-new", "-key", "ca.key", "-subj", "/CN=Test CA", "-days", "30",
		"-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign", "-out", "ca.pem")
	openssl(t, dir, "req", "-x509", "-new", "-key", "ca.key", "-subj", "/CN=Leaf", "-days", "30",
		"-addext", "basicConstraints=critical,CA:FALSE", "-out", "leaf.pem")
	openssl(t, dir, "pkcs8", "-topk8", "-in", "ca.key", "-passout", "pass:secret", "-out", "enc-pkcs8.key")
	openssl(t, dir, "ec", "-in", "ca.key", "-aes256", "-passout", "pass:secret", "-out", "enc-legacy.key")
	openssl(t, dir, "ecparam", "-name", "prime256v1", "-genkey", "-out", "other.key")
	openssl(t, dir, "x509", "-in", "ca.pem", "-outform", "der", "-out", "ca.der")

	tests := []struct {
		name, cert, key string
		want            []string
	}{
		{"encrypted pkcs8", "ca.pem", "enc-pkcs8.key", []string{"encrypted", "decrypt", "openssl pkey"}},
		{"encrypted legacy", "ca.pem", "enc-legacy.key", []string{"encrypted", "decrypt", "openssl pkey"}},
		{"non-CA", "leaf.pem", "ca.key", []string{"not a CA", "CA:FALSE", "basicConstraints=critical,CA:TRUE"}},
		{"mismatched key", "ca.pem", "other.key", []string{"does not match", "public keys differ"}},
		{"DER cert", "ca.der", "ca.key", []string{"DER", "openssl x509 -inform der"}},
		{"swapped", "ca.key", "ca.pem", []string{"swapped"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := pki.LoadCA(filepath.Join(dir, tt.cert), filepath.Join(dir, tt.key))
			require.Error(t, err)
			t.Log(err)
			assert.NotContains(t, err.Error(), "\n")
			for _, w := range tt.want {
				assert.Contains(t, err.Error(), w)
			}
		})
	}
}
