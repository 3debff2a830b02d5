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
		{name: "aws docs JITP body", data: []byte(docsJITPBody), thing: true, nPolicies: 1},
		{name: "blog registration config", data: []byte(blogJITPConfig), roleArn: "arn:aws:iam::123456789012:role/JITPRole", thing: true, nPolicies: 1},
		{name: "iot-atlas readable", data: []byte(atlasJITP), roleArn: "arn:aws:iam::123456789012:role/JITPRole", thing: true, nPolicies: 1},
		{name: "mappings and functions", data: []byte(thingNamed(`{"Fn::FindInMap":["m","a",{"Fn::Select":[0,{"Fn::Split":["-",{"Fn::Sub":"b-${AWS::IoT::Certificate::CommonName}"}]}]}]}`, `{"m":{"a":{"b":"x","c":["y"]}}}`)), thing: true},
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
	thing := func(name string) string {
		return res(`"t":{"Type":"AWS::IoT::Thing","Properties":{"ThingName":` + name + `}}`)
	}
	tests := []struct {
		name string
		data string
		want string
	}{
		// Shape of the document.
		{name: "empty", data: ``, want: "Invalid registration template. Template format error: JSON not well-formed"},
		{name: "python str(dict)", data: `{'templateBody': '{}'}`, want: "Invalid registration template. Template format error: JSON not well-formed with location of [line: 1, column: 2]"},
		{name: "trailing data", data: "{\"Resources\":{}}\n}", want: "JSON not well-formed with location of [line: 2, column: 1]"},
		{name: "not an object", data: `[1,2]`, want: "Invalid registration template. Template format error: the template must be a JSON object"},
		{name: "bad stringified body", data: string(stringified(t, `{"Resources": {`, "")), want: "Invalid registration template. Template format error: JSON not well-formed"},
		{name: "double stringified", data: string(stringified(t, `"{\"Resources\":{}}"`, "")), want: "Invalid registration template. Template format error: JSON not well-formed"},
		{name: "templateBody number", data: `{"templateBody": 7}`, want: "JSON not well-formed"},
		{name: "roleArn number", data: `{"templateBody": {"Resources": {}}, "roleArn": 7}`, want: "roleArn must be a string"},
		{name: "no resources", data: `{"foo": 1}`, want: "neither templateBody nor Resources is present"},
		{name: "resources not object", data: `{"Parameters":{},"Resources":[]}`, want: "Template format error: Resources must be a JSON object"},
		{name: "template name", data: `{"templateName": "x"}`, want: "templateName"},
		// Parameters and Mappings.
		{name: "parameters not object", data: `{"Parameters":[],"Resources":{}}`, want: "Parameters must be a JSON object"},
		{name: "parameter not object", data: `{"Parameters":{"p":"String"},"Resources":{}}`, want: "parameter p must be a JSON object"},
		{name: "parameter type", data: `{"Parameters":{"p":{"Type":"Number"}},"Resources":{}}`, want: "only String is supported"},
		{name: "parameter default object", data: `{"Parameters":{"p":{"Type":"String","Default":{}}},"Resources":{}}`, want: "Default of parameter p"},
		{name: "mappings not object", data: `{"Mappings":[],"Resources":{}}`, want: "Template format error: Mappings must be a JSON object"},
		{name: "mapping not object", data: `{"Mappings":{"m":"x"},"Resources":{}}`, want: "mapping m must be a JSON object"},
		{name: "mapping key not object", data: `{"Mappings":{"m":{"a":"x"}},"Resources":{}}`, want: "key a of mapping m must be a JSON object"},
		{name: "mapping value object", data: `{"Mappings":{"m":{"a":{"b":{}}}},"Resources":{}}`, want: "value a.b of mapping m must be a string or a list of strings"},
		// Intrinsic functions.
		{name: "undeclared ref", data: thing(`{"Ref":"AWS::IoT::Certificate::Country"}`), want: "Template format error: Unresolved resource dependencies [AWS::IoT::Certificate::Country] in the Resources block of the template in property ThingName of resource t"},
		{name: "ref not a string", data: thing(`{"Ref":["x"]}`), want: "Ref must name a parameter"},
		{name: "unsupported function", data: thing(`{"Fn::If":["c","a","b"]}`), want: "Encountered unsupported function: Fn::If Supported functions are: [Fn::FindInMap, Fn::Join, Fn::Select, Fn::Split, Fn::Sub, Ref]"},
		{name: "get att unsupported", data: thing(`{"Fn::GetAtt":["t","Arn"]}`), want: "Encountered unsupported function: Fn::GetAtt"},
		{name: "join arity", data: thing(`{"Fn::Join":["-"]}`), want: "Fn::Join takes a list of a delimiter and a list of values"},
		{name: "join delimiter", data: thing(`{"Fn::Join":[1,["a"]]}`), want: "the Fn::Join delimiter must be a string"},
		{name: "join values", data: thing(`{"Fn::Join":["-","a"]}`), want: "the Fn::Join values must be a list"},
		{name: "join nested ref", data: thing(`{"Fn::Join":["-",["a",{"Ref":"nope"}]]}`), want: "Unresolved resource dependencies [nope]"},
		{name: "select arity", data: thing(`{"Fn::Select":["0"]}`), want: "Fn::Select takes a list of an index and a list of values"},
		{name: "select index word", data: thing(`{"Fn::Select":["one",["a"]]}`), want: `the Fn::Select index "one" is not a non-negative integer`},
		{name: "select negative index", data: thing(`{"Fn::Select":[-1,["a"]]}`), want: `the Fn::Select index "-1" is not a non-negative integer`},
		{name: "select index object", data: thing(`{"Fn::Select":[{"a":1},["a"]]}`), want: "the Fn::Select index must be a string, a number or a function"},
		{name: "select values", data: thing(`{"Fn::Select":[0,"a"]}`), want: "the Fn::Select values must be a list"},
		{name: "split arity", data: thing(`{"Fn::Split":["-"]}`), want: "Fn::Split takes a list of a delimiter and a source string"},
		{name: "split empty delimiter", data: thing(`{"Fn::Select":[0,{"Fn::Split":["","a-b"]}]}`), want: "the Fn::Split delimiter must be a non-empty string"},
		{name: "split source", data: thing(`{"Fn::Select":[0,{"Fn::Split":["-",["a"]]}]}`), want: "the Fn::Split source must be a string"},
		{name: "sub shape", data: thing(`{"Fn::Sub":["a"]}`), want: "Fn::Sub takes a string, or a list of a string and an object of variables"},
		{name: "sub unknown variable", data: thing(`{"Fn::Sub":"dev-${Nope}"}`), want: "Unresolved resource dependencies [Nope]"},
		{name: "sub map value ref", data: thing(`{"Fn::Sub":["${a}",{"a":{"Ref":"nope"}}]}`), want: "Unresolved resource dependencies [nope]"},
		{name: "find in map arity", data: thing(`{"Fn::FindInMap":["m","a"]}`), want: "Fn::FindInMap takes a list of a map name, a top-level key and a second-level key"},
		{name: "find in map unknown mapping", data: thing(`{"Fn::FindInMap":["m","a","b"]}`), want: "Mapping named 'm' is not present in the 'Mappings' section of template"},
		{name: "find in map unknown key", data: `{"Mappings":{"m":{"a":{"b":"x"}}},"Resources":{"t":{"Type":"AWS::IoT::Thing","Properties":{"ThingName":{"Fn::FindInMap":["m","a","c"]}}}}}`, want: "mapping m has no key a.c"},
		{name: "find in map unknown top key", data: `{"Mappings":{"m":{"a":{"b":"x"}}},"Resources":{"t":{"Type":"AWS::IoT::Thing","Properties":{"ThingName":{"Fn::FindInMap":["m","z","b"]}}}}}`, want: "mapping m has no key z"},
		{name: "find in map key object", data: thing(`{"Fn::FindInMap":["m",{},"b"]}`), want: "the Fn::FindInMap source must be a string"},
		// Resources.
		{name: "resource not object", data: res(`"x":1`), want: "Template format error: resource x must be a JSON object"},
		{name: "properties not object", data: res(`"x":{"Type":"AWS::IoT::Thing","Properties":1}`), want: "Properties of resource x must be a JSON object"},
		{name: "unknown type", data: res(`"x":{"Type":"AWS::IoT::ThingGroup"}`), want: "unsupported Type AWS::IoT::ThingGroup"},
		{name: "missing type", data: res(`"x":{}`), want: "resource x has no Type"},
		{name: "thing without name", data: res(`"t":{"Type":"AWS::IoT::Thing","Properties":{}}`), want: "ThingName is missing"},
		{name: "thing unknown property", data: res(`"t":{"Type":"AWS::IoT::Thing","Properties":{"ThingName":"a","Shadow":"b"}}`), want: "property Shadow of resource t is not supported"},
		{name: "bad literal thing name", data: thing(`"a b"`), want: `thing name "a b" does not match`},
		{name: "thing name number", data: thing(`7`), want: "ThingName of resource t must be a string or an intrinsic function"},
		{name: "bad thing type name", data: res(`"t":{"Type":"AWS::IoT::Thing","Properties":{"ThingName":"a","ThingTypeName":"b c"}}`), want: `thing type name "b c" does not match`},
		{name: "bad billing group name", data: res(`"t":{"Type":"AWS::IoT::Thing","Properties":{"ThingName":"a","BillingGroup":"b/c"}}`), want: `billing group name "b/c" does not match`},
		{name: "thing groups not list", data: res(`"t":{"Type":"AWS::IoT::Thing","Properties":{"ThingName":"a","ThingGroups":"g"}}`), want: "ThingGroups of resource t must be a list"},
		{name: "bad thing group name", data: res(`"t":{"Type":"AWS::IoT::Thing","Properties":{"ThingName":"a","ThingGroups":["ok","not ok"]}}`), want: `thing group name "not ok" does not match`},
		{name: "attribute payload list", data: res(`"t":{"Type":"AWS::IoT::Thing","Properties":{"ThingName":"a","AttributePayload":["x"]}}`), want: "AttributePayload of resource t must be a JSON object"},
		{name: "two things", data: res(`"a":{"Type":"AWS::IoT::Thing","Properties":{"ThingName":"a"}},"b":{"Type":"AWS::IoT::Thing","Properties":{"ThingName":"b"}}`), want: "only one is allowed"},
		{name: "csr in jitp", data: res(`"c":{"Type":"AWS::IoT::Certificate","Properties":{"CertificateSigningRequest":"x"}}`), want: "you must use CertificateId"},
		{name: "no certificate id", data: res(`"c":{"Type":"AWS::IoT::Certificate","Properties":{"Status":"ACTIVE"}}`), want: "CertificateId is missing from resource c"},
		{name: "bad status", data: res(`"c":{"Type":"AWS::IoT::Certificate","Properties":{"CertificateId":"x","Status":"REVOKED"}}`), want: "must be ACTIVE or INACTIVE"},
		{name: "two certificates", data: res(`"a":{"Type":"AWS::IoT::Certificate","Properties":{"CertificateId":"x"}},"b":{"Type":"AWS::IoT::Certificate","Properties":{"CertificateId":"y"}}`), want: "only one is allowed"},
		{name: "policy with neither", data: res(`"p":{"Type":"AWS::IoT::Policy","Properties":{}}`), want: "Invalid registration template. Neither policyName nor policyDocument is present in the Template."},
		{name: "policy with both", data: res(`"p":{"Type":"AWS::IoT::Policy","Properties":{"PolicyName":"a","PolicyDocument":"{}"}}`), want: "Both policyName and policyDocument"},
		{name: "policy document not json", data: res(`"p":{"Type":"AWS::IoT::Policy","Properties":{"PolicyDocument":"{nope"}}`), want: "PolicyDocument of resource p is not a JSON object"},
		{name: "policy document number", data: res(`"p":{"Type":"AWS::IoT::Policy","Properties":{"PolicyDocument":7}}`), want: "PolicyDocument of resource p must be a JSON object or an escaped JSON string"},
		{name: "policy document malformed policy", data: res(`"p":{"Type":"AWS::IoT::Policy","Properties":{"PolicyDocument":{"Version":"2012-10-17","Statement":[{"Effect":"Permit","Action":"iot:*","Resource":"*"}]}}}`), want: `PolicyDocument of resource p: malformed policy document: statement 1: Effect must be "Allow" or "Deny"`},
		{name: "bad policy name", data: res(`"p":{"Type":"AWS::IoT::Policy","Properties":{"PolicyName":"a b"}}`), want: "policy name"},
		// OverrideSettings.
		{name: "bad override value", data: res(`"t":{"Type":"AWS::IoT::Thing","Properties":{"ThingName":"a"},"OverrideSettings":{"AttributePayload":"MAYBE"}}`), want: "OverrideSettings AttributePayload of resource t must be DO_NOTHING, REPLACE, FAIL or MERGE"},
		{name: "override not object", data: res(`"t":{"Type":"AWS::IoT::Thing","Properties":{"ThingName":"a"},"OverrideSettings":"FAIL"}`), want: "OverrideSettings of resource t must be a JSON object"},
		{name: "override unknown thing key", data: res(`"t":{"Type":"AWS::IoT::Thing","Properties":{"ThingName":"a"},"OverrideSettings":{"BillingGroup":"REPLACE"}}`), want: "BillingGroup is not a thing property that can be overridden"},
		{name: "merge thing type", data: res(`"t":{"Type":"AWS::IoT::Thing","Properties":{"ThingName":"a"},"OverrideSettings":{"ThingTypeName":"MERGE"}}`), want: "MERGE is valid only for AttributePayload and ThingGroups"},
		{name: "merge certificate status", data: res(`"c":{"Type":"AWS::IoT::Certificate","Properties":{"CertificateId":"x"},"OverrideSettings":{"Status":"MERGE"}}`), want: "MERGE is valid only for AttributePayload and ThingGroups"},
		{name: "certificate override key", data: res(`"c":{"Type":"AWS::IoT::Certificate","Properties":{"CertificateId":"x"},"OverrideSettings":{"CertificateId":"REPLACE"}}`), want: "CertificateId is not a certificate property that can be overridden"},
		{name: "policy override", data: res(`"p":{"Type":"AWS::IoT::Policy","Properties":{"PolicyName":"a"},"OverrideSettings":{"PolicyName":"REPLACE"}}`), want: "OverrideSettings are not available for resource p of type AWS::IoT::Policy"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Parse([]byte(tc.data))
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
