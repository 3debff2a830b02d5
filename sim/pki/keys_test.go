package pki_test

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"testing"

	"github.com/jitpsim/jitpsim/sim/pki"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestParseKeyType(t *testing.T) {
	tests := []struct {
		in      string
		want    pki.KeyType
		wantErr string
	}{
		{in: "", want: pki.KeyEC256},
		{in: "ec-p256", want: pki.KeyEC256},
		{in: " EC-P256 ", want: pki.KeyEC256},
		{in: "rsa-2048", want: pki.KeyRSA2048},
		{in: "RSA-2048", want: pki.KeyRSA2048},
		{in: "rsa", wantErr: `unknown key type "rsa" (valid: ec-p256, rsa-2048)`},
		{in: "ed25519", wantErr: "valid: ec-p256, rsa-2048"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := pki.ParseKeyType(tt.in)
			if tt.wantErr != "" {
				require.Error(t, err)
				assert.Contains(t, err.Error(), tt.wantErr)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.want, got)
		})
	}
}

func TestGenerateKey(t *testing.T) {
	tests := []struct {
		kt      pki.KeyType
		check   func(t *testing.T, k crypto.Signer)
		wantErr string
	}{
		{kt: "", check: func(t *testing.T, k crypto.Signer) { require.IsType(t, &ecdsa.PrivateKey{}, k) }},
		{kt: pki.KeyEC256, check: func(t *testing.T, k crypto.Signer) {
			require.IsType(t, &ecdsa.PrivateKey{}, k)
			assert.Equal(t, "P-256", k.(*ecdsa.PrivateKey).Curve.Params().Name)
		}},
		{kt: pki.KeyRSA2048, check: func(t *testing.T, k crypto.Signer) {
			require.IsType(t, &rsa.PrivateKey{}, k)
			assert.Equal(t, 2048, k.(*rsa.PrivateKey).N.BitLen())
		}},
		{kt: "dsa", wantErr: "unknown key type"},
	}
	for _, tt := range tests {
		t.Run(string(tt.kt), func(t *testing.T) {
			k, err := pki.GenerateKey(tt.kt)
			if tt.wantErr != "" {
				require.ErrorContains(t, err, tt.wantErr)
				return
			}
			require.NoError(t, err)
			tt.check(t, k)
		})
	}
}

func TestKeyPEMRoundTrip(t *testing.T) {
	ecKey, err := pki.GenerateKey(pki.KeyEC256)
	require.NoError(t, err)
	rsaKey, err := pki.GenerateKey(pki.KeyRSA2048)
	require.NoError(t, err)
	_, edKey, err := ed25519.GenerateKey(rand.Reader)
	require.NoError(t, err)

	pemOf := func(typ string, der []byte, err error) []byte {
		require.NoError(t, err)
		return pem.EncodeToMemory(&pem.Block{Type: typ, Bytes: der})
	}
	ecSEC1, err := x509.MarshalECPrivateKey(ecKey.(*ecdsa.PrivateKey))
	require.NoError(t, err)
	ecParams := pem.EncodeToMemory(&pem.Block{Type: "EC PARAMETERS", Bytes: []byte{0x06, 0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07}})

	tests := []struct {
		name string
		key  crypto.Signer
		pem  []byte
	}{
		{"ec pkcs8 via MarshalKeyPEM", ecKey, must(pki.MarshalKeyPEM(ecKey))},
		{"rsa pkcs8 via MarshalKeyPEM", rsaKey, must(pki.MarshalKeyPEM(rsaKey))},
		{"ed25519 pkcs8", edKey, must(pki.MarshalKeyPEM(edKey))},
		{"rsa pkcs1", rsaKey, pemOf("RSA PRIVATE KEY", x509.MarshalPKCS1PrivateKey(rsaKey.(*rsa.PrivateKey)), nil)},
		{"ec sec1", ecKey, pemOf("EC PRIVATE KEY", ecSEC1, nil)},
		{"ec sec1 after EC PARAMETERS", ecKey, append(ecParams, pemOf("EC PRIVATE KEY", ecSEC1, nil)...)},
		{"ec sec1 mislabelled as pkcs8", ecKey, pemOf("PRIVATE KEY", ecSEC1, nil)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := pki.ParseKeyPEM(tt.pem)
			require.NoError(t, err)
			assert.True(t, tt.key.Public().(interface{ Equal(crypto.PublicKey) bool }).Equal(got.Public()))
		})
	}
}

func TestMarshalKeyPEMIsPKCS8(t *testing.T) {
	key, err := pki.GenerateKey(pki.KeyEC256)
	require.NoError(t, err)
	out, err := pki.MarshalKeyPEM(key)
	require.NoError(t, err)
	block, _ := pem.Decode(out)
	require.NotNil(t, block)
	assert.Equal(t, "PRIVATE KEY", block.Type)

	_, err = pki.MarshalKeyPEM(nil)
	require.ErrorContains(t, err, "nil private key")
}

func TestParseKeyPEMErrors(t *testing.T) {
	ca := testCA(t, pki.KeyEC256)
	pubDER, err := x509.MarshalPKIXPublicKey(ca.Key.Public())
	require.NoError(t, err)
	keyDER, err := x509.MarshalPKCS8PrivateKey(ca.Key)
	require.NoError(t, err)

	tests := []struct {
		name string
		in   []byte
		want []string
	}{
		{"empty", nil, []string{"key:", "no PEM block found", "empty", "PKCS#1, PKCS#8 or SEC1"}},
		{"whitespace", []byte(" \n\t"), []string{"empty"}},
		{"garbage", []byte("hello, world"), []string{"no PEM block found", "openssl private key file"}},
		{"certificate", ca.CertPEM, []string{"CERTIFICATE", "swapped"}},
		{"public key", pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: pubDER}), []string{`"PUBLIC KEY"`, "no private key"}},
		{"DER key", keyDER, []string{"DER", "openssl pkey -inform der"}},
		{"corrupt", pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: []byte{1, 2, 3}}), []string{"EC PRIVATE KEY block is not a valid key", "corrupt"}},
		{"encrypted pkcs8", pem.EncodeToMemory(&pem.Block{Type: "ENCRYPTED PRIVATE KEY", Bytes: []byte{1}}), []string{"encrypted", "decrypt", "openssl pkey"}},
		{"encrypted legacy", pem.EncodeToMemory(&pem.Block{
			Type:    "RSA PRIVATE KEY",
			Headers: map[string]string{"Proc-Type": "4,ENCRYPTED", "DEK-Info": "AES-256-CBC,00112233445566778899AABBCCDDEEFF"},
			Bytes:   []byte{1, 2, 3},
		}), []string{"encrypted", "decrypt", "openssl pkey"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := pki.ParseKeyPEM(tt.in)
			require.Error(t, err)
			t.Log(err)
			assert.NotContains(t, err.Error(), "\n")
			for _, w := range tt.want {
				assert.Contains(t, err.Error(), w)
			}
		})
	}
}

// must returns v, panicking on err; for table literals only.
func must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}
