package pki

import (
	"crypto/sha256"
	"encoding/hex"
)

// CertificateID returns the AWS IoT certificate ID of a DER certificate: the
// lowercase hex SHA-256 of the DER bytes.
func CertificateID(der []byte) string {
	sum := sha256.Sum256(der)
	return hex.EncodeToString(sum[:])
}
