package policy

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// arn is the ARN prefix of the examples: us-east-1, account 123456789012.
const arn = "arn:aws:iot:us-east-1:123456789012:"

// AWS documentation examples (developer guide: connect-policy, connect-and-pub,
// thing-policy-examples, pub-sub-policy) and the JITP templates of the fact sheet.
const (
	// docConnectDenyClients denies client1 and client2 and allows a client ID that names an attached thing.
	docConnectDenyClients = `{"Version":"2012-10-17","Statement":[
		{"Effect":"Deny","Action":["iot:Connect"],"Resource":["arn:aws:iot:us-east-1:123456789012:client/client1","arn:aws:iot:us-east-1:123456789012:client/client2"]},
		{"Effect":"Allow","Action":["iot:Connect"],"Resource":["arn:aws:iot:us-east-1:123456789012:client/${iot:Connection.Thing.ThingName}"],
		 "Condition":{"Bool":{"iot:Connection.Thing.IsAttached":"true"}}}]}`
	// docConnectAttached allows a connect when the certificate is attached to the thing.
	docConnectAttached = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["iot:Connect"],"Resource":["*"],
		"Condition":{"Bool":{"iot:Connection.Thing.IsAttached":["true"]}}}]}`
	// docPublishThingType allows publishing on device/stats for a thing of a type with an attribute.
	docPublishThingType = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["iot:Publish"],
		"Resource":"arn:aws:iot:us-east-1:123456789012:topic/device/stats",
		"Condition":{"StringEquals":{"iot:Connection.Thing.Attributes[attributeName]":"attributeValue","iot:Connection.Thing.ThingTypeName":"Thing_Type_Name"},
		"Bool":{"iot:Connection.Thing.IsAttached":"true"}}}]}`
	// docConnectAndPublishThing restricts a registered device to its thing name.
	docConnectAndPublishThing = `{"Version":"2012-10-17","Statement":[
		{"Effect":"Allow","Action":["iot:Publish"],"Resource":["arn:aws:iot:us-east-1:123456789012:topic/${iot:Connection.Thing.ThingName}"]},
		{"Effect":"Allow","Action":["iot:Connect"],"Resource":["arn:aws:iot:us-east-1:123456789012:client/${iot:Connection.Thing.ThingName}"]}]}`
	// docConnectAndPublishClient is the same for unregistered devices, by client ID.
	docConnectAndPublishClient = `{"Version":"2012-10-17","Statement":[
		{"Effect":"Allow","Action":["iot:Publish"],"Resource":["arn:aws:iot:us-east-1:123456789012:topic/${iot:ClientId}"]},
		{"Effect":"Allow","Action":["iot:Connect"],"Resource":["arn:aws:iot:us-east-1:123456789012:client/client1"]}]}`
	// blogJITP is the JITP blog's policy: Connect and Publish on everything, nothing else.
	blogJITP = `{"Version": "2012-10-17","Statement": [{"Effect":"Allow","Action": ["iot:Connect","iot:Publish"],"Resource" : ["*"]}]}`
	// samplesIoTAccess is aws-iot-jitp-sample-scripts' IoTAccess policy after CloudFormation substitution.
	samplesIoTAccess = `{"Version":"2012-10-17","Statement":[
		{"Effect":"Allow","Action":"iot:Connect","Resource":"arn:aws:iot:us-east-1:123456789012:client/${iot:Certificate.Subject.CommonName}"},
		{"Effect":"Allow","Action":["iot:Subscribe","iot:Receive"],"Resource":"*"},
		{"Effect":"Allow","Action":"iot:Publish","Resource":"arn:aws:iot:us-east-1:123456789012:topic/${iot:Certificate.Subject.CommonName}"}]}`
	// atlasJITP is the iot-atlas JITP template's policy.
	atlasJITP = `{"Version":"2012-10-17","Statement":[
		{"Effect":"Allow","Action":["iot:Connect"],"Resource":["arn:aws:iot:us-east-1:123456789012:client/*"]},
		{"Effect":"Allow","Action":["iot:Publish","iot:Receive"],"Resource":["arn:aws:iot:us-east-1:123456789012:topic/*"]},
		{"Effect":"Allow","Action":["iot:Subscribe"],"Resource":["arn:aws:iot:us-east-1:123456789012:topicfilter/*"]}]}`
	// docDenySubtopicPublish allows publishing under department/ except department/admins.
	docDenySubtopicPublish = `{"Version":"2012-10-17","Statement":[
		{"Effect":"Allow","Action":["iot:Publish"],"Resource":["arn:aws:iot:us-east-1:123456789012:topic/department/*"]},
		{"Effect":"Deny","Action":["iot:Publish"],"Resource":["arn:aws:iot:us-east-1:123456789012:topic/department/admins"]}]}`
	// docSubscribeWildcard allows subscribing to the MQTT filter sensors/# only, written literally.
	docSubscribeWildcard = `{"Version":"2012-10-17","Statement":[
		{"Effect":"Allow","Action":["iot:Subscribe"],"Resource":["arn:aws:iot:us-east-1:123456789012:topicfilter/sensors/#"]},
		{"Effect":"Allow","Action":["iot:Receive"],"Resource":["arn:aws:iot:us-east-1:123456789012:topic/sensors/*"]}]}`
)

// thingVars are the variables of a connection whose client ID names an attached thing.
func thingVars(name string) Variables {
	return Variables{
		VarClientID:                          name,
		VarThingName:                         name,
		VarIsAttached:                        "true",
		VarThingTypeName:                     "Thing_Type_Name",
		ThingAttributeVar("attributeName"):   "attributeValue",
		"iot:Certificate.Subject.CommonName": name,
	}
}

func TestEvaluate(t *testing.T) {
	unattached := Variables{VarClientID: "dev-1", VarIsAttached: "false", "iot:Certificate.Subject.CommonName": "dev-1"}
	tests := []struct {
		name string
		docs []string
		req  Request
		want Decision
	}{
		// Connect policy examples.
		{name: "doc connect: denied client", docs: []string{docConnectDenyClients}, req: Request{"iot:Connect", arn + "client/client1", thingVars("client1")}, want: ExplicitDeny},
		{name: "doc connect: attached thing", docs: []string{docConnectDenyClients}, req: Request{"iot:Connect", arn + "client/sensor-7", thingVars("sensor-7")}, want: Allow},
		{name: "doc connect: thing name unresolved", docs: []string{docConnectDenyClients}, req: Request{"iot:Connect", arn + "client/sensor-7", unattached}, want: ImplicitDeny},
		{name: "doc connect: client ID is not the thing", docs: []string{docConnectDenyClients}, req: Request{"iot:Connect", arn + "client/other", thingVars("sensor-7")}, want: ImplicitDeny},
		{name: "doc attached: yes", docs: []string{docConnectAttached}, req: Request{"iot:Connect", arn + "client/x", thingVars("x")}, want: Allow},
		{name: "doc attached: no", docs: []string{docConnectAttached}, req: Request{"iot:Connect", arn + "client/x", unattached}, want: ImplicitDeny},
		{name: "doc attached: key absent", docs: []string{docConnectAttached}, req: Request{"iot:Connect", arn + "client/x", Variables{}}, want: ImplicitDeny},
		// Thing policy examples.
		{name: "doc thing type: allowed", docs: []string{docPublishThingType}, req: Request{"iot:Publish", arn + "topic/device/stats", thingVars("b1")}, want: Allow},
		{name: "doc thing type: wrong attribute", docs: []string{docPublishThingType}, req: Request{"iot:Publish", arn + "topic/device/stats", func() Variables {
			v := thingVars("b1")
			v[ThingAttributeVar("attributeName")] = "other"
			return v
		}()}, want: ImplicitDeny},
		{name: "doc thing type: other topic", docs: []string{docPublishThingType}, req: Request{"iot:Publish", arn + "topic/device/other", thingVars("b1")}, want: ImplicitDeny},
		// Connect and publish policy examples.
		{name: "doc thing name: connect", docs: []string{docConnectAndPublishThing}, req: Request{"iot:Connect", arn + "client/t1", thingVars("t1")}, want: Allow},
		{name: "doc thing name: own topic", docs: []string{docConnectAndPublishThing}, req: Request{"iot:Publish", arn + "topic/t1", thingVars("t1")}, want: Allow},
		{name: "doc thing name: other topic", docs: []string{docConnectAndPublishThing}, req: Request{"iot:Publish", arn + "topic/t2", thingVars("t1")}, want: ImplicitDeny},
		{name: "doc thing name: subscribe not granted", docs: []string{docConnectAndPublishThing}, req: Request{"iot:Subscribe", arn + "topicfilter/t1", thingVars("t1")}, want: ImplicitDeny},
		{name: "doc client id: client1 connects", docs: []string{docConnectAndPublishClient}, req: Request{"iot:Connect", arn + "client/client1", Variables{VarClientID: "client1"}}, want: Allow},
		{name: "doc client id: client2 cannot", docs: []string{docConnectAndPublishClient}, req: Request{"iot:Connect", arn + "client/client2", Variables{VarClientID: "client2"}}, want: ImplicitDeny},
		{name: "doc client id: publish own topic", docs: []string{docConnectAndPublishClient}, req: Request{"iot:Publish", arn + "topic/client1", Variables{VarClientID: "client1"}}, want: Allow},
		// Publish/subscribe policy examples.
		{name: "doc deny subtopic: allowed sibling", docs: []string{docDenySubtopicPublish}, req: Request{"iot:Publish", arn + "topic/department/sales", nil}, want: Allow},
		{name: "doc deny subtopic: denied", docs: []string{docDenySubtopicPublish}, req: Request{"iot:Publish", arn + "topic/department/admins", nil}, want: ExplicitDeny},
		{name: "doc mqtt wildcard: literal filter", docs: []string{docSubscribeWildcard}, req: Request{"iot:Subscribe", arn + "topicfilter/sensors/#", nil}, want: Allow},
		{name: "doc mqtt wildcard: other filter", docs: []string{docSubscribeWildcard}, req: Request{"iot:Subscribe", arn + "topicfilter/sensors/+", nil}, want: ImplicitDeny},
		{name: "doc mqtt wildcard: receive", docs: []string{docSubscribeWildcard}, req: Request{"iot:Receive", arn + "topic/sensors/t/1", nil}, want: Allow},
		// JITP templates' policies.
		{name: "blog: connect", docs: []string{blogJITP}, req: Request{"iot:Connect", arn + "client/any", nil}, want: Allow},
		{name: "blog: no subscribe", docs: []string{blogJITP}, req: Request{"iot:Subscribe", arn + "topicfilter/a", nil}, want: ImplicitDeny},
		{name: "blog: no receive", docs: []string{blogJITP}, req: Request{"iot:Receive", arn + "topic/a", nil}, want: ImplicitDeny},
		{name: "samples: connect as CN", docs: []string{samplesIoTAccess}, req: Request{"iot:Connect", arn + "client/dev-1", unattached}, want: Allow},
		{name: "samples: connect as other", docs: []string{samplesIoTAccess}, req: Request{"iot:Connect", arn + "client/dev-2", unattached}, want: ImplicitDeny},
		{name: "samples: publish own topic", docs: []string{samplesIoTAccess}, req: Request{"iot:Publish", arn + "topic/dev-1", unattached}, want: Allow},
		{name: "samples: publish other topic", docs: []string{samplesIoTAccess}, req: Request{"iot:Publish", arn + "topic/dev-1/x", unattached}, want: ImplicitDeny},
		{name: "samples: no CN", docs: []string{samplesIoTAccess}, req: Request{"iot:Connect", arn + "client/dev-1", Variables{VarClientID: "dev-1"}}, want: ImplicitDeny},
		{name: "atlas: subscribe", docs: []string{atlasJITP}, req: Request{"iot:Subscribe", arn + "topicfilter/a/+/b", nil}, want: Allow},
		{name: "atlas: subscribe needs topicfilter", docs: []string{atlasJITP}, req: Request{"iot:Subscribe", arn + "topic/a", nil}, want: ImplicitDeny},
		{name: "atlas: other account", docs: []string{atlasJITP}, req: Request{"iot:Connect", "arn:aws:iot:us-east-1:999999999999:client/x", nil}, want: ImplicitDeny},
		// Action wildcards and case.
		{name: "iot star", docs: []string{`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iot:*","Resource":"*"}]}`}, req: Request{"iot:Receive", arn + "topic/a", nil}, want: Allow},
		{name: "star action", docs: []string{`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}`}, req: Request{"iot:Connect", arn + "client/a", nil}, want: Allow},
		{name: "action prefix", docs: []string{`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iot:Pub*","Resource":"*"}]}`}, req: Request{"iot:Publish", arn + "topic/a", nil}, want: Allow},
		{name: "action prefix other", docs: []string{`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iot:Pub*","Resource":"*"}]}`}, req: Request{"iot:Subscribe", arn + "topicfilter/a", nil}, want: ImplicitDeny},
		{name: "action question mark", docs: []string{`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iot:?eceive","Resource":"*"}]}`}, req: Request{"iot:Receive", arn + "topic/a", nil}, want: Allow},
		{name: "action case-insensitive", docs: []string{`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"IOT:publish","Resource":"*"}]}`}, req: Request{"iot:Publish", arn + "topic/a", nil}, want: Allow},
		{name: "resource case-sensitive", docs: []string{`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iot:Publish","Resource":"arn:aws:iot:us-east-1:123456789012:topic/A"}]}`}, req: Request{"iot:Publish", arn + "topic/a", nil}, want: ImplicitDeny},
		// Explicit deny wins, across policies too; NotAction and NotResource.
		{name: "deny beats allow across policies", docs: []string{blogJITP, `{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"iot:Publish","Resource":"*"}]}`}, req: Request{"iot:Publish", arn + "topic/a", nil}, want: ExplicitDeny},
		{name: "second policy allows", docs: []string{blogJITP, atlasJITP}, req: Request{"iot:Receive", arn + "topic/a", nil}, want: Allow},
		{name: "no policies", req: Request{"iot:Connect", arn + "client/a", nil}, want: ImplicitDeny},
		{name: "not action", docs: []string{`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","NotAction":"iot:Publish","Resource":"*"}]}`}, req: Request{"iot:Subscribe", arn + "topicfilter/a", nil}, want: Allow},
		{name: "not action excludes", docs: []string{`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","NotAction":"iot:Publish","Resource":"*"}]}`}, req: Request{"iot:Publish", arn + "topic/a", nil}, want: ImplicitDeny},
		{name: "deny not resource", docs: []string{blogJITP, `{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"iot:Publish","NotResource":"arn:aws:iot:us-east-1:123456789012:topic/ok/*"}]}`}, req: Request{"iot:Publish", arn + "topic/ok/1", nil}, want: Allow},
		{name: "deny not resource denies others", docs: []string{blogJITP, `{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"iot:Publish","NotResource":"arn:aws:iot:us-east-1:123456789012:topic/ok/*"}]}`}, req: Request{"iot:Publish", arn + "topic/no", nil}, want: ExplicitDeny},
		// Unresolvable variables make a statement not match, even a Deny.
		{name: "deny with unresolved variable does not apply", docs: []string{blogJITP, `{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"iot:Publish","Resource":"arn:aws:iot:us-east-1:123456789012:topic/${iot:Connection.Thing.ThingName}"}]}`}, req: Request{"iot:Publish", arn + "topic/x", Variables{VarClientID: "x"}}, want: Allow},
		{name: "one unresolved resource spoils the statement", docs: []string{`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iot:Connect","Resource":["arn:aws:iot:us-east-1:123456789012:client/${iot:Connection.Thing.ThingName}","arn:aws:iot:us-east-1:123456789012:client/admin"]}]}`}, req: Request{"iot:Connect", arn + "client/admin", Variables{}}, want: ImplicitDeny},
		{name: "version 2008 has no variables", docs: []string{`{"Version":"2008-10-17","Statement":[{"Effect":"Allow","Action":"iot:Connect","Resource":"arn:aws:iot:us-east-1:123456789012:client/${iot:ClientId}"}]}`}, req: Request{"iot:Connect", arn + "client/${iot:ClientId}", Variables{VarClientID: "a"}}, want: Allow},
		{name: "certificate issuer variable", docs: []string{`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iot:Publish","Resource":"arn:aws:iot:us-east-1:123456789012:topic/${iot:Certificate.Issuer.Organization}/*"}]}`}, req: Request{"iot:Publish", arn + "topic/Acme/x", Variables{"iot:Certificate.Issuer.Organization": "Acme"}}, want: Allow},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var pols []*Policy
			for _, d := range tc.docs {
				p, err := Parse([]byte(d))
				require.NoError(t, err)
				pols = append(pols, p)
			}
			assert.Equal(t, tc.want, Evaluate(pols, tc.req))
		})
	}
}

func TestConditions(t *testing.T) {
	tests := []struct {
		name string
		cond string
		vars Variables
		want bool
	}{
		{name: "bool true", cond: `{"Bool":{"iot:Connection.Thing.IsAttached":"true"}}`, vars: Variables{VarIsAttached: "true"}, want: true},
		{name: "bool case", cond: `{"Bool":{"iot:Connection.Thing.IsAttached":true}}`, vars: Variables{VarIsAttached: "TRUE"}, want: true},
		{name: "bool false", cond: `{"Bool":{"iot:Connection.Thing.IsAttached":"true"}}`, vars: Variables{VarIsAttached: "false"}},
		{name: "bool absent", cond: `{"Bool":{"iot:Connection.Thing.IsAttached":"true"}}`},
		{name: "bool if exists absent", cond: `{"BoolIfExists":{"iot:Connection.Thing.IsAttached":"true"}}`, want: true},
		{name: "key case-insensitive", cond: `{"Bool":{"IOT:connection.thing.isattached":"true"}}`, vars: Variables{VarIsAttached: "true"}, want: true},
		{name: "for any value string like", cond: `{"ForAnyValue:StringLike":{"iot:Connection.Thing.IsAttached":["tr*"]}}`, vars: Variables{VarIsAttached: "true"}, want: true},
		{name: "for any value absent", cond: `{"ForAnyValue:StringLike":{"iot:Connection.Thing.IsAttached":["*"]}}`},
		{name: "for all values absent", cond: `{"ForAllValues:StringEquals":{"k":["a"]}}`, want: true},
		{name: "for all values mismatch", cond: `{"ForAllValues:StringEquals":{"k":["a"]}}`, vars: Variables{"k": "b"}},
		{name: "string equals one of", cond: `{"StringEquals":{"iot:ClientId":["a","b"]}}`, vars: Variables{VarClientID: "b"}, want: true},
		{name: "string equals is exact", cond: `{"StringEquals":{"iot:ClientId":"a*"}}`, vars: Variables{VarClientID: "abc"}},
		{name: "string equals ignore case", cond: `{"StringEqualsIgnoreCase":{"iot:ClientId":"ABC"}}`, vars: Variables{VarClientID: "abc"}, want: true},
		{name: "string not equals", cond: `{"StringNotEquals":{"iot:ClientId":["a","b"]}}`, vars: Variables{VarClientID: "c"}, want: true},
		{name: "string not equals hit", cond: `{"StringNotEquals":{"iot:ClientId":["a","b"]}}`, vars: Variables{VarClientID: "a"}},
		{name: "string not equals absent", cond: `{"StringNotEquals":{"iot:ClientId":"a"}}`, want: true},
		{name: "string not like", cond: `{"StringNotLike":{"iot:ClientId":"test-*"}}`, vars: Variables{VarClientID: "prod-1"}, want: true},
		{name: "string like question mark", cond: `{"StringLike":{"iot:ClientId":"dev-?"}}`, vars: Variables{VarClientID: "dev-7"}, want: true},
		{name: "variable in value", cond: `{"StringEquals":{"iot:Connection.Thing.ThingName":"${iot:ClientId}"}}`, vars: Variables{VarClientID: "t", VarThingName: "t"}, want: true},
		{name: "arn like", cond: `{"ArnLike":{"k":"arn:aws:iot:*:*:thing/*"}}`, vars: Variables{"k": arn + "thing/x"}, want: true},
		{name: "numeric less than", cond: `{"NumericLessThan":{"n":"10"}}`, vars: Variables{"n": "9.5"}, want: true},
		{name: "numeric less than equals", cond: `{"NumericLessThanEquals":{"n":10}}`, vars: Variables{"n": "10"}, want: true},
		{name: "numeric greater than", cond: `{"NumericGreaterThan":{"n":10}}`, vars: Variables{"n": "10"}},
		{name: "numeric greater than equals", cond: `{"NumericGreaterThanEquals":{"n":10}}`, vars: Variables{"n": "11"}, want: true},
		{name: "numeric equals", cond: `{"NumericEquals":{"n":10}}`, vars: Variables{"n": "10.0"}, want: true},
		{name: "numeric not equals", cond: `{"NumericNotEquals":{"n":10}}`, vars: Variables{"n": "11"}, want: true},
		{name: "numeric context not a number", cond: `{"NumericEquals":{"n":10}}`, vars: Variables{"n": "ten"}},
		{name: "null true absent", cond: `{"Null":{"aws:SourceIp":"true"}}`, want: true},
		{name: "null false present", cond: `{"Null":{"aws:SourceIp":"false"}}`, vars: Variables{VarSourceIP: "127.0.0.1"}, want: true},
		{name: "null false absent", cond: `{"Null":{"aws:SourceIp":"false"}}`},
		{name: "all operators must hold", cond: `{"Bool":{"iot:Connection.Thing.IsAttached":"true"},"StringEquals":{"iot:ClientId":"a"}}`, vars: Variables{VarIsAttached: "true", VarClientID: "b"}},
		{name: "all keys must hold", cond: `{"StringEquals":{"iot:ClientId":"a","iot:Connection.Thing.ThingName":"a"}}`, vars: Variables{VarClientID: "a"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			doc := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iot:Connect","Resource":"*","Condition":` + tc.cond + `}]}`
			p, err := Parse([]byte(doc))
			require.NoError(t, err)
			got := p.Decide(Request{Action: "iot:Connect", Resource: arn + "client/x", Vars: tc.vars})
			assert.Equal(t, tc.want, got == Allow, "decision %v", got)
		})
	}
}

func TestDecision(t *testing.T) {
	assert.Equal(t, "ImplicitDeny", ImplicitDeny.String())
	assert.Equal(t, "Allow", Allow.String())
	assert.Equal(t, "ExplicitDeny", ExplicitDeny.String())
	assert.True(t, Allow.Allowed())
	assert.False(t, ImplicitDeny.Allowed())
	assert.False(t, ExplicitDeny.Allowed())
	assert.Equal(t, ExplicitDeny, Allow.Combine(ExplicitDeny))
	assert.Equal(t, Allow, ImplicitDeny.Combine(Allow))
}
