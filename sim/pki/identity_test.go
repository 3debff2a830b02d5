package pki_test

import (
	"crypto/sha256"
	"crypto/x509"
	"encoding/asn1"
	"encoding/hex"
	"encoding/pem"
	"sync"
	"testing"
	"time"

	"github.com/jitpsim/jitpsim/sim/pki"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var oidDNQualifier = asn1.ObjectIdentifier{2, 5, 4, 46}

func TestMintVerifies(t *testing.T) {
	tests := []struct {
		caType, devType pki.KeyType
		wantAlg         x509.PublicKeyAlgorithm
		wantUsage       x509.KeyUsage
	}{
		{pki.KeyEC256, pki.KeyEC256, x509.ECDSA, x509.KeyUsageDigitalSignature},
		{pki.KeyEC256, pki.KeyRSA2048, x509.RSA, x509.KeyUsageDigitalSignature | x509.KeyUsageKeyEncipherment},
		{pki.KeyRSA2048, pki.KeyEC256, x509.ECDSA, x509.KeyUsageDigitalSignature},
		{pki.KeyRSA2048, pki.KeyRSA2048, x509.RSA, x509.KeyUsageDigitalSignature | x509.KeyUsageKeyEncipherment},
	}
	for _, tt := range tests {
		t.Run(string(tt.caType)+"/"+string(tt.devType), func(t *testing.T) {
			ca := testCA(t, tt.caType)
			id, err := ca.Mint(42, pki.Subject{CommonName: "device-42"}, tt.devType)
			require.NoError(t, err)
			verifyClient(t, ca, id.Leaf())

			c := id.Leaf()
			assert.Equal(t, 42, id.Index)
			assert.Equal(t, tt.wantAlg, c.PublicKeyAlgorithm)
			assert.Equal(t, tt.wantUsage, c.KeyUsage)
			assert.Equal(t, []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth}, c.ExtKeyUsage)
			assert.False(t, c.IsCA)
			assert.Equal(t, ca.Cert.SubjectKeyId, c.AuthorityKeyId)
			assert.Equal(t, 1, c.SerialNumber.Sign())
			assert.LessOrEqual(t, c.SerialNumber.BitLen(), 128)
			assert.WithinDuration(t, time.Now().Add(-time.Hour), c.NotBefore, time.Minute)
			assert.WithinDuration(t, time.Now().Add(pki.DefaultDeviceValidity), c.NotAfter, time.Minute)

			sum := sha256.Sum256(c.Raw)
			assert.Equal(t, hex.EncodeToString(sum[:]), id.ID)
			assert.Equal(t, pki.CertificateID(c.Raw), id.ID)

			leaf, rest := pem.Decode(id.CertPEM())
			require.NotNil(t, leaf)
			assert.Empty(t, rest)
			assert.Equal(t, c.Raw, leaf.Bytes)
			b1, rest := pem.Decode(id.ChainPEM())
			require.NotNil(t, b1)
			b2, rest := pem.Decode(rest)
			require.NotNil(t, b2)
			assert.Empty(t, rest)
			assert.Equal(t, c.Raw, b1.Bytes)
			assert.Equal(t, ca.Cert.Raw, b2.Bytes)

			require.Len(t, id.TLS.Certificate, 2)
			assert.Equal(t, c.Raw, id.TLS.Certificate[0])
			assert.Equal(t, ca.Cert.Raw, id.TLS.Certificate[1])
			assert.Nil(t, id.TLS.Leaf, "minted identities leave the parsed leaf to Leaf")
			assert.Same(t, c, id.Leaf(), "Leaf parses once")
			assert.Equal(t, id.Key, id.TLS.PrivateKey)
		})
	}
}

func TestMintSubjectRoundTrip(t *testing.T) {
	ca := testCA(t, pki.KeyEC256)
	tests := []struct {
		name string
		subj pki.Subject
	}{
		{"all fields", pki.Subject{
			Country: "US", State: "Washington", Locality: "Seattle", Organization: "Acme",
			OrganizationalUnit: "Fleet", CommonName: "thing-0001", DNQualifier: "0001", SerialNumber: "SN-0001",
		}},
		{"cn only", pki.Subject{CommonName: "thing-0002"}},
		{"jitp template fields", pki.Subject{CommonName: "thing-3", SerialNumber: "3", DNQualifier: "fleet-a"}},
		{"empty", pki.Subject{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			id, err := ca.Mint(1, tt.subj, pki.KeyEC256)
			require.NoError(t, err)
			parsed, err := pki.ParseCertificatePEM(id.CertPEM())
			require.NoError(t, err)
			assert.Equal(t, tt.subj, pki.SubjectFromName(parsed.Subject))
			assert.Equal(t, tt.subj.SerialNumber, parsed.Subject.SerialNumber)

			var dnq []string
			for _, atv := range parsed.Subject.Names {
				if atv.Type.Equal(oidDNQualifier) {
					dnq = append(dnq, atv.Value.(string))
				}
			}
			if tt.subj.DNQualifier == "" {
				assert.Empty(t, dnq)
			} else {
				assert.Equal(t, []string{tt.subj.DNQualifier}, dnq)
			}
		})
	}
}

func TestSubjectNameOmitsEmpty(t *testing.T) {
	n := pki.Subject{CommonName: "x"}.Name()
	assert.Nil(t, n.Country)
	assert.Nil(t, n.Province)
	assert.Nil(t, n.Locality)
	assert.Nil(t, n.Organization)
	assert.Nil(t, n.OrganizationalUnit)
	assert.Empty(t, n.ExtraNames)
	assert.Equal(t, "CN=x", n.String())

	n = pki.Subject{DNQualifier: "q", SerialNumber: "7"}.Name()
	require.Len(t, n.ExtraNames, 1)
	assert.Equal(t, oidDNQualifier, n.ExtraNames[0].Type)
	assert.Equal(t, "7", n.SerialNumber)
}

func TestMintWithKey(t *testing.T) {
	ca := testCA(t, pki.KeyEC256)
	key, err := pki.GenerateKey(pki.KeyEC256)
	require.NoError(t, err)

	a, err := ca.MintWithKey(1, pki.Subject{CommonName: "a"}, key)
	require.NoError(t, err)
	b, err := ca.MintWithKey(2, pki.Subject{CommonName: "b"}, key)
	require.NoError(t, err)
	assert.Same(t, key, a.Key)
	assert.NotEqual(t, a.ID, b.ID)
	assert.NotEqual(t, 0, a.Leaf().SerialNumber.Cmp(b.Leaf().SerialNumber))
	verifyClient(t, ca, b.Leaf())

	_, err = ca.MintWithKey(3, pki.Subject{}, nil)
	require.ErrorContains(t, err, "nil key")
	_, err = ca.Mint(4, pki.Subject{}, "dsa")
	require.ErrorContains(t, err, "unknown key type")
}

func TestMintValidity(t *testing.T) {
	base := testCA(t, pki.KeyEC256)
	tests := []struct {
		name     string
		validity time.Duration
		want     time.Time
	}{
		{"default", 0, time.Now().Add(pki.DefaultDeviceValidity)},
		{"one day", 24 * time.Hour, time.Now().Add(24 * time.Hour)},
		{"clamped to CA", 50 * 365 * 24 * time.Hour, base.Cert.NotAfter},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ca := &pki.CA{Cert: base.Cert, Key: base.Key, DeviceValidity: tt.validity}
			id, err := ca.Mint(1, pki.Subject{CommonName: "v"}, pki.KeyEC256)
			require.NoError(t, err)
			assert.WithinDuration(t, tt.want, id.Leaf().NotAfter, time.Minute)
			assert.False(t, id.Leaf().NotAfter.After(base.Cert.NotAfter))
		})
	}
}

// TestMintConcurrent mints from many goroutines on a CA whose cached fields
// are initialised lazily, so the race detector sees the sync.Once path.
func TestMintConcurrent(t *testing.T) {
	base := testCA(t, pki.KeyEC256)
	ca := &pki.CA{Cert: base.Cert, Key: base.Key, CertPEM: base.CertPEM}
	const workers, perWorker = 8, 16
	ids := make([]*pki.Identity, workers*perWorker)
	var wg sync.WaitGroup
	errs := make(chan error, workers)
	for w := range workers {
		wg.Go(func() {
			for i := range perWorker {
				n := w*perWorker + i
				id, err := ca.Mint(n, pki.Subject{CommonName: "dev"}, pki.KeyEC256)
				if err != nil {
					errs <- err
					return
				}
				ids[n] = id
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		require.NoError(t, err)
	}

	seenID := map[string]bool{}
	seenSerial := map[string]bool{}
	for n, id := range ids {
		require.NotNil(t, id)
		assert.Equal(t, n, id.Index)
		assert.False(t, seenID[id.ID], "duplicate certificate ID")
		assert.False(t, seenSerial[id.Leaf().SerialNumber.String()], "duplicate serial")
		seenID[id.ID] = true
		seenSerial[id.Leaf().SerialNumber.String()] = true
		verifyClient(t, base, id.Leaf())
	}
	assert.Len(t, seenID, workers*perWorker)
}

func TestMintSerialsAre128Bit(t *testing.T) {
	ca := testCA(t, pki.KeyEC256)
	key, err := pki.GenerateKey(pki.KeyEC256)
	require.NoError(t, err)
	maxBits := 0
	for i := range 32 {
		id, err := ca.MintWithKey(i, pki.Subject{}, key)
		require.NoError(t, err)
		require.Equal(t, 1, id.Leaf().SerialNumber.Sign())
		maxBits = max(maxBits, id.Leaf().SerialNumber.BitLen())
	}
	// With 32 draws the top byte is all zero with probability 2^-256.
	assert.Greater(t, maxBits, 120)
	assert.LessOrEqual(t, maxBits, 128)
}

// TestIdentityDerivedForms checks the on-demand forms of the certificate: one
// parsed leaf shared by concurrent callers, and fresh PEM buffers on every call.
func TestIdentityDerivedForms(t *testing.T) {
	ca := testCA(t, pki.KeyEC256)
	id, err := ca.Mint(1, pki.Subject{CommonName: "lazy"}, pki.KeyEC256)
	require.NoError(t, err)

	leaves := make([]*x509.Certificate, 8)
	var wg sync.WaitGroup
	for i := range leaves {
		wg.Go(func() { leaves[i] = id.Leaf() })
	}
	wg.Wait()
	require.NotNil(t, leaves[0])
	for _, l := range leaves {
		assert.Same(t, leaves[0], l)
	}
	assert.Equal(t, id.TLS.Certificate[0], leaves[0].Raw)

	certPEM, chainPEM := id.CertPEM(), id.ChainPEM()
	want := append(append([]byte{}, certPEM...), ca.CertPEM...)
	assert.Equal(t, want, chainPEM)
	certPEM[0], chainPEM[0] = 'x', 'x'
	assert.Equal(t, want[:len(certPEM)], id.CertPEM(), "CertPEM returns a new buffer")
	assert.Equal(t, want, id.ChainPEM(), "ChainPEM returns a new buffer")

	var zero pki.Identity
	assert.Nil(t, zero.Leaf())
	assert.Nil(t, zero.CertPEM())
	assert.Nil(t, zero.ChainPEM())
}
