package pki

import (
	"bytes"
	"crypto"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"strings"
)

// PEM block types used by this package and by openssl.
const (
	pemCertificate  = "CERTIFICATE"
	pemPKCS8        = "PRIVATE KEY"
	pemPKCS1        = "RSA PRIVATE KEY"
	pemSEC1         = "EC PRIVATE KEY"
	pemECParameters = "EC PARAMETERS"
	pemEncPKCS8     = "ENCRYPTED PRIVATE KEY"
)

// Hints appended to "no PEM block" errors.
const (
	wantKey  = "want an openssl private key file: PKCS#1, PKCS#8 or SEC1"
	wantCert = "want a PEM certificate file starting with -----BEGIN CERTIFICATE-----"
)

// ParseCertificatePEM parses the first CERTIFICATE block in data, skipping any other PEM blocks.
func ParseCertificatePEM(data []byte) (*x509.Certificate, error) {
	cert, err := parseCertPEM(data, "")
	if err != nil {
		return nil, fmt.Errorf("certificate: %w", err)
	}
	return cert, nil
}

// MarshalKeyPEM encodes a private key as a PKCS#8 "PRIVATE KEY" PEM block.
func MarshalKeyPEM(key crypto.Signer) ([]byte, error) {
	if key == nil {
		return nil, errors.New("key: nil private key")
	}
	der, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		return nil, fmt.Errorf("key: encode PKCS#8: %w", err)
	}
	return pem.EncodeToMemory(&pem.Block{Type: pemPKCS8, Bytes: der}), nil
}

// ParseKeyPEM parses the first private key in data, which may be PKCS#1, PKCS#8 or SEC1 PEM.
// An "EC PARAMETERS" block before the key, as written by openssl ecparam -genkey, is skipped.
func ParseKeyPEM(data []byte) (crypto.Signer, error) {
	key, err := parseKeyPEM(data, "")
	if err != nil {
		return nil, fmt.Errorf("key: %w", err)
	}
	return key, nil
}

// encodeCertPEM returns der as a CERTIFICATE PEM block.
func encodeCertPEM(der []byte) []byte {
	return pem.EncodeToMemory(&pem.Block{Type: pemCertificate, Bytes: der})
}

// parseCertPEM is ParseCertificatePEM without the error prefix; path, if set, is used in fix-it commands.
func parseCertPEM(data []byte, path string) (*x509.Certificate, error) {
	var others []string
	rest := data
	for {
		block, r := pem.Decode(rest)
		if block == nil {
			break
		}
		rest = r
		if block.Type != pemCertificate {
			others = append(others, block.Type)
			continue
		}
		cert, err := x509.ParseCertificate(block.Bytes)
		if err != nil {
			return nil, fmt.Errorf("CERTIFICATE block is not a valid X.509 certificate: %v (check the file is not truncated or corrupted)", err)
		}
		return cert, nil
	}
	switch {
	case len(others) > 0 && hasKeyBlock(others):
		return nil, fmt.Errorf("found a private key (%s) but no CERTIFICATE block (are the certificate and key files swapped?)", quoteList(others))
	case len(others) > 0:
		return nil, fmt.Errorf("found PEM block(s) %s but no CERTIFICATE block (%s)", quoteList(others), wantCert)
	case len(bytes.TrimSpace(data)) == 0:
		return nil, fmt.Errorf("no PEM block found: input is empty (%s)", wantCert)
	case !bytes.Contains(data, []byte("-----BEGIN")):
		if _, err := x509.ParseCertificate(data); err == nil {
			f := orDefault(path, "FILE")
			return nil, fmt.Errorf("no PEM block found: input is DER; convert it with: openssl x509 -inform der -in %s -out %s.pem", f, f)
		}
	}
	return nil, fmt.Errorf("no PEM block found (%s)", wantCert)
}

// parseKeyPEM is ParseKeyPEM without the error prefix; path, if set, is used in fix-it commands.
func parseKeyPEM(data []byte, path string) (crypto.Signer, error) {
	var others []string
	sawCert := false
	rest := data
	for {
		block, r := pem.Decode(rest)
		if block == nil {
			break
		}
		rest = r
		switch block.Type {
		case pemECParameters:
			continue
		case pemCertificate:
			sawCert = true
			continue
		case pemEncPKCS8:
			return nil, errEncrypted(block.Type, path)
		case pemPKCS8, pemPKCS1, pemSEC1:
			if strings.Contains(block.Headers["Proc-Type"], "ENCRYPTED") {
				return nil, errEncrypted(block.Type, path)
			}
			return parseKeyDER(block.Type, block.Bytes)
		default:
			others = append(others, block.Type)
		}
	}
	switch {
	case sawCert:
		return nil, errors.New("found a CERTIFICATE block but no private key (are the certificate and key files swapped?)")
	case len(others) > 0:
		return nil, fmt.Errorf("found PEM block(s) %s but no private key (%s)", quoteList(others), wantKey)
	case len(bytes.TrimSpace(data)) == 0:
		return nil, fmt.Errorf("no PEM block found: input is empty (%s)", wantKey)
	case !bytes.Contains(data, []byte("-----BEGIN")):
		if _, err := parseKeyDER("", data); err == nil {
			f := orDefault(path, "FILE")
			return nil, fmt.Errorf("no PEM block found: input is a DER key; convert it with: openssl pkey -inform der -in %s -out %s.pem", f, f)
		}
	}
	return nil, fmt.Errorf("no PEM block found (%s)", wantKey)
}

// parseKeyDER parses a DER private key. It tries the parser matching the PEM
// type first and then the others, since key files are sometimes mislabelled.
func parseKeyDER(typ string, der []byte) (crypto.Signer, error) {
	parsers := []struct {
		typ   string
		parse func([]byte) (any, error)
	}{
		{pemPKCS8, x509.ParsePKCS8PrivateKey},
		{pemPKCS1, func(b []byte) (any, error) { return x509.ParsePKCS1PrivateKey(b) }},
		{pemSEC1, func(b []byte) (any, error) { return x509.ParseECPrivateKey(b) }},
	}
	for i, p := range parsers {
		if p.typ == typ {
			parsers[0], parsers[i] = parsers[i], parsers[0]
		}
	}
	var firstErr error
	for _, p := range parsers {
		k, err := p.parse(der)
		if err != nil {
			if firstErr == nil {
				firstErr = err
			}
			continue
		}
		if s, ok := k.(crypto.Signer); ok {
			return s, nil
		}
		return nil, fmt.Errorf("unsupported private key type %T (want RSA or ECDSA)", k)
	}
	if typ == "" {
		return nil, firstErr
	}
	return nil, fmt.Errorf("%s block is not a valid key: %v (check the file is not truncated or corrupted)", typ, firstErr)
}

// errEncrypted explains how to decrypt a passphrase-protected key at path.
func errEncrypted(typ, path string) error {
	f := orDefault(path, "KEY")
	return fmt.Errorf("key is encrypted with a passphrase (PEM block %q); decrypt it first: openssl pkey -in %s -out %s.plain", typ, f, f)
}

// orDefault returns s, or def when s is empty.
func orDefault(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

// hasKeyBlock reports whether any PEM type names a private key.
func hasKeyBlock(types []string) bool {
	for _, t := range types {
		if strings.HasSuffix(t, "PRIVATE KEY") {
			return true
		}
	}
	return false
}

// quoteList formats PEM types as a quoted, comma-separated list.
func quoteList(types []string) string {
	q := make([]string, len(types))
	for i, t := range types {
		q[i] = fmt.Sprintf("%q", t)
	}
	return strings.Join(q, ", ")
}
