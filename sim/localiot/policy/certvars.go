package policy

import (
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"strconv"
)

// distinguishedName lists the subject and issuer attributes AWS IoT exposes as
// iot:Certificate.Subject.<Name> and iot:Certificate.Issuer.<Name>.
var distinguishedName = []struct {
	name string
	oid  asn1.ObjectIdentifier
}{
	{"Country", asn1.ObjectIdentifier{2, 5, 4, 6}},
	{"Organization", asn1.ObjectIdentifier{2, 5, 4, 10}},
	{"OrganizationalUnit", asn1.ObjectIdentifier{2, 5, 4, 11}},
	{"DistinguishedNameQualifier", asn1.ObjectIdentifier{2, 5, 4, 46}},
	{"State", asn1.ObjectIdentifier{2, 5, 4, 8}},
	{"CommonName", asn1.ObjectIdentifier{2, 5, 4, 3}},
	{"SerialNumber", asn1.ObjectIdentifier{2, 5, 4, 5}},
	{"Title", asn1.ObjectIdentifier{2, 5, 4, 12}},
	{"Surname", asn1.ObjectIdentifier{2, 5, 4, 4}},
	{"GivenName", asn1.ObjectIdentifier{2, 5, 4, 42}},
	{"Initials", asn1.ObjectIdentifier{2, 5, 4, 43}},
	{"Pseudonym", asn1.ObjectIdentifier{2, 5, 4, 65}},
	{"GenerationQualifier", asn1.ObjectIdentifier{2, 5, 4, 44}},
}

// CertificateVariables returns the certificate policy variables of cert:
// iot:Certificate.Subject.<Name> and iot:Certificate.Issuer.<Name> for Country, Organization,
// OrganizationalUnit, DistinguishedNameQualifier, State, CommonName, SerialNumber (the subject
// attribute), Title, Surname, GivenName, Initials, Pseudonym and GenerationQualifier. A field
// with several values also gets <Name>.1, <Name>.2, …; the plain name holds the first value.
func CertificateVariables(cert *x509.Certificate) Variables {
	v := Variables{}
	if cert == nil {
		return v
	}
	addName(v, "iot:Certificate.Subject.", cert.Subject)
	addName(v, "iot:Certificate.Issuer.", cert.Issuer)
	return v
}

// addName adds the documented attributes of one distinguished name under prefix.
func addName(v Variables, prefix string, n pkix.Name) {
	for _, attr := range distinguishedName {
		var vals []string
		for _, atv := range n.Names {
			if s, ok := atv.Value.(string); ok && atv.Type.Equal(attr.oid) {
				vals = append(vals, s)
			}
		}
		if len(vals) == 0 {
			continue
		}
		v[prefix+attr.name] = vals[0]
		if len(vals) > 1 {
			for i, s := range vals {
				v[prefix+attr.name+"."+strconv.Itoa(i+1)] = s
			}
		}
	}
}
