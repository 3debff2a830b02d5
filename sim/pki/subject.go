package pki

import (
	"crypto/x509/pkix"
	"encoding/asn1"
)

// oidDNQualifier is the object identifier of the X.520 dnQualifier attribute.
var oidDNQualifier = asn1.ObjectIdentifier{2, 5, 4, 46}

// Subject holds the subject fields of a device certificate. Empty fields are omitted.
type Subject struct {
	Country            string
	State              string
	Locality           string
	Organization       string
	OrganizationalUnit string
	CommonName         string
	DNQualifier        string // X.520 dnQualifier, OID 2.5.4.46
	SerialNumber       string // subject serialNumber attribute, OID 2.5.4.5
}

// Name returns the subject as a pkix.Name; DNQualifier is added through ExtraNames.
func (s Subject) Name() pkix.Name {
	var n pkix.Name
	if s.Country != "" {
		n.Country = []string{s.Country}
	}
	if s.State != "" {
		n.Province = []string{s.State}
	}
	if s.Locality != "" {
		n.Locality = []string{s.Locality}
	}
	if s.Organization != "" {
		n.Organization = []string{s.Organization}
	}
	if s.OrganizationalUnit != "" {
		n.OrganizationalUnit = []string{s.OrganizationalUnit}
	}
	n.CommonName = s.CommonName
	n.SerialNumber = s.SerialNumber
	if s.DNQualifier != "" {
		n.ExtraNames = []pkix.AttributeTypeAndValue{{Type: oidDNQualifier, Value: s.DNQualifier}}
	}
	return n
}

// SubjectFromName extracts a Subject from a parsed name, such as x509.Certificate.Subject.
// Only the first value of each multi-valued field is kept.
func SubjectFromName(n pkix.Name) Subject {
	first := func(v []string) string {
		if len(v) == 0 {
			return ""
		}
		return v[0]
	}
	s := Subject{
		Country:            first(n.Country),
		State:              first(n.Province),
		Locality:           first(n.Locality),
		Organization:       first(n.Organization),
		OrganizationalUnit: first(n.OrganizationalUnit),
		CommonName:         n.CommonName,
		SerialNumber:       n.SerialNumber,
	}
	for _, list := range [][]pkix.AttributeTypeAndValue{n.ExtraNames, n.Names} {
		for _, atv := range list {
			if v, ok := atv.Value.(string); ok && atv.Type.Equal(oidDNQualifier) {
				s.DNQualifier = v
				return s
			}
		}
	}
	return s
}
