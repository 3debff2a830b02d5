package pki

import (
	"bytes"
	"crypto"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"encoding/pem"
	"fmt"
)

// Identity is a device: its private key and a certificate signed by the CA.
type Identity struct {
	Index    int               // caller-chosen device number
	Key      crypto.Signer     // device private key
	Cert     *x509.Certificate // parsed leaf certificate
	CertPEM  []byte            // leaf certificate PEM only
	ChainPEM []byte            // leaf PEM followed by the CA PEM (deviceCertAndCACert.crt)
	ID       string            // AWS certificate ID: lowercase hex SHA-256 of the leaf DER
	TLS      tls.Certificate   // chain [leaf DER, CA DER] with PrivateKey and Leaf set
}

// Mint creates a device key of type kt and a client certificate for it signed by the CA.
// It is safe for concurrent use.
func (ca *CA) Mint(index int, subj Subject, kt KeyType) (*Identity, error) {
	key, err := GenerateKey(kt)
	if err != nil {
		return nil, fmt.Errorf("mint device %d: %w", index, err)
	}
	return ca.MintWithKey(index, subj, key)
}

// MintWithKey is Mint with a caller-supplied device key, for example one taken from a key pool.
// It is safe for concurrent use.
func (ca *CA) MintWithKey(index int, subj Subject, key crypto.Signer) (*Identity, error) {
	p, err := ca.prepared()
	if err != nil {
		return nil, err
	}
	if key == nil {
		return nil, fmt.Errorf("mint device %d: nil key", index)
	}
	serial, err := randomSerial()
	if err != nil {
		return nil, fmt.Errorf("mint device %d: %w", index, err)
	}
	usage := x509.KeyUsageDigitalSignature
	if isRSA(key) {
		usage |= x509.KeyUsageKeyEncipherment
	}
	notBefore, notAfter := ca.leafValidity(p)
	tmpl := &x509.Certificate{
		SerialNumber:          serial,
		Subject:               subj.Name(),
		NotBefore:             notBefore,
		NotAfter:              notAfter,
		KeyUsage:              usage,
		ExtKeyUsage:           []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth},
		BasicConstraintsValid: true,
	}
	// The AuthorityKeyId is copied from the CA's SubjectKeyId by CreateCertificate.
	der, err := x509.CreateCertificate(rand.Reader, tmpl, ca.Cert, key.Public(), ca.Key)
	if err != nil {
		return nil, fmt.Errorf("mint device %d: %w", index, err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		return nil, fmt.Errorf("mint device %d: parse certificate: %w", index, err)
	}
	return newIdentity(p, index, cert, key)
}

// newIdentity assembles an Identity from a leaf certificate issued by the prepared CA.
func newIdentity(p *caPrep, index int, cert *x509.Certificate, key crypto.Signer) (*Identity, error) {
	der := cert.Raw
	// One allocation holds the chain; CertPEM is its leaf prefix, capped so appends cannot clobber the CA part.
	var buf bytes.Buffer
	buf.Grow(pemLen(len(der)) + len(p.certPEM))
	if err := pem.Encode(&buf, &pem.Block{Type: pemCertificate, Bytes: der}); err != nil {
		return nil, fmt.Errorf("identity %d: encode certificate: %w", index, err)
	}
	leafLen := buf.Len()
	buf.Write(p.certPEM)
	chain := buf.Bytes()
	return &Identity{
		Index:    index,
		Key:      key,
		Cert:     cert,
		CertPEM:  chain[:leafLen:leafLen],
		ChainPEM: chain,
		ID:       CertificateID(der),
		TLS: tls.Certificate{
			Certificate: [][]byte{der, p.der},
			PrivateKey:  key,
			Leaf:        cert,
		},
	}, nil
}

// pemLen returns the size of a CERTIFICATE PEM block holding n DER bytes.
func pemLen(n int) int {
	b64 := (n + 2) / 3 * 4
	lines := (b64 + 63) / 64
	return len("-----BEGIN CERTIFICATE-----\n") + b64 + lines + len("-----END CERTIFICATE-----\n")
}
