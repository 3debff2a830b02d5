package pki

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestVerificationCertificate(t *testing.T) {
	for _, kt := range KeyTypes() {
		t.Run(string(kt), func(t *testing.T) {
			ca, err := NewCA("verification test CA", kt)
			require.NoError(t, err)
			const code = "4b1f8e0d2c7a9b3e5f6d8c0a1b2e3f4d5c6b7a8e9f0d1c2b3a4e5f6d7c8b9a0e"
			pemData, err := ca.VerificationCertificate(code)
			require.NoError(t, err)
			cert, err := ParseCertificatePEM(pemData)
			require.NoError(t, err)
			assert.Equal(t, code, cert.Subject.CommonName)
			require.NoError(t, cert.CheckSignatureFrom(ca.Cert), "signed by the CA key")
			assert.False(t, cert.IsCA)

			_, err = ca.VerificationCertificate("")
			require.ErrorContains(t, err, "empty registration code")
		})
	}
}
