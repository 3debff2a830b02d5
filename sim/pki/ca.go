package pki

import (
	"crypto"
	"crypto/rand"
	"crypto/x509"
	"errors"
	"fmt"
	"os"
	"sync"
	"time"
)

// DefaultCACommonName is the CA common name used when NewCA is given an empty one.
const DefaultCACommonName = "jitpsim CA"

// DefaultDeviceValidity is how long minted certificates stay valid unless CA.DeviceValidity is set.
const DefaultDeviceValidity = 365 * 24 * time.Hour

// caValidityYears is the lifetime of a CA made by NewCA.
const caValidityYears = 10

// clockSkew backdates NotBefore so peers with slightly slow clocks accept new certificates.
const clockSkew = time.Hour

// CA is a certificate authority that signs device and server certificates.
// Build it with NewCA, ParseCA or LoadCA; a literal with Cert and Key set also works.
type CA struct {
	Cert    *x509.Certificate
	Key     crypto.Signer
	CertPEM []byte

	// DeviceValidity is the lifetime of minted certificates; zero means DefaultDeviceValidity.
	// Set it before minting, and never while other goroutines mint.
	DeviceValidity time.Duration

	once    sync.Once
	prep    caPrep
	prepErr error
}

// caPrep holds everything about the CA that Mint needs, computed once.
type caPrep struct {
	certPEM  []byte    // CA certificate PEM, appended to every chain
	der      []byte    // CA certificate DER, second element of every TLS chain
	notAfter time.Time // leaf certificates never outlive the CA
}

// prepared validates the CA and caches its derived fields on first use; it is safe for concurrent use.
func (ca *CA) prepared() (*caPrep, error) {
	ca.once.Do(func() {
		switch {
		case ca.Cert == nil:
			ca.prepErr = errors.New("ca: Cert is nil (build the CA with NewCA, ParseCA or LoadCA)")
			return
		case ca.Key == nil:
			ca.prepErr = errors.New("ca: Key is nil (build the CA with NewCA, ParseCA or LoadCA)")
			return
		case !publicKeysEqual(ca.Cert.PublicKey, ca.Key.Public()):
			ca.prepErr = errors.New("ca: key does not match certificate (public keys differ)")
			return
		}
		ca.prep.der = ca.Cert.Raw
		ca.prep.certPEM = ca.CertPEM
		if len(ca.prep.certPEM) == 0 {
			ca.prep.certPEM = encodeCertPEM(ca.Cert.Raw)
		}
		ca.prep.notAfter = ca.Cert.NotAfter
	})
	return &ca.prep, ca.prepErr
}

// leafValidity returns the NotBefore and NotAfter for a certificate issued now.
func (ca *CA) leafValidity(p *caPrep) (notBefore, notAfter time.Time) {
	validity := ca.DeviceValidity
	if validity <= 0 {
		validity = DefaultDeviceValidity
	}
	now := time.Now()
	notAfter = now.Add(validity)
	if notAfter.After(p.notAfter) {
		notAfter = p.notAfter
	}
	return now.Add(-clockSkew), notAfter
}

// NewCA generates a self-signed CA valid for ten years, with subject CN=commonName and a key of type kt.
// An empty commonName means DefaultCACommonName.
func NewCA(commonName string, kt KeyType) (*CA, error) {
	return NewCAWithSubject(Subject{CommonName: commonName}, kt)
}

// NewCAWithSubject is NewCA with a full subject, for example to set the Organization.
func NewCAWithSubject(subj Subject, kt KeyType) (*CA, error) {
	if subj.CommonName == "" {
		subj.CommonName = DefaultCACommonName
	}
	key, err := GenerateKey(kt)
	if err != nil {
		return nil, fmt.Errorf("ca: %w", err)
	}
	serial, err := randomSerial()
	if err != nil {
		return nil, fmt.Errorf("ca: %w", err)
	}
	notBefore := time.Now().Add(-clockSkew)
	tmpl := &x509.Certificate{
		SerialNumber:          serial,
		Subject:               subj.Name(),
		NotBefore:             notBefore,
		NotAfter:              notBefore.AddDate(caValidityYears, 0, 0),
		KeyUsage:              x509.KeyUsageCertSign | x509.KeyUsageCRLSign,
		BasicConstraintsValid: true,
		IsCA:                  true,
		MaxPathLen:            1,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, key.Public(), key)
	if err != nil {
		return nil, fmt.Errorf("ca: create certificate: %w", err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		return nil, fmt.Errorf("ca: parse new certificate: %w", err)
	}
	ca := &CA{Cert: cert, Key: key, CertPEM: encodeCertPEM(der)}
	if _, err := ca.prepared(); err != nil {
		return nil, err
	}
	return ca, nil
}

// ParseCA loads a CA from a PEM certificate and a PEM private key (PKCS#1, PKCS#8 or SEC1) such as openssl writes.
// It checks that the certificate is a CA that may sign certificates and that the key matches it.
func ParseCA(certPEM, keyPEM []byte) (*CA, error) {
	return parseCA(certPEM, keyPEM, "", "")
}

// LoadCA reads a CA certificate file and private key file and parses them with ParseCA.
// Errors name the offending file.
func LoadCA(certFile, keyFile string) (*CA, error) {
	certPEM, err := os.ReadFile(certFile)
	if err != nil {
		return nil, fmt.Errorf("ca cert: %w", err)
	}
	keyPEM, err := os.ReadFile(keyFile)
	if err != nil {
		return nil, fmt.Errorf("ca key: %w", err)
	}
	return parseCA(certPEM, keyPEM, certFile, keyFile)
}

// parseCA implements ParseCA; certFile and keyFile, when set, are named in errors.
func parseCA(certPEM, keyPEM []byte, certFile, keyFile string) (*CA, error) {
	certLabel, keyLabel, caLabel := "ca cert", "ca key", "ca"
	if certFile != "" {
		certLabel += " " + certFile
		caLabel += " " + certFile
	}
	if keyFile != "" {
		keyLabel += " " + keyFile
	}
	cert, err := parseCertPEM(certPEM, certFile)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", certLabel, err)
	}
	key, err := parseKeyPEM(keyPEM, keyFile)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", keyLabel, err)
	}
	const fix = "recreate it with openssl req -x509 ... -addext basicConstraints=critical,CA:TRUE -addext keyUsage=critical,keyCertSign,cRLSign"
	switch {
	case !cert.BasicConstraintsValid:
		return nil, fmt.Errorf("%s: certificate is not a CA (no basicConstraints extension); %s", caLabel, fix)
	case !cert.IsCA:
		return nil, fmt.Errorf("%s: certificate is not a CA (basicConstraints CA:FALSE); %s", caLabel, fix)
	case cert.KeyUsage != 0 && cert.KeyUsage&x509.KeyUsageCertSign == 0:
		return nil, fmt.Errorf("%s: certificate keyUsage lacks keyCertSign, so it cannot sign certificates; %s", caLabel, fix)
	case !publicKeysEqual(cert.PublicKey, key.Public()):
		if keyFile != "" {
			return nil, fmt.Errorf("%s: key %s does not match certificate (public keys differ); use the key the certificate was created with", caLabel, keyFile)
		}
		return nil, fmt.Errorf("%s: key does not match certificate (public keys differ); use the key the certificate was created with", caLabel)
	case time.Now().After(cert.NotAfter):
		return nil, fmt.Errorf("%s: certificate expired on %s; create a new CA", caLabel, cert.NotAfter.UTC().Format(time.RFC3339))
	}
	ca := &CA{Cert: cert, Key: key, CertPEM: encodeCertPEM(cert.Raw)}
	if _, err := ca.prepared(); err != nil {
		return nil, err
	}
	return ca, nil
}

// KeyPEM returns the CA private key as PKCS#8 PEM.
func (ca *CA) KeyPEM() ([]byte, error) {
	return MarshalKeyPEM(ca.Key)
}
