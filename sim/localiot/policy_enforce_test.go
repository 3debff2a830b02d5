package localiot

import (
	"context"
	"testing"

	"github.com/eclipse/paho.golang/paho"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/jitpsim/jitpsim/sim/pki"
)

// Policies of the enforcement tests; the first two are AWS documentation examples.
const (
	// connectThingPolicy denies client1 and allows a client ID naming a thing the certificate is attached to.
	connectThingPolicy = `{"Version":"2012-10-17","Statement":[
		{"Effect":"Deny","Action":["iot:Connect"],"Resource":["arn:aws:iot:us-east-1:123456789012:client/client1"]},
		{"Effect":"Allow","Action":["iot:Connect"],"Resource":["arn:aws:iot:us-east-1:123456789012:client/${iot:Connection.Thing.ThingName}"],
		 "Condition":{"Bool":{"iot:Connection.Thing.IsAttached":"true"}}}]}`
	// connectCNPolicy is aws-iot-jitp-sample-scripts' IoTAccess: connect as the certificate's CommonName.
	connectCNPolicy = `{"Version":"2012-10-17","Statement":[
		{"Effect":"Allow","Action":"iot:Connect","Resource":"arn:aws:iot:us-east-1:123456789012:client/${iot:Certificate.Subject.CommonName}"},
		{"Effect":"Allow","Action":["iot:Subscribe","iot:Receive"],"Resource":"*"},
		{"Effect":"Allow","Action":"iot:Publish","Resource":"arn:aws:iot:us-east-1:123456789012:topic/${iot:Certificate.Subject.CommonName}"}]}`
	// noConnectPolicy grants everything but iot:Connect.
	noConnectPolicy = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["iot:Publish","iot:Subscribe","iot:Receive"],"Resource":"*"}]}`
	// topicPolicy allows the allowed/ topics, subscribing to receive-denied/ without receiving, and denies allowed/secret.
	topicPolicy = `{"Version":"2012-10-17","Statement":[
		{"Effect":"Allow","Action":"iot:Connect","Resource":"*"},
		{"Effect":"Allow","Action":"iot:Publish","Resource":["arn:aws:iot:us-east-1:123456789012:topic/allowed/*","arn:aws:iot:us-east-1:123456789012:topic/receive-denied/*"]},
		{"Effect":"Allow","Action":"iot:Subscribe","Resource":["arn:aws:iot:us-east-1:123456789012:topicfilter/allowed/#","arn:aws:iot:us-east-1:123456789012:topicfilter/receive-denied/#"]},
		{"Effect":"Allow","Action":"iot:Receive","Resource":"arn:aws:iot:us-east-1:123456789012:topic/allowed/*"},
		{"Effect":"Deny","Action":"iot:Publish","Resource":"arn:aws:iot:us-east-1:123456789012:topic/allowed/secret"}]}`
)

func TestConnectPolicy(t *testing.T) {
	tests := []struct {
		name     string
		policy   string
		cn       string
		clientID string
		allowed  bool
	}{
		{name: "thing name and attached", policy: connectThingPolicy, cn: "sensor-1", clientID: "sensor-1", allowed: true},
		{name: "client ID names no attached thing", policy: connectThingPolicy, cn: "sensor-2", clientID: "other"},
		{name: "explicitly denied client ID", policy: connectThingPolicy, cn: "client1", clientID: "client1"},
		{name: "client ID is the common name", policy: connectCNPolicy, cn: "dev-7", clientID: "dev-7", allowed: true},
		{name: "client ID is not the common name", policy: connectCNPolicy, cn: "dev-8", clientID: "dev-9"},
		{name: "no iot:Connect", policy: noConnectPolicy, cn: "mute", clientID: "mute"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := startServer(t, Config{})
			id := provisionWith(t, s, tc.policy, pki.Subject{CommonName: tc.cn})
			before := s.Stats()
			if tc.allowed {
				mustConnect(t, s, id.TLS, tc.clientID)
				assert.Equal(t, before.PolicyDenials, s.Stats().PolicyDenials)
				return
			}
			requireDropped(t, s, id.TLS, tc.clientID)
			st := s.Stats()
			assert.Equal(t, before.PolicyDenials+1, st.PolicyDenials)
			assert.Equal(t, before.ConnectsRefused+1, st.ConnectsRefused)
		})
	}
}

func TestPublishSubscribeReceivePolicy(t *testing.T) {
	s := startServer(t, Config{})
	id := provisionWith(t, s, topicPolicy, pki.Subject{CommonName: "pubsub"})
	dev := mustConnect(t, s, id.TLS, "pubsub")
	ctx, cancel := context.WithTimeout(context.Background(), safetyNet)
	defer cancel()

	// SUBSCRIBE: 0x87 for the filter the policy does not allow, granted QoS 1 for the others.
	suback, err := dev.cli.Subscribe(ctx, &paho.Subscribe{Subscriptions: []paho.SubscribeOptions{
		{Topic: "allowed/#", QoS: 1}, {Topic: "forbidden/#", QoS: 1}, {Topic: "receive-denied/#", QoS: 1},
	}})
	require.Error(t, err)
	require.NotNil(t, suback)
	assert.Equal(t, []byte{0x01, 0x87, 0x01}, suback.Reasons)

	// PUBLISH QoS 1: PUBACK 0x87 when not allowed or explicitly denied; the connection stays up.
	tests := []struct {
		topic  string
		reason byte
	}{
		{"allowed/a", 0x00},
		{"forbidden/a", 0x87},
		{"allowed/secret", 0x87},
		{"receive-denied/a", 0x00},
	}
	for _, tc := range tests {
		pr, err := dev.cli.Publish(ctx, &paho.Publish{Topic: tc.topic, QoS: 1, Payload: []byte(tc.topic)})
		require.NotNil(t, pr, "topic %s: %v", tc.topic, err)
		assert.Equal(t, tc.reason, pr.ReasonCode, "topic %s", tc.topic)
	}

	// iot:Receive: the receive-denied/a message is never delivered; allowed/b arrives after allowed/a.
	_, err = dev.cli.Publish(ctx, &paho.Publish{Topic: "allowed/b", QoS: 1, Payload: []byte("allowed/b")})
	require.NoError(t, err)
	assert.Equal(t, "allowed/a", dev.receive(t).Topic)
	assert.Equal(t, "allowed/b", dev.receive(t).Topic)

	// A retained PUBLISH also needs iot:RetainPublish.
	pr, err := dev.cli.Publish(ctx, &paho.Publish{Topic: "allowed/c", QoS: 1, Retain: true, Payload: []byte("r")})
	require.Error(t, err)
	assert.Equal(t, byte(0x87), pr.ReasonCode)

	st := s.Stats()
	assert.Equal(t, int64(5), st.PolicyDenials, "subscribe, two publishes, one receive, one retained publish")
}

func TestMQTT311PolicyDenialsDisconnect(t *testing.T) {
	s := startServer(t, Config{})
	id := provisionWith(t, s, topicPolicy, pki.Subject{CommonName: "v311-policy"})
	tests := []struct {
		name   string
		packet []byte
	}{
		{name: "subscribe", packet: v311Subscribe("forbidden/#", 1)},
		{name: "publish QoS 1", packet: v311Publish("forbidden/a", 1, "x")},
		{name: "publish QoS 0", packet: v311Publish("forbidden/a", 0, "x")},
		{name: "publish explicitly denied", packet: v311Publish("allowed/secret", 1, "x")},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c := dialRawConn(t, s, id.TLS)
			c.connect311("v311-policy")
			c.sendBytes(tc.packet)
			assert.Empty(t, c.rest(), "closed without SUBACK, PUBACK or DISCONNECT")
		})
	}

	// An allowed subscribe and publish work on MQTT 3.1.1.
	c := dialRawConn(t, s, id.TLS)
	c.connect311("v311-policy")
	c.sendBytes(v311Subscribe("allowed/#", 1))
	suback := make([]byte, 5)
	_, err := c.conn.Read(suback)
	require.NoError(t, err)
	assert.Equal(t, []byte{0x90, 0x03, 0x00, 0x01, 0x01}, suback)
}

// recordingAuthorizer allows everything except publishing and remembers what it was asked.
type recordingAuthorizer struct {
	calls chan string
}

// Authorize records action and denies iot:Publish.
func (a recordingAuthorizer) Authorize(p *Principal, action, resource string) bool {
	a.calls <- action + " " + resource + " " + p.Vars["iot:ClientId"]
	return action != ActionPublish
}

func TestAuthorizerOverride(t *testing.T) {
	t.Run("allow all ignores the policies", func(t *testing.T) {
		s := startServer(t, Config{Authorizer: AllowAll{}})
		id := provisionWith(t, s, noConnectPolicy, pki.Subject{CommonName: "free"})
		mustConnect(t, s, id.TLS, "anything")
		assert.Zero(t, s.Stats().PolicyDenials)
	})
	t.Run("custom authorizer", func(t *testing.T) {
		a := recordingAuthorizer{calls: make(chan string, 16)}
		s := startServer(t, Config{Authorizer: a})
		id := provisionWith(t, s, noConnectPolicy, pki.Subject{CommonName: "custom"})
		dev := mustConnect(t, s, id.TLS, "custom")
		assert.Equal(t, "iot:Connect arn:aws:iot:us-east-1:123456789012:client/custom custom", <-a.calls)
		ctx, cancel := context.WithTimeout(context.Background(), safetyNet)
		defer cancel()
		pr, err := dev.cli.Publish(ctx, &paho.Publish{Topic: "t", QoS: 1})
		require.Error(t, err)
		assert.Equal(t, byte(0x87), pr.ReasonCode)
		assert.Equal(t, "iot:Publish arn:aws:iot:us-east-1:123456789012:topic/t custom", <-a.calls)
	})
}
