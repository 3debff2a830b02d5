package template

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestProvision(t *testing.T) {
	const params = `"Parameters":{
		"AWS::IoT::Certificate::CommonName":{"Type":"String"},
		"AWS::IoT::Certificate::Id":{"Type":"String"},
		"AWS::IoT::Certificate::Country":{"Type":"String","Default":"XX"}}`
	const cert = `"certificate":{"Type":"AWS::IoT::Certificate","Properties":{"CertificateId":{"Ref":"AWS::IoT::Certificate::Id"}}}`
	doc := `{"Version":"2012-10-17","Statement":[]}`
	docSum := sha256.Sum256([]byte(doc))

	tests := []struct {
		name   string
		body   string
		params map[string]string
		want   *Plan
		kind   string // expected ProvisionError kind, "" for success
		errMsg string
	}{
		{
			name:   "ref and join",
			body:   `{` + params + `,"Resources":{` + cert + `,"thing":{"Type":"AWS::IoT::Thing","Properties":{"ThingName":{"Fn::Join":["-",["dev",{"Ref":"AWS::IoT::Certificate::CommonName"}]]},"AttributePayload":{"country":{"Ref":"AWS::IoT::Certificate::Country"},"n":3}}}}}`,
			params: map[string]string{ParamCommonName: "abc", ParamID: "id1", ParamCountry: "NO"},
			want: &Plan{
				Thing:       &ThingSpec{Name: "dev-abc", Attributes: map[string]string{"country": "NO", "n": "3"}},
				Certificate: CertificateSpec{ID: "id1", Status: StatusActive},
			},
		},
		{
			name:   "default used",
			body:   `{` + params + `,"Resources":{` + cert + `,"thing":{"Type":"AWS::IoT::Thing","Properties":{"ThingName":{"Ref":"AWS::IoT::Certificate::Country"}}}}}`,
			params: map[string]string{ParamCommonName: "abc", ParamID: "id1"},
			want:   &Plan{Thing: &ThingSpec{Name: "XX"}, Certificate: CertificateSpec{ID: "id1", Status: StatusActive}},
		},
		{
			name:   "missing declared parameter",
			body:   `{` + params + `,"Resources":{` + cert + `}}`,
			params: map[string]string{ParamID: "id1"},
			kind:   ClientError,
			errMsg: "no value for parameter AWS::IoT::Certificate::CommonName",
		},
		{
			name:   "unsupported function",
			body:   `{` + params + `,"Resources":{"thing":{"Type":"AWS::IoT::Thing","Properties":{"ThingName":{"Fn::Sub":"x-${AWS::IoT::Certificate::CommonName}"}}}}}`,
			params: map[string]string{ParamCommonName: "abc", ParamID: "id1"},
			kind:   ClientError,
			errMsg: "unsupported intrinsic function Fn::Sub",
		},
		{
			name:   "bad join",
			body:   `{` + params + `,"Resources":{"thing":{"Type":"AWS::IoT::Thing","Properties":{"ThingName":{"Fn::Join":["-"]}}}}}`,
			params: map[string]string{ParamCommonName: "abc", ParamID: "id1"},
			kind:   ClientError,
			errMsg: "Fn::Join takes",
		},
		{
			name:   "invalid thing name from subject",
			body:   `{` + params + `,"Resources":{"thing":{"Type":"AWS::IoT::Thing","Properties":{"ThingName":{"Ref":"AWS::IoT::Certificate::CommonName"}}}}}`,
			params: map[string]string{ParamCommonName: "has space", ParamID: "id1"},
			kind:   ClientError,
			errMsg: "thing name",
		},
		{
			name:   "policy by document and by name, status case",
			body:   `{` + params + `,"Resources":{"certificate":{"Type":"AWS::IoT::Certificate","Properties":{"CertificateId":{"Ref":"AWS::IoT::Certificate::Id"},"Status":"inactive"}},"a":{"Type":"AWS::IoT::Policy","Properties":{"PolicyDocument":"{ \"Version\": \"2012-10-17\", \"Statement\": [] }"}},"b":{"Type":"AWS::IoT::Policy","Properties":{"PolicyName":{"Fn::Join":["",["p-",{"Ref":"AWS::IoT::Certificate::CommonName"}]]}}}}}`,
			params: map[string]string{ParamCommonName: "abc", ParamID: "id1"},
			want: &Plan{
				Certificate: CertificateSpec{ID: "id1", Status: StatusInactive},
				Policies:    []PolicySpec{{Name: hex.EncodeToString(docSum[:]), Document: doc}, {Name: "p-abc"}},
			},
		},
		{
			name:   "no certificate resource defaults to active",
			body:   `{"Resources":{}}`,
			params: map[string]string{ParamID: "id1"},
			want:   &Plan{Certificate: CertificateSpec{Status: StatusActive}},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			tp, err := Parse([]byte(tc.body))
			require.NoError(t, err)
			plan, err := tp.Provision(tc.params)
			if tc.kind != "" {
				var pe *ProvisionError
				require.True(t, errors.As(err, &pe), "error %v", err)
				assert.Equal(t, tc.kind, pe.Kind)
				assert.Contains(t, pe.Error(), tc.errMsg)
				assert.Nil(t, plan)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tc.want, plan)
		})
	}
}

func TestProvisionConcurrent(t *testing.T) {
	tp := Classic()
	done := make(chan *Plan, 8)
	for i := 0; i < 8; i++ {
		go func() {
			p, _ := tp.Provision(map[string]string{ParamCommonName: "dev", ParamID: "x"})
			done <- p
		}()
	}
	for i := 0; i < 8; i++ {
		p := <-done
		require.NotNil(t, p)
		assert.Equal(t, "dev", p.Thing.Name)
	}
}
