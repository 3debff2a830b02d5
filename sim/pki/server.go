package pki

import (
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"errors"
	"fmt"
	"net"
	"strings"
)

// IssueServer issues a TLS server certificate for the given DNS names and IP addresses, signed by the CA.
// The result has chain [leaf, CA] with a fresh P-256 key, PrivateKey and Leaf set.
func (ca *CA) IssueServer(hosts []string) (tls.Certificate, error) {
	p, err := ca.prepared()
	if err != nil {
		return tls.Certificate{}, err
	}
	var (
		dnsNames []string
		ips      []net.IP
	)
	for _, h := range hosts {
		h = strings.TrimSpace(h)
		if h == "" {
			continue
		}
		if ip := net.ParseIP(strings.Trim(h, "[]")); ip != nil {
			ips = append(ips, ip)
		} else {
			dnsNames = append(dnsNames, h)
		}
	}
	if len(dnsNames) == 0 && len(ips) == 0 {
		return tls.Certificate{}, errors.New("server certificate: no hosts given (want DNS names or IP addresses)")
	}
	key, err := GenerateKey(KeyEC256)
	if err != nil {
		return tls.Certificate{}, fmt.Errorf("server certificate: %w", err)
	}
	serial, err := randomSerial()
	if err != nil {
		return tls.Certificate{}, fmt.Errorf("server certificate: %w", err)
	}
	var cn string
	if len(dnsNames) > 0 {
		cn = dnsNames[0]
	} else {
		cn = ips[0].String()
	}
	notBefore, notAfter := ca.leafValidity(p)
	tmpl := &x509.Certificate{
		SerialNumber:          serial,
		Subject:               pkix.Name{CommonName: cn},
		NotBefore:             notBefore,
		NotAfter:              notAfter,
		KeyUsage:              x509.KeyUsageDigitalSignature,
		ExtKeyUsage:           []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		BasicConstraintsValid: true,
		DNSNames:              dnsNames,
		IPAddresses:           ips,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, ca.Cert, key.Public(), ca.Key)
	if err != nil {
		return tls.Certificate{}, fmt.Errorf("server certificate: %w", err)
	}
	leaf, err := x509.ParseCertificate(der)
	if err != nil {
		return tls.Certificate{}, fmt.Errorf("server certificate: parse: %w", err)
	}
	return tls.Certificate{Certificate: [][]byte{der, p.der}, PrivateKey: key, Leaf: leaf}, nil
}
