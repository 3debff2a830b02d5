package pki

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"fmt"
	"strings"
)

// KeyType selects the key algorithm.
type KeyType string

const (
	// KeyEC256 is an ECDSA key on NIST P-256; it is the default.
	KeyEC256 KeyType = "ec-p256"
	// KeyRSA2048 is a 2048-bit RSA key.
	KeyRSA2048 KeyType = "rsa-2048"
)

// KeyTypes returns the valid key types, default first.
func KeyTypes() []KeyType { return []KeyType{KeyEC256, KeyRSA2048} }

// ParseKeyType parses a key type name case-insensitively; the empty string means KeyEC256.
func ParseKeyType(s string) (KeyType, error) {
	v := strings.ToLower(strings.TrimSpace(s))
	if v == "" {
		return KeyEC256, nil
	}
	for _, kt := range KeyTypes() {
		if v == string(kt) {
			return kt, nil
		}
	}
	return "", fmt.Errorf("unknown key type %q (valid: %s)", s, validKeyTypes())
}

func validKeyTypes() string {
	names := make([]string, 0, 2)
	for _, kt := range KeyTypes() {
		names = append(names, string(kt))
	}
	return strings.Join(names, ", ")
}

// GenerateKey creates a new private key of type kt; the empty KeyType means KeyEC256.
func GenerateKey(kt KeyType) (crypto.Signer, error) {
	switch kt {
	case KeyEC256, "":
		return ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	case KeyRSA2048:
		return rsa.GenerateKey(rand.Reader, 2048)
	default:
		return nil, fmt.Errorf("unknown key type %q (valid: %s)", kt, validKeyTypes())
	}
}

// publicKeysEqual reports whether two public keys are the same key.
func publicKeysEqual(a, b crypto.PublicKey) bool {
	eq, ok := a.(interface{ Equal(crypto.PublicKey) bool })
	return ok && eq.Equal(b)
}

// isRSA reports whether key is an RSA key.
func isRSA(key crypto.Signer) bool {
	_, ok := key.Public().(*rsa.PublicKey)
	return ok
}
