package template

import (
	"encoding/json"
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// samplesRegfile is aws-samples/aws-iot-jitp-sample-scripts etc/regfile.tmp with the account filled in.
const samplesRegfile = `{
"templateBody" : "{ \"Parameters\" : { \"AWS::IoT::Certificate::CommonName\": { \"Type\": \"String\" }, \"AWS::IoT::Certificate::SerialNumber\": {  \"Type\": \"String\" }, \"AWS::IoT::Certificate::Id\": { \"Type\": \"String\" } }, \"Resources\": { \"thing\": { \"Type\": \"AWS::IoT::Thing\", \"Properties\": { \"ThingName\": {\"Ref\": \"AWS::IoT::Certificate::CommonName\"  }, \"AttributePayload\": {} }}, \"certificate\": { \"Type\": \"AWS::IoT::Certificate\", \"Properties\": { \"CertificateId\": {\"Ref\": \"AWS::IoT::Certificate::Id\" }, \"Status\": \"ACTIVE\" }}, \"policy\": { \"Type\": \"AWS::IoT::Policy\", \"Properties\": { \"PolicyName\": \"IoTAccess\" } }}}",
"roleArn" : "arn:aws:iam::123456789012:role/IoTProvisioning"
}`

// bareBody is a minimal template body with an escaped-string PolicyDocument.
const bareBody = `{
  "Parameters": {"AWS::IoT::Certificate::CommonName": {"Type": "String"}, "AWS::IoT::Certificate::Id": {"Type": "String"}},
  "Resources": {
    "thing": {"Type": "AWS::IoT::Thing", "Properties": {"ThingName": {"Ref": "AWS::IoT::Certificate::CommonName"}}},
    "certificate": {"Type": "AWS::IoT::Certificate", "Properties": {"CertificateId": {"Ref": "AWS::IoT::Certificate::Id"}, "Status": "Active"}},
    "policy": {"Type": "AWS::IoT::Policy", "Properties": {"PolicyDocument": "{ \"Version\": \"2012-10-17\", \"Statement\": [{\"Effect\": \"Allow\", \"Action\": [\"iot:Connect\"], \"Resource\": [\"*\"]}] }"}}
  }
}`

// stringified wraps body as AWS's registration config: templateBody is an escaped JSON string.
func stringified(t *testing.T, body, roleArn string) []byte {
	t.Helper()
	b, err := json.Marshal(map[string]string{"templateBody": body, "roleArn": roleArn})
	require.NoError(t, err)
	return b
}

func TestParseForms(t *testing.T) {
	tests := []struct {
		name       string
		data       []byte
		roleArn    string
		thing      bool
		policyName string
		nPolicies  int
	}{
		{name: "readable classic", data: ClassicJSON(), roleArn: "arn:aws:iam::123456789012:role/JITPRole", thing: true, nPolicies: 1},
		{name: "bare body", data: []byte(bareBody), thing: true, nPolicies: 1},
		{name: "stringified", data: stringified(t, bareBody, "arn:aws:iam::123456789012:role/JITPRole"), roleArn: "arn:aws:iam::123456789012:role/JITPRole", thing: true, nPolicies: 1},
		{name: "aws samples regfile", data: []byte(samplesRegfile), roleArn: "arn:aws:iam::123456789012:role/IoTProvisioning", thing: true, policyName: "IoTAccess", nPolicies: 1},
		{name: "no thing no policy", data: []byte(`{"Parameters":{"AWS::IoT::Certificate::Id":{"Type":"String"}},"Resources":{"c":{"Type":"AWS::IoT::Certificate","Properties":{"CertificateId":{"Ref":"AWS::IoT::Certificate::Id"}}}}}`)},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			tp, err := Parse(tc.data)
			require.NoError(t, err)
			assert.Equal(t, tc.roleArn, tp.RoleArn())
			assert.Equal(t, tc.thing, tp.thing != nil)
			require.Len(t, tp.policies, tc.nPolicies)
			if tc.policyName != "" {
				assert.Equal(t, tc.policyName, tp.policies[0].name)
			}

			// The readable form from MarshalJSON parses back to the same body.
			again, err := json.Marshal(tp)
			require.NoError(t, err)
			tp2, err := Parse(again)
			require.NoError(t, err)
			assert.Equal(t, tp.Body(), tp2.Body())
			assert.Equal(t, tp.RoleArn(), tp2.RoleArn())
		})
	}
}

func TestParseErrors(t *testing.T) {
	res := func(props string) string {
		return `{"Parameters":{"AWS::IoT::Certificate::Id":{"Type":"String"}},"Resources":{` + props + `}}`
	}
	tests := []struct {
		name string
		data []byte
		want string
	}{
		{name: "empty", data: []byte(``), want: "Invalid registration template. Template format error: JSON not well-formed"},
		{name: "python str(dict)", data: []byte(`{'templateBody': '{}'}`), want: "Invalid registration template. Template format error: JSON not well-formed with location of [line: 1, column: 2]"},
		{name: "trailing data", data: []byte("{\"Resources\":{}}\n}"), want: "JSON not well-formed with location of [line: 2, column: 1]"},
		{name: "not an object", data: []byte(`[1,2]`), want: "Invalid registration template. Template format error: the template must be a JSON object"},
		{name: "bad stringified body", data: stringified(t, `{"Resources": {`, ""), want: "Invalid registration template. Template format error: JSON not well-formed"},
		{name: "double stringified", data: stringified(t, `"{\"Resources\":{}}"`, ""), want: "Invalid registration template. Template format error: JSON not well-formed"},
		{name: "templateBody number", data: []byte(`{"templateBody": 7}`), want: "JSON not well-formed"},
		{name: "roleArn number", data: []byte(`{"templateBody": {"Resources": {}}, "roleArn": 7}`), want: "roleArn must be a string"},
		{name: "no resources", data: []byte(`{"foo": 1}`), want: "neither templateBody nor Resources is present"},
		{name: "template name", data: []byte(`{"templateName": "x"}`), want: "templateName"},
		{name: "policy with neither", data: []byte(res(`"p":{"Type":"AWS::IoT::Policy","Properties":{}}`)), want: "Invalid registration template. Neither policyName nor policyDocument is present in the Template."},
		{name: "policy with both", data: []byte(res(`"p":{"Type":"AWS::IoT::Policy","Properties":{"PolicyName":"a","PolicyDocument":"{}"}}`)), want: "Both policyName and policyDocument"},
		{name: "policy document not json", data: []byte(res(`"p":{"Type":"AWS::IoT::Policy","Properties":{"PolicyDocument":"{nope"}}`)), want: "PolicyDocument of resource p is not a JSON object"},
		{name: "bad policy name", data: []byte(res(`"p":{"Type":"AWS::IoT::Policy","Properties":{"PolicyName":"a b"}}`)), want: "policy name"},
		{name: "unknown type", data: []byte(res(`"x":{"Type":"AWS::IoT::ThingGroup"}`)), want: "unsupported Type AWS::IoT::ThingGroup"},
		{name: "missing type", data: []byte(res(`"x":{}`)), want: "resource x has no Type"},
		{name: "thing without name", data: []byte(res(`"t":{"Type":"AWS::IoT::Thing","Properties":{}}`)), want: "ThingName is missing"},
		{name: "thing type unsupported", data: []byte(res(`"t":{"Type":"AWS::IoT::Thing","Properties":{"ThingName":"a","ThingTypeName":"b"}}`)), want: "property ThingTypeName of resource t is not supported"},
		{name: "bad literal thing name", data: []byte(res(`"t":{"Type":"AWS::IoT::Thing","Properties":{"ThingName":"a b"}}`)), want: "thing name"},
		{name: "two things", data: []byte(res(`"a":{"Type":"AWS::IoT::Thing","Properties":{"ThingName":"a"}},"b":{"Type":"AWS::IoT::Thing","Properties":{"ThingName":"b"}}`)), want: "only one is allowed"},
		{name: "csr in jitp", data: []byte(res(`"c":{"Type":"AWS::IoT::Certificate","Properties":{"CertificateSigningRequest":"x"}}`)), want: "you must use CertificateId"},
		{name: "bad status", data: []byte(res(`"c":{"Type":"AWS::IoT::Certificate","Properties":{"CertificateId":"x","Status":"REVOKED"}}`)), want: "must be ACTIVE or INACTIVE"},
		{name: "undeclared ref", data: []byte(res(`"t":{"Type":"AWS::IoT::Thing","Properties":{"ThingName":{"Ref":"AWS::IoT::Certificate::Country"}}}`)), want: "unresolved resource dependencies [AWS::IoT::Certificate::Country]"},
		{name: "bad override", data: []byte(res(`"t":{"Type":"AWS::IoT::Thing","Properties":{"ThingName":"a"},"OverrideSettings":{"AttributePayload":"MAYBE"}}`)), want: "OverrideSettings AttributePayload"},
		{name: "parameter type", data: []byte(`{"Parameters":{"p":{"Type":"Number"}},"Resources":{}}`), want: "only String is supported"},
		{name: "parameter default object", data: []byte(`{"Parameters":{"p":{"Type":"String","Default":{}}},"Resources":{}}`), want: "Default of parameter p"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Parse(tc.data)
			require.Error(t, err)
			assert.Contains(t, err.Error(), tc.want)
			var ite *InvalidTemplateError
			assert.True(t, errors.As(err, &ite), "error type %T", err)
		})
	}
}

func TestParseBodyTooLong(t *testing.T) {
	long := make([]byte, maxBodyLen)
	for i := range long {
		long[i] = 'a'
	}
	data := []byte(`{"Resources":{},"Description":"` + string(long) + `"}`)
	_, err := Parse(data)
	require.ErrorContains(t, err, "the limit is 10240")
}

func TestClassic(t *testing.T) {
	tp := Classic()
	assert.Equal(t, "arn:aws:iam::123456789012:role/JITPRole", tp.RoleArn())
	plan, err := tp.Provision(map[string]string{ParamCommonName: "nrf-jitp-123", ParamID: "abc"})
	require.NoError(t, err)
	require.NotNil(t, plan.Thing)
	assert.Equal(t, "nrf-jitp-123", plan.Thing.Name)
	assert.Equal(t, map[string]string{"version": "v1"}, plan.Thing.Attributes)
	assert.Equal(t, CertificateSpec{ID: "abc", Status: StatusActive}, plan.Certificate)
	require.Len(t, plan.Policies, 1)
	assert.JSONEq(t, `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["iot:Connect","iot:Publish","iot:Subscribe","iot:Receive"],"Resource":["*"]}]}`, plan.Policies[0].Document)
	assert.Len(t, plan.Policies[0].Name, 64)
}
