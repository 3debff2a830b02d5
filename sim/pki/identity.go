package pki

import (
	"bytes"
	"crypto"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"encoding/pem"
	"fmt"
	"sync"
)

// Identity is a device: its private key and a certificate signed by the CA.
// Leaf, CertPEM and ChainPEM derive the other forms of the certificate on demand, since a TLS handshake needs only the DER chain.
type Identity struct {
	Index int             // caller-chosen device number
	Key   crypto.Signer   // device private key
	ID    string          // AWS certificate ID: lowercase hex SHA-256 of the leaf DER
	TLS   tls.Certificate // chain [leaf DER, CA DER] with PrivateKey set; Leaf is set only for loaded identities

	caPEM    []byte // issuing CA certificate PEM, shared with the CA and never modified
	leafOnce sync.Once
	leaf     *x509.Certificate
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
	return newIdentity(p, index, der, nil, key), nil
}

// newIdentity assembles an Identity from a leaf certificate issued by the prepared CA.
// leaf is der already parsed, or nil to parse it only if Leaf is called.
func newIdentity(p *caPrep, index int, der []byte, leaf *x509.Certificate, key crypto.Signer) *Identity {
	return &Identity{
		Index: index,
		Key:   key,
		ID:    CertificateID(der),
		TLS:   tls.Certificate{Certificate: [][]byte{der, p.der}, PrivateKey: key, Leaf: leaf},
		caPEM: p.certPEM,
		leaf:  leaf,
	}
}

// Leaf returns the parsed leaf certificate, parsing it on the first call; it is safe for concurrent use.
// It returns nil if the identity has no certificate or it does not parse, which cannot happen for identities
// returned by Mint, MintWithKey or IdentityStore.Load.
func (id *Identity) Leaf() *x509.Certificate {
	id.leafOnce.Do(func() {
		if id.leaf == nil && len(id.TLS.Certificate) > 0 {
			id.leaf, _ = x509.ParseCertificate(id.TLS.Certificate[0])
		}
	})
	return id.leaf
}

// CertPEM returns a new PEM encoding of the leaf certificate, or nil if the identity has none.
func (id *Identity) CertPEM() []byte {
	der := id.leafDER()
	if der == nil {
		return nil
	}
	return encodeCertPEM(der)
}

// ChainPEM returns a new buffer holding the leaf PEM followed by the CA PEM, as AWS IoT expects in
// deviceCertAndCACert.crt, or nil if the identity has no certificate.
func (id *Identity) ChainPEM() []byte {
	der := id.leafDER()
	if der == nil {
		return nil
	}
	var buf bytes.Buffer
	buf.Grow(pemLen(len(der)) + len(id.caPEM))
	// Encoding a block without headers into a bytes.Buffer cannot fail.
	_ = pem.Encode(&buf, &pem.Block{Type: pemCertificate, Bytes: der})
	buf.Write(id.caPEM)
	return buf.Bytes()
}

// leafDER returns the leaf certificate DER, or nil if the identity has none.
func (id *Identity) leafDER() []byte {
	if len(id.TLS.Certificate) == 0 {
		return nil
	}
	return id.TLS.Certificate[0]
}

// pemLen returns the size of a CERTIFICATE PEM block holding n DER bytes.
func pemLen(n int) int {
	b64 := (n + 2) / 3 * 4
	lines := (b64 + 63) / 64
	return len("-----BEGIN CERTIFICATE-----\n") + b64 + lines + len("-----END CERTIFICATE-----\n")
}
