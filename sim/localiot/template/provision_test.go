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
	body := func(resources string) string { return `{` + params + `,"Resources":{` + resources + `}}` }

	tests := []struct {
		name   string
		body   string
		params map[string]string
		want   *Plan
		errMsg string // expected ClientError text; "" for success
	}{
		{
			name:   "ref and join",
			body:   body(cert + `,"thing":{"Type":"AWS::IoT::Thing","Properties":{"ThingName":{"Fn::Join":["-",["dev",{"Ref":"AWS::IoT::Certificate::CommonName"}]]},"AttributePayload":{"country":{"Ref":"AWS::IoT::Certificate::Country"},"n":3}}}`),
			params: map[string]string{ParamCommonName: "abc", ParamID: "id1", ParamCountry: "NO"},
			want: &Plan{
				Thing:       &ThingSpec{Name: "dev-abc", Attributes: map[string]string{"country": "NO", "n": "3"}},
				Certificate: CertificateSpec{ID: "id1", Status: StatusActive},
			},
		},
		{
			name:   "default used",
			body:   body(cert + `,"thing":{"Type":"AWS::IoT::Thing","Properties":{"ThingName":{"Ref":"AWS::IoT::Certificate::Country"}}}`),
			params: map[string]string{ParamCommonName: "abc", ParamID: "id1"},
			want:   &Plan{Thing: &ThingSpec{Name: "XX"}, Certificate: CertificateSpec{ID: "id1", Status: StatusActive}},
		},
		{
			name: "thing with every property",
			body: body(`"thing":{"Type":"AWS::IoT::Thing","Properties":{
				"ThingName":{"Ref":"AWS::IoT::Certificate::CommonName"},
				"AttributePayload":{"version":"v1"},
				"ThingTypeName":"lightBulb-versionA",
				"ThingGroups":["v1-lightbulbs",{"Ref":"AWS::IoT::Certificate::Country"},"v1-lightbulbs"],
				"BillingGroup":{"Fn::Sub":"bill-${AWS::IoT::Certificate::Country}"}},
				"OverrideSettings":{"AttributePayload":"MERGE","ThingTypeName":"REPLACE","ThingGroups":"DO_NOTHING"}}`),
			params: map[string]string{ParamCommonName: "bulb-1", ParamID: "id1", ParamCountry: "NO"},
			want: &Plan{
				Thing: &ThingSpec{
					Name: "bulb-1", Attributes: map[string]string{"version": "v1"}, TypeName: "lightBulb-versionA",
					Groups: []string{"v1-lightbulbs", "NO"}, BillingGroup: "bill-NO",
					Overrides: ThingOverrides{AttributePayload: OverrideMerge, ThingTypeName: OverrideReplace, ThingGroups: OverrideDoNothing},
				},
				Certificate: CertificateSpec{Status: StatusActive},
			},
		},
		{
			name:   "thing groups from a function",
			body:   body(`"thing":{"Type":"AWS::IoT::Thing","Properties":{"ThingName":"t","ThingGroups":{"Fn::Split":[",","a,b"]}},"OverrideSettings":{"THING_GROUPS":"MERGE","ATTRIBUTE_PAYLOAD":"FAIL","THING_TYPE_NAME":"FAIL"}}`),
			params: map[string]string{ParamCommonName: "x", ParamID: "id1"},
			want: &Plan{
				Thing:       &ThingSpec{Name: "t", Groups: []string{"a", "b"}, Overrides: ThingOverrides{AttributePayload: OverrideFail, ThingTypeName: OverrideFail, ThingGroups: OverrideMerge}},
				Certificate: CertificateSpec{Status: StatusActive},
			},
		},
		{
			name:   "policy by document and by name, status case",
			body:   body(`"certificate":{"Type":"AWS::IoT::Certificate","Properties":{"CertificateId":{"Ref":"AWS::IoT::Certificate::Id"},"Status":"inactive"},"OverrideSettings":{"Status":"DO_NOTHING"}},"a":{"Type":"AWS::IoT::Policy","Properties":{"PolicyDocument":"{ \"Version\": \"2012-10-17\", \"Statement\": [] }"}},"b":{"Type":"AWS::IoT::Policy","Properties":{"PolicyName":{"Fn::Join":["",["p-",{"Ref":"AWS::IoT::Certificate::CommonName"}]]}}}`),
			params: map[string]string{ParamCommonName: "abc", ParamID: "id1"},
			want: &Plan{
				Certificate: CertificateSpec{ID: "id1", Status: StatusInactive},
				Policies:    []PolicySpec{{Name: hex.EncodeToString(docSum[:]), Document: doc}, {Name: "p-abc"}},
			},
		},
		{
			name:   "status from a function",
			body:   body(`"certificate":{"Type":"AWS::IoT::Certificate","Properties":{"CertificateId":{"Ref":"AWS::IoT::Certificate::Id"},"Status":{"Fn::Sub":"Active"}}}`),
			params: map[string]string{ParamCommonName: "abc", ParamID: "id1"},
			want:   &Plan{Certificate: CertificateSpec{ID: "id1", Status: StatusActive}},
		},
		{
			name:   "policy document from a function",
			body:   body(`"p":{"Type":"AWS::IoT::Policy","Properties":{"PolicyDocument":{"Fn::Sub":"{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"iot:Publish\",\"Resource\":\"arn:aws:iot:us-east-1:123456789012:topic/${AWS::IoT::Certificate::CommonName}\"}]}"}}}`),
			params: map[string]string{ParamCommonName: "abc", ParamID: "id1"},
			want: func() *Plan {
				d := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iot:Publish","Resource":"arn:aws:iot:us-east-1:123456789012:topic/abc"}]}`
				sum := sha256.Sum256([]byte(d))
				return &Plan{Certificate: CertificateSpec{Status: StatusActive}, Policies: []PolicySpec{{Name: hex.EncodeToString(sum[:]), Document: d}}}
			}(),
		},
		{
			name:   "no certificate resource defaults to active",
			body:   `{"Resources":{}}`,
			params: map[string]string{ParamID: "id1"},
			want:   &Plan{Certificate: CertificateSpec{Status: StatusActive}},
		},
		// Failures at provisioning time.
		{name: "missing declared parameter", body: body(cert), params: map[string]string{ParamID: "id1"}, errMsg: "no value for parameter AWS::IoT::Certificate::CommonName"},
		{name: "invalid thing name from subject", body: body(`"thing":{"Type":"AWS::IoT::Thing","Properties":{"ThingName":{"Ref":"AWS::IoT::Certificate::CommonName"}}}`), params: map[string]string{ParamCommonName: "has space", ParamID: "id1"}, errMsg: `thing name "has space" does not match`},
		{name: "invalid thing type from subject", body: body(`"thing":{"Type":"AWS::IoT::Thing","Properties":{"ThingName":"t","ThingTypeName":{"Ref":"AWS::IoT::Certificate::CommonName"}}}`), params: map[string]string{ParamCommonName: "a.b", ParamID: "id1"}, errMsg: `thing type name "a.b" does not match`},
		{name: "invalid group from subject", body: body(`"thing":{"Type":"AWS::IoT::Thing","Properties":{"ThingName":"t","ThingGroups":[{"Ref":"AWS::IoT::Certificate::CommonName"}]}}`), params: map[string]string{ParamCommonName: "a b", ParamID: "id1"}, errMsg: `thing group name "a b" does not match`},
		{name: "invalid billing group from subject", body: body(`"thing":{"Type":"AWS::IoT::Thing","Properties":{"ThingName":"t","BillingGroup":{"Ref":"AWS::IoT::Certificate::CommonName"}}}`), params: map[string]string{ParamCommonName: "a@b", ParamID: "id1"}, errMsg: `billing group name "a@b" does not match`},
		{name: "thing groups not a list", body: body(`"thing":{"Type":"AWS::IoT::Thing","Properties":{"ThingName":"t","ThingGroups":{"Ref":"AWS::IoT::Certificate::CommonName"}}}`), params: map[string]string{ParamCommonName: "g", ParamID: "id1"}, errMsg: "ThingGroups must evaluate to a list"},
		{name: "invalid attribute value", body: body(`"thing":{"Type":"AWS::IoT::Thing","Properties":{"ThingName":"t","AttributePayload":{"cn":{"Ref":"AWS::IoT::Certificate::CommonName"}}}}`), params: map[string]string{ParamCommonName: "R&D", ParamID: "id1"}, errMsg: `value "R&D" of attribute cn does not match`},
		{name: "invalid attribute name", body: body(`"thing":{"Type":"AWS::IoT::Thing","Properties":{"ThingName":"t","AttributePayload":{"a b":"x"}}}`), params: map[string]string{ParamCommonName: "c", ParamID: "id1"}, errMsg: `attribute name "a b" does not match`},
		{name: "attribute list", body: body(`"thing":{"Type":"AWS::IoT::Thing","Properties":{"ThingName":"t","AttributePayload":{"a":["x"]}}}`), params: map[string]string{ParamCommonName: "c", ParamID: "id1"}, errMsg: "attribute a must evaluate to a string"},
		{name: "status from subject invalid", body: body(`"certificate":{"Type":"AWS::IoT::Certificate","Properties":{"CertificateId":"x","Status":{"Ref":"AWS::IoT::Certificate::CommonName"}}}`), params: map[string]string{ParamCommonName: "REVOKED", ParamID: "id1"}, errMsg: `certificate Status "REVOKED" must be ACTIVE or INACTIVE`},
		{name: "policy name from subject invalid", body: body(`"p":{"Type":"AWS::IoT::Policy","Properties":{"PolicyName":{"Ref":"AWS::IoT::Certificate::CommonName"}}}`), params: map[string]string{ParamCommonName: "a b", ParamID: "id1"}, errMsg: `policy name "a b" does not match`},
		{name: "policy document from a function malformed", body: body(`"p":{"Type":"AWS::IoT::Policy","Properties":{"PolicyDocument":{"Fn::Sub":"{\"Statement\":7}"}}}`), params: map[string]string{ParamCommonName: "a", ParamID: "id1"}, errMsg: "malformed policy document: Statement must be an object or a list"},
		{name: "policy document from a function not json", body: body(`"p":{"Type":"AWS::IoT::Policy","Properties":{"PolicyDocument":{"Fn::Sub":"${AWS::IoT::Certificate::CommonName}"}}}`), params: map[string]string{ParamCommonName: "a", ParamID: "id1"}, errMsg: "malformed PolicyDocument"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			tp, err := Parse([]byte(tc.body))
			require.NoError(t, err)
			plan, err := tp.Provision(tc.params)
			if tc.errMsg != "" {
				var pe *ProvisionError
				require.True(t, errors.As(err, &pe), "error %v", err)
				assert.Equal(t, ClientError, pe.Kind)
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
	for range 8 {
		go func() {
			p, _ := tp.Provision(map[string]string{ParamCommonName: "dev", ParamID: "x"})
			done <- p
		}()
	}
	for range 8 {
		p := <-done
		require.NotNil(t, p)
		assert.Equal(t, "dev", p.Thing.Name)
	}
}

func TestProvisionErrorText(t *testing.T) {
	assert.Equal(t, "ClientError: x", (&ProvisionError{Kind: ClientError, Msg: "x"}).Error())
	assert.Equal(t, "ClientError: ResourceConflictsException: x", conflictErr("x").Error())
	assert.Equal(t, "Invalid registration template. Template format error: x", formatError("x").Error())
}
