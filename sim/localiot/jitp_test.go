package localiot

import (
	"context"
	"encoding/json"
	"io"
	"sync"
	"testing"

	"github.com/eclipse/paho.golang/paho"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/jitpsim/jitpsim/sim/localiot/template"
	"github.com/jitpsim/jitpsim/sim/pki"
)

// nordic is the subject of the classic walkthrough's device.
func nordic(cn string) pki.Subject {
	return pki.Subject{Country: "US", State: "Oregon", Locality: "Portland", Organization: "Nordic Semiconductor", OrganizationalUnit: "R&D", CommonName: cn}
}

// pollActive reports whether the certificate has become ACTIVE; for require.Eventually.
func pollActive(s *Server, id string) func() bool {
	return func() bool {
		c, ok := s.Registry().Certificate(id)
		return ok && c.Status == StatusActive
	}
}

func TestJITPRoundTrip(t *testing.T) {
	g, install := newGate(t)
	s := startServer(t, Config{}, install)
	ca := newDeviceCA(t, "Nordic Semiconductor test root")
	caID, err := s.RegisterCA(ca.Cert, template.Classic(), true)
	require.NoError(t, err)
	require.Equal(t, pki.CertificateID(ca.Cert.Raw), caID)
	id := mint(t, ca, nordic("nrf-jitp-123456789012347"))

	// First connect: registered, dropped without CONNACK.
	requireDropped(t, s, id.TLS, "nrf-jitp-123456789012347")
	cert, ok := s.Registry().Certificate(id.ID)
	require.True(t, ok)
	assert.Equal(t, StatusPendingActivation, cert.Status)
	assert.Equal(t, caID, cert.CAID)
	assert.Equal(t, string(id.CertPEM()), cert.PEM)
	assert.Equal(t, int64(1), s.Stats().Registrations)

	// The template runs; the certificate becomes ACTIVE.
	g.release()
	require.Eventually(t, pollActive(s, id.ID), safetyNet, pollEvery)

	cert, _ = s.Registry().Certificate(id.ID)
	assert.Equal(t, []string{"nrf-jitp-123456789012347"}, cert.Things)
	require.Len(t, cert.Policies, 1)
	thing, ok := s.Registry().Thing("nrf-jitp-123456789012347")
	require.True(t, ok)
	assert.Equal(t, []string{CertificateARN(id.ID)}, thing.Principals)
	assert.Equal(t, map[string]string{"version": "v1"}, thing.Attributes)
	assert.Equal(t, int64(1), thing.Version)
	assert.Len(t, thing.ID, 36)
	pol, ok := s.Registry().Policy(cert.Policies[0])
	require.True(t, ok)
	assert.Contains(t, pol.Document, `"iot:Connect"`)

	// Reconnect: CONNACK, then publish and receive its own message.
	dev := mustConnect(t, s, id.TLS, "nrf-jitp-123456789012347")
	ctx, cancel := context.WithTimeout(context.Background(), safetyNet)
	defer cancel()
	_, err = dev.cli.Subscribe(ctx, &paho.Subscribe{Subscriptions: []paho.SubscribeOptions{{Topic: "jitp_test", QoS: 1}}})
	require.NoError(t, err)
	_, err = dev.cli.Publish(ctx, &paho.Publish{Topic: "jitp_test", QoS: 1, Payload: []byte(`{"success":"JITP works!"}`)})
	require.NoError(t, err)
	msg := dev.receive(t)
	assert.Equal(t, "jitp_test", msg.Topic)
	assert.JSONEq(t, `{"success":"JITP works!"}`, string(msg.Payload))

	// A third connect succeeds without provisioning again.
	mustConnect(t, s, id.TLS, "nrf-jitp-123456789012347-b")
	st := s.Stats()
	assert.Equal(t, Stats{
		CACertificates: 1, Certificates: 1, ActiveCertificates: 1, Things: 1, Policies: 1,
		Registrations: 1, ProvisionSuccess: 1,
	}, st)
}

func TestLeafOnlyChain(t *testing.T) {
	s := startServer(t, Config{})
	ca := newDeviceCA(t, "leaf-only CA")
	_, err := s.RegisterCA(ca.Cert, template.Classic(), true)
	require.NoError(t, err)
	id := mint(t, ca, pki.Subject{CommonName: "leaf-only-1"})

	requireDropped(t, s, leafOnly(id), "leaf-only-1")
	require.Eventually(t, pollActive(s, id.ID), safetyNet, pollEvery)
	mustConnect(t, s, leafOnly(id), "leaf-only-1")
}

func TestRegisteredEvent(t *testing.T) {
	s := startServer(t, Config{})
	ca := newDeviceCA(t, "event CA")
	caID, err := s.RegisterCA(ca.Cert, template.Classic(), true)
	require.NoError(t, err)

	// A provisioned listener subscribes to the registration events of the CA.
	listener := mint(t, ca, pki.Subject{CommonName: "listener"})
	requireDropped(t, s, listener.TLS, "listener")
	require.Eventually(t, pollActive(s, listener.ID), safetyNet, pollEvery)
	dev := mustConnect(t, s, listener.TLS, "listener")
	ctx, cancel := context.WithTimeout(context.Background(), safetyNet)
	defer cancel()
	_, err = dev.cli.Subscribe(ctx, &paho.Subscribe{Subscriptions: []paho.SubscribeOptions{{Topic: RegisteredEventTopicPrefix + "+", QoS: 0}}})
	require.NoError(t, err)

	fresh := mint(t, ca, pki.Subject{CommonName: "fresh"})
	requireDropped(t, s, fresh.TLS, "fresh")
	msg := dev.receive(t)
	assert.Equal(t, RegisteredEventTopic(caID), msg.Topic)
	var ev RegisteredEvent
	require.NoError(t, json.Unmarshal(msg.Payload, &ev))
	assert.Equal(t, fresh.ID, ev.CertificateID)
	assert.Equal(t, caID, ev.CACertificateID)
	assert.Equal(t, StatusPendingActivation, ev.CertificateStatus)
	assert.Equal(t, AccountID, ev.AWSAccountID)
	assert.NotZero(t, ev.Timestamp)
	assert.NotEmpty(t, ev.CertificateRegistrationTimestamp)
}

func TestConcurrentFirstConnects(t *testing.T) {
	g, install := newGate(t)
	s := startServer(t, Config{}, install)
	ca := newDeviceCA(t, "concurrent CA")
	_, err := s.RegisterCA(ca.Cert, template.Classic(), true)
	require.NoError(t, err)
	id := mint(t, ca, pki.Subject{CommonName: "same-device"})

	const n = 5
	var wg sync.WaitGroup
	start := make(chan struct{})
	errs := make([]error, n)
	acks := make([]*paho.Connack, n)
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			_, acks[i], errs[i] = connect(t, s, id.TLS, "same-device")
		}()
	}
	close(start)
	wg.Wait()
	for i := range n {
		assert.Error(t, errs[i], "connect %d", i)
		assert.Nil(t, acks[i], "connect %d", i)
	}
	g.release()
	require.Eventually(t, pollActive(s, id.ID), safetyNet, pollEvery)

	st := s.Stats()
	assert.Equal(t, int64(1), st.Registrations)
	assert.Equal(t, int64(n-1), st.ConnectsRefused)
	assert.Equal(t, 1, st.Certificates)
	assert.Equal(t, 1, st.Things)
	assert.Equal(t, int64(1), st.ProvisionSuccess)
	th, ok := s.Registry().Thing("same-device")
	require.True(t, ok)
	assert.Equal(t, []string{CertificateARN(id.ID)}, th.Principals)
}

func TestTemplateMissingParameter(t *testing.T) {
	s := startServer(t, Config{})
	tmpl, err := template.Parse([]byte(`{
		"Parameters": {
			"AWS::IoT::Certificate::CommonName": {"Type": "String"},
			"AWS::IoT::Certificate::Country": {"Type": "String"},
			"AWS::IoT::Certificate::Id": {"Type": "String"}
		},
		"Resources": {
			"thing": {"Type": "AWS::IoT::Thing", "Properties": {"ThingName": {"Ref": "AWS::IoT::Certificate::CommonName"}, "AttributePayload": {"country": {"Ref": "AWS::IoT::Certificate::Country"}}}},
			"certificate": {"Type": "AWS::IoT::Certificate", "Properties": {"CertificateId": {"Ref": "AWS::IoT::Certificate::Id"}, "Status": "ACTIVE"}},
			"policy": {"Type": "AWS::IoT::Policy", "Properties": {"PolicyDocument": "{\"Version\":\"2012-10-17\",\"Statement\":[]}"}}
		}
	}`))
	require.NoError(t, err)
	ca := newDeviceCA(t, "country CA")
	_, err = s.RegisterCA(ca.Cert, tmpl, true)
	require.NoError(t, err)
	id := mint(t, ca, pki.Subject{CommonName: "no-country"})

	requireDropped(t, s, id.TLS, "no-country")
	require.Eventually(t, func() bool { return s.Stats().ProvisionClientError == 1 }, safetyNet, pollEvery)

	cert, ok := s.Registry().Certificate(id.ID)
	require.True(t, ok)
	assert.Equal(t, StatusPendingActivation, cert.Status)
	assert.Empty(t, cert.Things)
	assert.Empty(t, cert.Policies)
	assert.Empty(t, s.Registry().Things())
	assert.Empty(t, s.Registry().Policies())

	requireDropped(t, s, id.TLS, "no-country")
	st := s.Stats()
	assert.Equal(t, int64(1), st.Registrations)
	assert.Equal(t, int64(0), st.ProvisionSuccess)
	assert.Equal(t, int64(1), st.ConnectsRefused)
}

func TestJITRWithoutTemplate(t *testing.T) {
	s := startServer(t, Config{})
	ca := newDeviceCA(t, "jitr CA")
	_, err := s.RegisterCA(ca.Cert, nil, true)
	require.NoError(t, err)
	id := mint(t, ca, pki.Subject{CommonName: "jitr-1"})

	requireDropped(t, s, id.TLS, "jitr-1")
	requireDropped(t, s, id.TLS, "jitr-1")
	cert, ok := s.Registry().Certificate(id.ID)
	require.True(t, ok)
	assert.Equal(t, StatusPendingActivation, cert.Status)
	st := s.Stats()
	assert.Equal(t, int64(1), st.Registrations)
	assert.Equal(t, int64(1), st.ConnectsRefused)
	assert.Equal(t, 0, st.Things)

	// Activating the certificate by hand (the JITR Lambda's job) is not enough: AWS evaluates
	// iot:Connect, and a certificate without a policy is refused. Attaching one lets it in.
	require.NoError(t, s.Registry().SetCertificateStatus(id.ID, StatusActive))
	requireDropped(t, s, id.TLS, "jitr-1")
	assert.Equal(t, int64(1), s.Stats().PolicyDenials)
	_, err = s.Registry().CreatePolicy("jitr-connect", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iot:Connect","Resource":"arn:aws:iot:us-east-1:123456789012:client/${iot:ClientId}"}]}`)
	require.NoError(t, err)
	require.NoError(t, s.Registry().AttachPolicy("jitr-connect", CertificateARN(id.ID)))
	mustConnect(t, s, id.TLS, "jitr-1")
}

func TestMQTT311Client(t *testing.T) {
	s := startServer(t, Config{})
	ca := newDeviceCA(t, "v311 CA")
	_, err := s.RegisterCA(ca.Cert, template.Classic(), true)
	require.NoError(t, err)
	id := mint(t, ca, pki.Subject{CommonName: "v311"})

	// connect311 sends a hand-encoded MQTT 3.1.1 CONNECT and returns what the server answers.
	connect311 := func() []byte {
		conn, err := dialTLS(s, id.TLS)
		require.NoError(t, err)
		defer conn.Close()
		clientID := "v311"
		vh := []byte{0, 4, 'M', 'Q', 'T', 'T', 4, 0x02, 0, 60, 0, byte(len(clientID))}
		pkt := append([]byte{0x10, byte(len(vh) + len(clientID))}, vh...)
		_, err = conn.Write(append(pkt, clientID...))
		require.NoError(t, err)
		reply, _ := io.ReadAll(io.LimitReader(conn, 4))
		return reply
	}

	assert.Empty(t, connect311(), "first connect: closed without CONNACK")
	require.Eventually(t, pollActive(s, id.ID), safetyNet, pollEvery)
	assert.Equal(t, []byte{0x20, 0x02, 0x00, 0x00}, connect311(), "CONNACK accepted")
}
