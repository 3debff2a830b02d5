package template

import (
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"math/big"
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestSubjectParameters(t *testing.T) {
	tests := []struct {
		name string
		subj pkix.Name
		want map[string]string
	}{
		{
			name: "classic nordic subject",
			subj: pkix.Name{Country: []string{"US"}, Province: []string{"Oregon"}, Locality: []string{"Portland"}, Organization: []string{"Nordic Semiconductor"}, OrganizationalUnit: []string{"R&D"}, CommonName: "nrf-jitp-1"},
			want: map[string]string{ParamCountry: "US", ParamStateName: "Oregon", ParamOrganization: "Nordic Semiconductor", ParamOrganizationalUnit: "R&D", ParamCommonName: "nrf-jitp-1", ParamID: "cid"},
		},
		{
			name: "dn qualifier and subject serial number",
			subj: pkix.Name{CommonName: "d", SerialNumber: "SN-42", ExtraNames: []pkix.AttributeTypeAndValue{{Type: asn1.ObjectIdentifier{2, 5, 4, 46}, Value: "q1"}}},
			want: map[string]string{ParamCommonName: "d", ParamSerialNumber: "SN-42", ParamDistinguishedNameQualifier: "q1", ParamID: "cid"},
		},
		{
			name: "empty subject",
			want: map[string]string{ParamID: "cid"},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			// Round-trip through DER so the test sees what a parsed peer certificate carries.
			raw, err := asn1.Marshal(tc.subj.ToRDNSequence())
			if err != nil {
				t.Fatal(err)
			}
			var rdn pkix.RDNSequence
			if _, err := asn1.Unmarshal(raw, &rdn); err != nil {
				t.Fatal(err)
			}
			var parsed pkix.Name
			parsed.FillFromRDNSequence(&rdn)
			cert := &x509.Certificate{Subject: parsed, SerialNumber: big.NewInt(99)}
			assert.Equal(t, tc.want, SubjectParameters(cert, "cid"))
		})
	}
}
