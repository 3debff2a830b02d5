package pki_test

import (
	"testing"

	"github.com/jitpsim/jitpsim/sim/pki"
)

// fuzzSeeds returns valid and malformed PEM inputs to seed the fuzzers.
func fuzzSeeds(f *testing.F) [][]byte {
	ca, err := pki.NewCA("Fuzz CA", pki.KeyEC256)
	if err != nil {
		f.Fatal(err)
	}
	keyPEM, err := ca.KeyPEM()
	if err != nil {
		f.Fatal(err)
	}
	return [][]byte{
		nil,
		[]byte("garbage"),
		ca.CertPEM,
		keyPEM,
		append(append([]byte{}, keyPEM...), ca.CertPEM...),
		[]byte("-----BEGIN EC PARAMETERS-----\nBggqhkjOPQMBBw==\n-----END EC PARAMETERS-----\n"),
		[]byte("-----BEGIN RSA PRIVATE KEY-----\nProc-Type: 4,ENCRYPTED\n\nAAAA\n-----END RSA PRIVATE KEY-----\n"),
		[]byte("-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n"),
		ca.Cert.Raw,
	}
}

func FuzzParseKeyPEM(f *testing.F) {
	for _, s := range fuzzSeeds(f) {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		key, err := pki.ParseKeyPEM(data)
		if err == nil && key == nil {
			t.Fatal("nil key without error")
		}
		if err == nil {
			if _, err := pki.MarshalKeyPEM(key); err != nil {
				t.Fatalf("parsed key does not re-encode: %v", err)
			}
		}
	})
}

func FuzzParseCertificatePEM(f *testing.F) {
	for _, s := range fuzzSeeds(f) {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		cert, err := pki.ParseCertificatePEM(data)
		if err == nil && cert == nil {
			t.Fatal("nil certificate without error")
		}
		if err == nil {
			_ = pki.CertificateID(cert.Raw)
		}
	})
}

func FuzzParseCA(f *testing.F) {
	seeds := fuzzSeeds(f)
	for _, c := range seeds {
		for _, k := range seeds {
			f.Add(c, k)
		}
	}
	f.Fuzz(func(t *testing.T, certPEM, keyPEM []byte) {
		ca, err := pki.ParseCA(certPEM, keyPEM)
		if err == nil && (ca == nil || ca.Cert == nil || ca.Key == nil) {
			t.Fatal("incomplete CA without error")
		}
	})
}
