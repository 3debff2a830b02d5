package policy

import (
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// parsedName round-trips a name through DER, as a parsed peer certificate carries it.
func parsedName(t *testing.T, n pkix.Name) pkix.Name {
	t.Helper()
	raw, err := asn1.Marshal(n.ToRDNSequence())
	require.NoError(t, err)
	var rdn pkix.RDNSequence
	_, err = asn1.Unmarshal(raw, &rdn)
	require.NoError(t, err)
	var out pkix.Name
	out.FillFromRDNSequence(&rdn)
	return out
}

func TestCertificateVariables(t *testing.T) {
	oid := func(n ...int) asn1.ObjectIdentifier { return asn1.ObjectIdentifier(append([]int{2, 5, 4}, n...)) }
	subject := pkix.Name{
		Country: []string{"US"}, Organization: []string{"IoT Devices"}, OrganizationalUnit: []string{"Kitchen", "LightBulb"},
		Province: []string{"NY"}, Locality: []string{"Brooklyn"}, CommonName: "LightBulb Device Cert", SerialNumber: "123",
		ExtraNames: []pkix.AttributeTypeAndValue{
			{Type: oid(46), Value: "Bulb001"}, {Type: oid(12), Value: "RGB"}, {Type: oid(4), Value: "Multi Color"},
			{Type: oid(42), Value: "Bulb"}, {Type: oid(43), Value: "ZZ"}, {Type: oid(65), Value: "RGB Device"}, {Type: oid(44), Value: "4"},
		},
	}
	issuer := pkix.Name{Organization: []string{"IoT Devices"}, CommonName: "IoT Devices Primary CA"}
	cert := &x509.Certificate{Subject: parsedName(t, subject), Issuer: parsedName(t, issuer)}

	got := CertificateVariables(cert)
	want := Variables{
		"iot:Certificate.Subject.Country":                    "US",
		"iot:Certificate.Subject.Organization":               "IoT Devices",
		"iot:Certificate.Subject.OrganizationalUnit":         "Kitchen",
		"iot:Certificate.Subject.OrganizationalUnit.1":       "Kitchen",
		"iot:Certificate.Subject.OrganizationalUnit.2":       "LightBulb",
		"iot:Certificate.Subject.State":                      "NY",
		"iot:Certificate.Subject.CommonName":                 "LightBulb Device Cert",
		"iot:Certificate.Subject.SerialNumber":               "123",
		"iot:Certificate.Subject.DistinguishedNameQualifier": "Bulb001",
		"iot:Certificate.Subject.Title":                      "RGB",
		"iot:Certificate.Subject.Surname":                    "Multi Color",
		"iot:Certificate.Subject.GivenName":                  "Bulb",
		"iot:Certificate.Subject.Initials":                   "ZZ",
		"iot:Certificate.Subject.Pseudonym":                  "RGB Device",
		"iot:Certificate.Subject.GenerationQualifier":        "4",
		"iot:Certificate.Issuer.Organization":                "IoT Devices",
		"iot:Certificate.Issuer.CommonName":                  "IoT Devices Primary CA",
	}
	assert.Equal(t, want, got)
	assert.Empty(t, CertificateVariables(nil))
}
