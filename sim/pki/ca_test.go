package pki_test

import (
	"crypto"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"math/big"
	"path/filepath"
	"testing"
	"time"

	"github.com/jitpsim/jitpsim/sim/pki"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestNewCA(t *testing.T) {
	newEC := func(t *testing.T) *pki.CA { return must(pki.NewCA("", pki.KeyEC256)) }
	tests := []struct {
		name   string
		ca     func(t *testing.T) *pki.CA
		wantCN string
		pubAlg x509.PublicKeyAlgorithm
	}{
		{"ec", func(t *testing.T) *pki.CA { return testCA(t, pki.KeyEC256) }, "Test EC CA", x509.ECDSA},
		{"rsa", func(t *testing.T) *pki.CA { return testCA(t, pki.KeyRSA2048) }, "Test RSA CA", x509.RSA},
		{"default cn", newEC, pki.DefaultCACommonName, x509.ECDSA},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ca := tt.ca(t)
			c := ca.Cert
			assert.Equal(t, tt.wantCN, c.Subject.CommonName)
			assert.Equal(t, tt.pubAlg, c.PublicKeyAlgorithm)
			assert.True(t, c.BasicConstraintsValid)
			assert.True(t, c.IsCA)
			assert.Equal(t, 1, c.MaxPathLen)
			assert.Equal(t, x509.KeyUsageCertSign|x509.KeyUsageCRLSign, c.KeyUsage)
			assert.NotEmpty(t, c.SubjectKeyId)
			assert.WithinDuration(t, time.Now().AddDate(10, 0, 0), c.NotAfter, 2*time.Hour)
			assert.True(t, c.NotBefore.Before(time.Now()))
			require.NoError(t, c.CheckSignatureFrom(c), "self-signed")

			parsed, err := pki.ParseCertificatePEM(ca.CertPEM)
			require.NoError(t, err)
			assert.Equal(t, c.Raw, parsed.Raw)
		})
	}
}

func TestNewCAWithSubject(t *testing.T) {
	ca, err := pki.NewCAWithSubject(pki.Subject{CommonName: "Org CA", Organization: "Acme"}, pki.KeyEC256)
	require.NoError(t, err)
	assert.Equal(t, "Org CA", ca.Cert.Subject.CommonName)
	assert.Equal(t, []string{"Acme"}, ca.Cert.Subject.Organization)

	_, err = pki.NewCA("x", "dsa")
	require.ErrorContains(t, err, "unknown key type")
}

func TestCAKeyPEMRoundTrip(t *testing.T) {
	for _, kt := range pki.KeyTypes() {
		t.Run(string(kt), func(t *testing.T) {
			ca := testCA(t, kt)
			keyPEM, err := ca.KeyPEM()
			require.NoError(t, err)
			block, _ := pem.Decode(keyPEM)
			require.NotNil(t, block)
			assert.Equal(t, "PRIVATE KEY", block.Type)

			loaded, err := pki.ParseCA(ca.CertPEM, keyPEM)
			require.NoError(t, err)
			assert.Equal(t, ca.Cert.Raw, loaded.Cert.Raw)
			id, err := loaded.Mint(1, pki.Subject{CommonName: "dev-1"}, pki.KeyEC256)
			require.NoError(t, err)
			verifyClient(t, ca, id.Leaf())
		})
	}
}

// selfSigned creates a self-signed certificate from tmpl with key and returns it as PEM.
func selfSigned(t *testing.T, tmpl *x509.Certificate, key crypto.Signer) []byte {
	t.Helper()
	if tmpl.SerialNumber == nil {
		tmpl.SerialNumber = big.NewInt(7)
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, key.Public(), key)
	require.NoError(t, err)
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})
}

func TestParseCAErrors(t *testing.T) {
	ca := testCA(t, pki.KeyEC256)
	caKey := must(ca.KeyPEM())
	other, err := pki.GenerateKey(pki.KeyEC256)
	require.NoError(t, err)
	otherKey := must(pki.MarshalKeyPEM(other))
	leaf, err := ca.Mint(1, pki.Subject{CommonName: "leaf"}, pki.KeyEC256)
	require.NoError(t, err)
	leafKey := must(pki.MarshalKeyPEM(leaf.Key))

	now := time.Now()
	noBC := selfSigned(t, &x509.Certificate{Subject: pkix.Name{CommonName: "v1"}, NotBefore: now.Add(-time.Hour), NotAfter: now.Add(time.Hour)}, other)
	noCertSign := selfSigned(t, &x509.Certificate{
		Subject: pkix.Name{CommonName: "no certsign"}, NotBefore: now.Add(-time.Hour), NotAfter: now.Add(time.Hour),
		BasicConstraintsValid: true, IsCA: true, KeyUsage: x509.KeyUsageDigitalSignature,
	}, other)
	expired := selfSigned(t, &x509.Certificate{
		Subject: pkix.Name{CommonName: "old"}, NotBefore: now.Add(-48 * time.Hour), NotAfter: now.Add(-24 * time.Hour),
		BasicConstraintsValid: true, IsCA: true, KeyUsage: x509.KeyUsageCertSign,
	}, other)
	encrypted := pem.EncodeToMemory(&pem.Block{Type: "ENCRYPTED PRIVATE KEY", Bytes: []byte{0x30, 0x00}})

	tests := []struct {
		name         string
		cert, key    []byte
		wantContains []string
	}{
		{"empty cert", nil, caKey, []string{"ca cert:", "no PEM block found", "empty", "BEGIN CERTIFICATE"}},
		{"empty key", ca.CertPEM, []byte{}, []string{"ca key:", "no PEM block found", "PKCS#1, PKCS#8 or SEC1"}},
		{"garbage cert", []byte("not a certificate"), caKey, []string{"ca cert:", "no PEM block found"}},
		{"garbage key", ca.CertPEM, []byte("\x00\x01garbage"), []string{"ca key: no PEM block found (want an openssl private key file: PKCS#1, PKCS#8 or SEC1)"}},
		{"corrupt cert", pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: []byte{1, 2}}), caKey, []string{"ca cert:", "not a valid X.509 certificate"}},
		{"cert in key slot", ca.CertPEM, ca.CertPEM, []string{"ca key:", "CERTIFICATE", "swapped"}},
		{"key in cert slot", caKey, caKey, []string{"ca cert:", "private key", "swapped"}},
		{"files swapped", caKey, ca.CertPEM, []string{"ca cert:", "swapped"}},
		{"mismatched key", ca.CertPEM, otherKey, []string{"ca: key does not match certificate (public keys differ)"}},
		{"non-CA cert", leaf.CertPEM(), leafKey, []string{"ca: certificate is not a CA (basicConstraints CA:FALSE)", "CA:TRUE"}},
		{"no basicConstraints", noBC, otherKey, []string{"not a CA", "no basicConstraints", "CA:TRUE"}},
		{"no keyCertSign", noCertSign, otherKey, []string{"keyCertSign"}},
		{"expired", expired, otherKey, []string{"expired", "create a new CA"}},
		{"encrypted key", ca.CertPEM, encrypted, []string{"ca key:", "encrypted", "decrypt", "openssl"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := pki.ParseCA(tt.cert, tt.key)
			require.Error(t, err)
			assert.Nil(t, got)
			t.Log(err)
			assert.NotContains(t, err.Error(), "\n", "one line")
			for _, w := range tt.wantContains {
				assert.Contains(t, err.Error(), w)
			}
		})
	}
}

func TestLoadCAErrorsNameFiles(t *testing.T) {
	ca := testCA(t, pki.KeyEC256)
	dir := t.TempDir()
	certFile := writeFile(t, dir, "ca.pem", ca.CertPEM)
	keyFile := writeFile(t, dir, "ca.key", must(ca.KeyPEM()))
	emptyFile := writeFile(t, dir, "empty", nil)
	otherKey := writeFile(t, dir, "other.key", must(pki.MarshalKeyPEM(must(pki.GenerateKey(pki.KeyEC256)))))
	missing := filepath.Join(dir, "missing.pem")

	tests := []struct {
		name       string
		cert, key  string
		wantErr    []string
		wantLoaded bool
	}{
		{"ok", certFile, keyFile, nil, true},
		{"missing cert", missing, keyFile, []string{"ca cert:", missing, "no such file"}, false},
		{"missing key", certFile, missing, []string{"ca key:", missing}, false},
		{"empty cert", emptyFile, keyFile, []string{"ca cert " + emptyFile + ":", "no PEM block"}, false},
		{"empty key", certFile, emptyFile, []string{"ca key " + emptyFile + ":", "no PEM block"}, false},
		{"mismatch", certFile, otherKey, []string{otherKey, "does not match", certFile}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := pki.LoadCA(tt.cert, tt.key)
			if tt.wantLoaded {
				require.NoError(t, err)
				assert.Equal(t, ca.Cert.Raw, got.Cert.Raw)
				return
			}
			require.Error(t, err)
			for _, w := range tt.wantErr {
				assert.Contains(t, err.Error(), w)
			}
		})
	}
}

func TestCALiteral(t *testing.T) {
	ca := testCA(t, pki.KeyEC256)
	other, err := pki.GenerateKey(pki.KeyEC256)
	require.NoError(t, err)

	tests := []struct {
		name    string
		ca      *pki.CA
		wantErr string
	}{
		{"cert and key only", &pki.CA{Cert: ca.Cert, Key: ca.Key}, ""},
		{"nil cert", &pki.CA{Key: ca.Key}, "Cert is nil"},
		{"nil key", &pki.CA{Cert: ca.Cert}, "Key is nil"},
		{"wrong key", &pki.CA{Cert: ca.Cert, Key: other}, "key does not match certificate"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			id, err := tt.ca.Mint(3, pki.Subject{CommonName: "dev"}, pki.KeyEC256)
			if tt.wantErr != "" {
				require.ErrorContains(t, err, tt.wantErr)
				return
			}
			require.NoError(t, err)
			verifyClient(t, ca, id.Leaf())
			assert.Equal(t, append(append([]byte{}, id.CertPEM()...), ca.CertPEM...), id.ChainPEM())
		})
	}
}
