package pki

import (
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"errors"
	"fmt"
)

// VerificationCertificate returns the PEM certificate that proves possession
// of the CA key when registering the CA with AWS IoT in DEFAULT mode: subject
// CN = the account's registration code (GetRegistrationCode), a fresh P-256
// key that is thrown away, signed by the CA.
func (ca *CA) VerificationCertificate(registrationCode string) ([]byte, error) {
	if registrationCode == "" {
		return nil, errors.New("verification certificate: empty registration code")
	}
	p, err := ca.prepared()
	if err != nil {
		return nil, err
	}
	key, err := GenerateKey(KeyEC256)
	if err != nil {
		return nil, fmt.Errorf("verification certificate: %w", err)
	}
	serial, err := randomSerial()
	if err != nil {
		return nil, fmt.Errorf("verification certificate: %w", err)
	}
	notBefore, notAfter := ca.leafValidity(p)
	tmpl := &x509.Certificate{
		SerialNumber:          serial,
		Subject:               pkix.Name{CommonName: registrationCode},
		NotBefore:             notBefore,
		NotAfter:              notAfter,
		KeyUsage:              x509.KeyUsageDigitalSignature,
		BasicConstraintsValid: true,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, ca.Cert, key.Public(), ca.Key)
	if err != nil {
		return nil, fmt.Errorf("verification certificate: %w", err)
	}
	return encodeCertPEM(der), nil
}
