package pki_test

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"math/big"
	"testing"
	"time"

	"github.com/jitpsim/jitpsim/sim/pki"
)

var benchSubject = pki.Subject{CommonName: "thing-0001", Organization: "Acme", DNQualifier: "fleet", SerialNumber: "0001"}

func BenchmarkMintEC(b *testing.B) {
	ca := testCA(b, pki.KeyEC256)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := ca.Mint(1, benchSubject, pki.KeyEC256); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkMintECParallel(b *testing.B) {
	ca := testCA(b, pki.KeyEC256)
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if _, err := ca.Mint(1, benchSubject, pki.KeyEC256); err != nil {
				b.Error(err)
				return
			}
		}
	})
}

func BenchmarkMintRSA(b *testing.B) {
	ca := testCA(b, pki.KeyEC256)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := ca.Mint(1, benchSubject, pki.KeyRSA2048); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkMintWithKeyEC isolates signing from key generation, as with a key pool.
func BenchmarkMintWithKeyEC(b *testing.B) {
	ca := testCA(b, pki.KeyEC256)
	key, err := pki.GenerateKey(pki.KeyEC256)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := ca.MintWithKey(1, benchSubject, key); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkCryptoFloorEC is the unavoidable cost of an EC identity: key generation
// plus x509.CreateCertificate with a fixed template. Mint should be close to it.
func BenchmarkCryptoFloorEC(b *testing.B) {
	ca := testCA(b, pki.KeyEC256)
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1),
		Subject:      pkix.Name{CommonName: "thing-0001"},
		NotBefore:    time.Now(),
		NotAfter:     time.Now().Add(time.Hour),
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth},
	}
	b.ReportAllocs()
	for b.Loop() {
		key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := x509.CreateCertificate(rand.Reader, tmpl, ca.Cert, &key.PublicKey, ca.Key); err != nil {
			b.Fatal(err)
		}
	}
}
