package template

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The JITP templates of the fact sheet (reference/aws-iot-jitp.md §2.6), in the form each source gives.
const (
	// docsJITPBody is the AWS documentation's "Template example for JITP" body.
	docsJITPBody = `{
   "Parameters":{
      "AWS::IoT::Certificate::CommonName":{"Type":"String"},
      "AWS::IoT::Certificate::SerialNumber":{"Type":"String"},
      "AWS::IoT::Certificate::Country":{"Type":"String"},
      "AWS::IoT::Certificate::Id":{"Type":"String"}
   },
   "Resources":{
      "thing":{
         "Type":"AWS::IoT::Thing",
         "Properties":{
            "ThingName":{"Ref":"AWS::IoT::Certificate::CommonName"},
            "AttributePayload":{"version":"v1","serialNumber":{"Ref":"AWS::IoT::Certificate::SerialNumber"}},
            "ThingTypeName":"lightBulb-versionA",
            "ThingGroups":["v1-lightbulbs",{"Ref":"AWS::IoT::Certificate::Country"}]
         },
         "OverrideSettings":{"AttributePayload":"MERGE","ThingTypeName":"REPLACE","ThingGroups":"DO_NOTHING"}
      },
      "certificate":{
         "Type":"AWS::IoT::Certificate",
         "Properties":{"CertificateId":{"Ref":"AWS::IoT::Certificate::Id"},"Status":"ACTIVE"},
         "OverrideSettings":{"Status":"DO_NOTHING"}
      },
      "policy":{
         "Type":"AWS::IoT::Policy",
         "Properties":{
            "PolicyDocument":"{ \"Version\": \"2012-10-17\", \"Statement\": [{ \"Effect\": \"Allow\", \"Action\":[\"iot:Publish\"], \"Resource\": [\"arn:aws:iot:us-east-1:123456789012:topic/foo/bar\"] }] }"
         }
      }
   }
}`
	// blogJITPConfig is the JITP blog's registration config, stringified twice as AWS takes it.
	blogJITPConfig = `{
 "templateBody":"{ \"Parameters\" : { \"AWS::IoT::Certificate::Country\" : { \"Type\" : \"String\" }, \"AWS::IoT::Certificate::Id\" : { \"Type\" : \"String\" } }, \"Resources\" : { \"thing\" : { \"Type\" : \"AWS::IoT::Thing\", \"Properties\" : { \"ThingName\" : {\"Ref\" : \"AWS::IoT::Certificate::Id\"}, \"AttributePayload\" : { \"version\" : \"v1\", \"country\" : {\"Ref\" : \"AWS::IoT::Certificate::Country\"}} } }, \"certificate\" : { \"Type\" : \"AWS::IoT::Certificate\", \"Properties\" : { \"CertificateId\": {\"Ref\" : \"AWS::IoT::Certificate::Id\"}, \"Status\" : \"ACTIVE\" } }, \"policy\" : {\"Type\" : \"AWS::IoT::Policy\", \"Properties\" : { \"PolicyDocument\" : \"{\\\"Version\\\": \\\"2012-10-17\\\",\\\"Statement\\\": [{\\\"Effect\\\":\\\"Allow\\\",\\\"Action\\\": [\\\"iot:Connect\\\",\\\"iot:Publish\\\"],\\\"Resource\\\" : [\\\"*\\\"]}]}\" } } } }",
 "roleArn":"arn:aws:iam::123456789012:role/JITPRole"
}`
	// atlasJITP is the iot-atlas template in the readable form, PolicyDocument as an object.
	atlasJITP = `{"templateBody": {
  "Parameters": {
    "AWS::IoT::Certificate::CommonName": {"Type": "String"},
    "AWS::IoT::Certificate::Country": {"Type": "String"},
    "AWS::IoT::Certificate::Id": {"Type": "String"}
  },
  "Resources": {
    "thing": {"Type": "AWS::IoT::Thing", "Properties": {
      "ThingName": {"Ref": "AWS::IoT::Certificate::CommonName"},
      "AttributePayload": {"version": "v1", "country": {"Ref": "AWS::IoT::Certificate::Country"}}}},
    "certificate": {"Type": "AWS::IoT::Certificate", "Properties": {"CertificateId": {"Ref": "AWS::IoT::Certificate::Id"}, "Status": "ACTIVE"}},
    "policy": {"Type": "AWS::IoT::Policy", "Properties": {"PolicyDocument": {
      "Version": "2012-10-17",
      "Statement": [
        {"Effect": "Allow", "Action": ["iot:Connect"], "Resource": ["arn:aws:iot:us-east-1:123456789012:client/*"]},
        {"Effect": "Allow", "Action": ["iot:Publish", "iot:Receive"], "Resource": ["arn:aws:iot:us-east-1:123456789012:topic/*"]},
        {"Effect": "Allow", "Action": ["iot:Subscribe"], "Resource": ["arn:aws:iot:us-east-1:123456789012:topicfilter/*"]}]}}}
  }},
  "roleArn": "arn:aws:iam::123456789012:role/JITPRole"}`
)

func TestAWSDocExamples(t *testing.T) {
	nordic := map[string]string{
		ParamCountry: "US", ParamStateName: "Oregon", ParamOrganization: "Nordic Semiconductor",
		ParamOrganizationalUnit: "R&D", ParamCommonName: "nrf-352656100000001", ParamSerialNumber: "SN-1", ParamID: "c0ffee",
	}
	tests := []struct {
		name       string
		data       []byte
		roleArn    string
		params     map[string]string
		wantThing  *ThingSpec
		wantStatus string
		policyName string // "" when the template creates its policy from a document
		docHas     string
		errMsg     string
	}{
		{
			name: "docs JITP body", data: []byte(docsJITPBody), params: nordic,
			wantThing: &ThingSpec{
				Name: "nrf-352656100000001", Attributes: map[string]string{"version": "v1", "serialNumber": "SN-1"},
				TypeName: "lightBulb-versionA", Groups: []string{"v1-lightbulbs", "US"},
				Overrides: ThingOverrides{AttributePayload: OverrideMerge, ThingTypeName: OverrideReplace, ThingGroups: OverrideDoNothing},
			},
			wantStatus: StatusActive, docHas: `"arn:aws:iot:us-east-1:123456789012:topic/foo/bar"`,
		},
		{
			name: "docs JITP body wrapped as AWS shows it", data: stringified(t, docsJITPBody, "arn:aws:iam::123456789012:role/JITPRole"),
			roleArn: "arn:aws:iam::123456789012:role/JITPRole", params: nordic,
			wantThing: &ThingSpec{
				Name: "nrf-352656100000001", Attributes: map[string]string{"version": "v1", "serialNumber": "SN-1"},
				TypeName: "lightBulb-versionA", Groups: []string{"v1-lightbulbs", "US"},
				Overrides: ThingOverrides{AttributePayload: OverrideMerge, ThingTypeName: OverrideReplace, ThingGroups: OverrideDoNothing},
			},
			wantStatus: StatusActive, docHas: `"iot:Publish"`,
		},
		{
			name: "docs JITP body without Country fails", data: []byte(docsJITPBody),
			params: map[string]string{ParamCommonName: "d", ParamSerialNumber: "1", ParamID: "c"},
			errMsg: "the certificate has no value for parameter AWS::IoT::Certificate::Country",
		},
		{
			name: "blog: thing named by certificate ID", data: []byte(blogJITPConfig), roleArn: "arn:aws:iam::123456789012:role/JITPRole", params: nordic,
			wantThing:  &ThingSpec{Name: "c0ffee", Attributes: map[string]string{"version": "v1", "country": "US"}},
			wantStatus: StatusActive, docHas: `"Action":["iot:Connect","iot:Publish"]`,
		},
		{
			name: "aws samples: existing policy IoTAccess", data: []byte(samplesRegfile), roleArn: "arn:aws:iam::123456789012:role/IoTProvisioning",
			params: map[string]string{ParamCommonName: "dev-1", ParamSerialNumber: "1", ParamID: "c"}, wantThing: &ThingSpec{Name: "dev-1"},
			wantStatus: StatusActive, policyName: "IoTAccess",
		},
		{
			name: "iot-atlas: readable form", data: []byte(atlasJITP), roleArn: "arn:aws:iam::123456789012:role/JITPRole", params: nordic,
			wantThing:  &ThingSpec{Name: "nrf-352656100000001", Attributes: map[string]string{"version": "v1", "country": "US"}},
			wantStatus: StatusActive, docHas: `"arn:aws:iot:us-east-1:123456789012:topicfilter/*"`,
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			tp, err := Parse(tc.data)
			require.NoError(t, err)
			assert.Equal(t, tc.roleArn, tp.RoleArn())
			plan, err := tp.Provision(tc.params)
			if tc.errMsg != "" {
				require.ErrorContains(t, err, tc.errMsg)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tc.wantThing, plan.Thing)
			assert.Equal(t, tc.wantStatus, plan.Certificate.Status)
			require.Len(t, plan.Policies, 1)
			if tc.policyName != "" {
				assert.Equal(t, PolicySpec{Name: tc.policyName}, plan.Policies[0])
				return
			}
			assert.Len(t, plan.Policies[0].Name, 64, "name defaults to the document's hash")
			assert.Contains(t, plan.Policies[0].Document, tc.docHas)
		})
	}
}
