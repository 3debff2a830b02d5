package template

import (
	"crypto/x509"
	"encoding/asn1"
)

// The parameter names JITP fills from a device certificate, as documented by AWS.
const (
	// ParamCountry is the subject C.
	ParamCountry = "AWS::IoT::Certificate::Country"
	// ParamOrganization is the subject O.
	ParamOrganization = "AWS::IoT::Certificate::Organization"
	// ParamOrganizationalUnit is the subject OU.
	ParamOrganizationalUnit = "AWS::IoT::Certificate::OrganizationalUnit"
	// ParamDistinguishedNameQualifier is the subject dnQualifier (OID 2.5.4.46).
	ParamDistinguishedNameQualifier = "AWS::IoT::Certificate::DistinguishedNameQualifier"
	// ParamStateName is the subject ST.
	ParamStateName = "AWS::IoT::Certificate::StateName"
	// ParamCommonName is the subject CN.
	ParamCommonName = "AWS::IoT::Certificate::CommonName"
	// ParamSerialNumber is the subject serialNumber attribute (OID 2.5.4.5), not the certificate serial.
	ParamSerialNumber = "AWS::IoT::Certificate::SerialNumber"
	// ParamID is the certificate ID, which AWS generates rather than reads from the certificate.
	ParamID = "AWS::IoT::Certificate::Id"
)

// oidDNQualifier is the distinguishedNameQualifier attribute (2.5.4.46).
var oidDNQualifier = asn1.ObjectIdentifier{2, 5, 4, 46}

// SubjectParameters maps a certificate to the documented JITP parameters: Country, Organization,
// OrganizationalUnit, DistinguishedNameQualifier, StateName, CommonName and SerialNumber from the
// subject (SerialNumber is the subject attribute, not the certificate serial), plus Id = certID.
// Absent subject fields are absent from the map; a multi-valued field contributes its first value.
func SubjectParameters(cert *x509.Certificate, certID string) map[string]string {
	m := map[string]string{ParamID: certID}
	if cert == nil {
		return m
	}
	s := cert.Subject
	first := func(key string, vals []string) {
		if len(vals) > 0 {
			m[key] = vals[0]
		}
	}
	first(ParamCountry, s.Country)
	first(ParamOrganization, s.Organization)
	first(ParamOrganizationalUnit, s.OrganizationalUnit)
	first(ParamStateName, s.Province)
	if s.CommonName != "" {
		m[ParamCommonName] = s.CommonName
	}
	if s.SerialNumber != "" {
		m[ParamSerialNumber] = s.SerialNumber
	}
	for _, atv := range s.Names {
		if atv.Type.Equal(oidDNQualifier) {
			if v, ok := atv.Value.(string); ok {
				m[ParamDistinguishedNameQualifier] = v
				break
			}
		}
	}
	return m
}
