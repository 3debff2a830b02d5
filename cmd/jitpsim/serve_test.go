package main

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"io"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/iot"
	"github.com/aws/aws-sdk-go-v2/service/iot/types"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/jitpsim/jitpsim/sim/localiot"
	"github.com/jitpsim/jitpsim/sim/localiot/template"
	"github.com/jitpsim/jitpsim/sim/pki"
)

// serveSafetyNet bounds waits so a broken test fails instead of hanging; no test asserts on time.
const serveSafetyNet = 30 * time.Second

// syncBuffer is a bytes.Buffer safe for concurrent use.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// running is a `jitpsim serve` started in-process by startServe.
type running struct {
	info   serveInfo
	cli    *iot.Client
	stdout *syncBuffer
	stop   func() int
}

// startServe runs serve with o on random loopback ports until stop is called.
func startServe(t *testing.T, o serveOptions) *running {
	t.Helper()
	o.mqttAddr, o.apiAddr = "127.0.0.1:0", "127.0.0.1:0"
	if o.accessKey == "" {
		o.accessKey, o.secretKey = defaultAccessKey, defaultSecretKey
	}
	ready := make(chan serveInfo, 1)
	o.ready = func(i serveInfo) { ready <- i }
	ctx, cancel := context.WithCancel(context.Background())
	r := &running{stdout: &syncBuffer{}}
	done := make(chan int, 1)
	go func() {
		code, err := serve(ctx, o, r.stdout, io.Discard)
		assert.NoError(t, err)
		done <- code
	}()
	select {
	case r.info = <-ready:
	case code := <-done:
		cancel()
		t.Fatalf("serve exited early with %d", code)
	case <-time.After(serveSafetyNet):
		t.Fatal("serve did not become ready")
	}
	stopped := false
	r.stop = func() int {
		if stopped {
			return exitPass
		}
		stopped = true
		cancel()
		return <-done
	}
	t.Cleanup(func() { r.stop() })
	r.cli = iot.New(iot.Options{
		Region:       "us-east-1",
		BaseEndpoint: aws.String(r.info.APIURL),
		Credentials:  credentials.NewStaticCredentialsProvider(o.accessKey, o.secretKey, ""),
		Retryer:      aws.NopRetryer{},
	})
	return r
}

// mqttConnect dials the served MQTT endpoint verifying it with the written server CA, sends an
// MQTT 3.1.1 CONNECT and reports whether CONNACK accepted it.
func (r *running) mqttConnect(t *testing.T, id *pki.Identity, clientID string) bool {
	t.Helper()
	caPEM, err := os.ReadFile(r.info.ServerCAFile)
	require.NoError(t, err)
	pool := x509.NewCertPool()
	require.True(t, pool.AppendCertsFromPEM(caPEM))
	ctx, cancel := context.WithTimeout(context.Background(), serveSafetyNet)
	defer cancel()
	d := &tls.Dialer{Config: &tls.Config{RootCAs: pool, ServerName: r.info.Endpoint, Certificates: []tls.Certificate{id.TLS}}}
	c, err := d.DialContext(ctx, "tcp", r.info.MQTTAddr)
	require.NoError(t, err)
	defer c.Close()
	vh := []byte{0, 4, 'M', 'Q', 'T', 'T', 4, 0x02, 0, 60, 0, byte(len(clientID))}
	_, err = c.Write(append(append([]byte{0x10, byte(len(vh) + len(clientID))}, vh...), clientID...))
	require.NoError(t, err)
	_ = c.SetReadDeadline(time.Now().Add(serveSafetyNet))
	reply, _ := io.ReadAll(io.LimitReader(c, 4))
	return string(reply) == "\x20\x02\x00\x00"
}

func TestServePersistsAcrossRestarts(t *testing.T) {
	data := t.TempDir()
	ca, err := pki.NewCA("serve test CA", pki.KeyEC256)
	require.NoError(t, err)
	dev, err := ca.Mint(0, pki.Subject{CommonName: "serve-dev-1"}, pki.KeyEC256)
	require.NoError(t, err)
	ctx, cancel := context.WithTimeout(context.Background(), serveSafetyNet)
	defer cancel()

	// First run: register the CA through the API and provision a device over MQTT.
	r := startServe(t, serveOptions{data: data, accessKey: "AKIDSERVE", secretKey: "serve-secret"})
	assert.Equal(t, filepath.Join(data, serverCAFile), r.info.ServerCAFile)
	out := r.stdout.String()
	for _, want := range []string{"MQTT endpoint: localhost:", "API URL:       " + r.info.APIURL, "AWS_ACCESS_KEY_ID=AKIDSERVE",
		"aws --endpoint-url " + r.info.APIURL + " iot describe-endpoint --endpoint-type iot:Data-ATS", filepath.Join(data, localiot.StoreFile)} {
		assert.Contains(t, out, want)
	}
	ep, err := r.cli.DescribeEndpoint(ctx, &iot.DescribeEndpointInput{EndpointType: aws.String("iot:Data-ATS")})
	require.NoError(t, err)
	assert.Equal(t, "localhost", *ep.EndpointAddress)
	code, err := r.cli.GetRegistrationCode(ctx, &iot.GetRegistrationCodeInput{})
	require.NoError(t, err)
	verification, err := ca.Mint(1, pki.Subject{CommonName: *code.RegistrationCode}, pki.KeyEC256)
	require.NoError(t, err)
	reg, err := r.cli.RegisterCACertificate(ctx, &iot.RegisterCACertificateInput{
		CaCertificate:           aws.String(string(ca.CertPEM)),
		VerificationCertificate: aws.String(string(verification.CertPEM())),
		SetAsActive:             true,
		AllowAutoRegistration:   true,
		RegistrationConfig:      &types.RegistrationConfig{TemplateBody: aws.String(template.Classic().Body()), RoleArn: aws.String("arn:aws:iam::123456789012:role/JITPRole")},
	})
	require.NoError(t, err)
	assert.False(t, r.mqttConnect(t, dev, "serve-dev-1"), "first connect dropped")
	require.Eventually(t, func() bool {
		d, err := r.cli.DescribeCertificate(ctx, &iot.DescribeCertificateInput{CertificateId: aws.String(dev.ID)})
		return err == nil && d.CertificateDescription.Status == types.CertificateStatusActive
	}, serveSafetyNet, 10*time.Millisecond)
	assert.Equal(t, exitPass, r.stop())
	assert.Contains(t, r.stdout.String(), "jitpsim serve: stopped")

	// Second run: everything is still there and the device connects at once.
	r = startServe(t, serveOptions{data: data, accessKey: "AKIDSERVE", secretKey: "serve-secret"})
	code2, err := r.cli.GetRegistrationCode(ctx, &iot.GetRegistrationCodeInput{})
	require.NoError(t, err)
	assert.Equal(t, *code.RegistrationCode, *code2.RegistrationCode)
	d, err := r.cli.DescribeCACertificate(ctx, &iot.DescribeCACertificateInput{CertificateId: reg.CertificateId})
	require.NoError(t, err)
	assert.Equal(t, types.AutoRegistrationStatusEnable, d.CertificateDescription.AutoRegistrationStatus)
	th, err := r.cli.DescribeThing(ctx, &iot.DescribeThingInput{ThingName: aws.String("serve-dev-1")})
	require.NoError(t, err)
	assert.Equal(t, map[string]string{"version": "v1"}, th.Attributes)
	assert.True(t, r.mqttConnect(t, dev, "serve-dev-1"), "provisioned device connects after the restart")
	assert.Equal(t, exitPass, r.stop())
}

func TestServeInMemory(t *testing.T) {
	r := startServe(t, serveOptions{awsLimits: true, provisionDelay: time.Millisecond, delaySet: true})
	assert.Contains(t, r.stdout.String(), "in memory")
	assert.Contains(t, r.stdout.String(), "AWS limits:    on")
	caDir := filepath.Dir(r.info.ServerCAFile)
	assert.FileExists(t, r.info.ServerCAFile)
	_, err := r.cli.CreateThing(context.Background(), &iot.CreateThingInput{ThingName: aws.String("t")})
	require.NoError(t, err)
	assert.Equal(t, exitPass, r.stop())
	assert.NoDirExists(t, caDir, "the temporary directory is removed")
}

func TestServeUsageErrors(t *testing.T) {
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"positional argument", []string{"extra"}, "no arguments"},
		{"non-loopback MQTT address", []string{"--mqtt-addr", "0.0.0.0:8883"}, "--allow-remote"},
		{"non-loopback API address", []string{"--api-addr", "192.0.2.1:80"}, "--allow-remote"},
		{"address without port", []string{"--api-addr", "127.0.0.1"}, "missing port"},
		{"negative delay", []string{"--provision-delay", "-1s"}, "must not be negative"},
		{"empty secret", []string{"--secret-access-key", ""}, "must not be empty"},
		{"unknown flag", []string{"--bogus"}, "bogus"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var stderr bytes.Buffer
			code := realMain(append([]string{"serve"}, tc.args...), io.Discard, &stderr)
			assert.Equal(t, exitUsage, code)
			assert.Contains(t, stderr.String(), tc.want)
		})
	}
}
