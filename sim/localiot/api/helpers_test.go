package api

import (
	"context"
	"crypto/sha256"
	"crypto/tls"
	"encoding/hex"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/iot"
	"github.com/aws/aws-sdk-go-v2/service/iot/types"
	"github.com/aws/smithy-go"
	"github.com/stretchr/testify/require"

	"github.com/jitpsim/jitpsim/sim/localiot"
	"github.com/jitpsim/jitpsim/sim/localiot/template"
	"github.com/jitpsim/jitpsim/sim/pki"
)

// Test credentials and timing.
const (
	testAccessKey = "AKIDJITPSIMTEST"
	testSecret    = "jitpsim-test-secret"
	testRegion    = "eu-west-1"
	// safetyNet bounds waits so a broken test fails instead of hanging; no test asserts on time.
	safetyNet = 30 * time.Second
	pollEvery = 5 * time.Millisecond
)

// fakeClock is the handler's clock, moved by tests that check the signature's date.
type fakeClock struct {
	mu     sync.Mutex
	offset time.Duration
}

// now returns the wall time shifted by the offset.
func (c *fakeClock) now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return time.Now().Add(c.offset)
}

// set sets the offset from the wall time.
func (c *fakeClock) set(d time.Duration) {
	c.mu.Lock()
	c.offset = d
	c.mu.Unlock()
}

// env is a started stand-in with its API on an httptest server and an SDK client for it.
type env struct {
	srv   *localiot.Server
	h     *Handler
	ts    *httptest.Server
	cli   *iot.Client
	clock *fakeClock
}

// newEnv starts a stand-in with cfg and serves its API; everything is closed when the test ends.
func newEnv(t *testing.T, cfg localiot.Config) *env {
	t.Helper()
	srv, err := localiot.New(cfg)
	require.NoError(t, err)
	require.NoError(t, srv.Start())
	e := &env{srv: srv, clock: &fakeClock{}}
	e.h, err = New(srv, Options{Credentials: Credentials{testAccessKey, testSecret}, Now: e.clock.now})
	require.NoError(t, err)
	e.ts = httptest.NewServer(e.h)
	t.Cleanup(func() {
		e.ts.Close()
		require.NoError(t, srv.Close())
	})
	e.cli = e.client(testAccessKey, testSecret, testRegion)
	return e
}

// client returns an SDK client for the env's API with the given credentials and region.
func (e *env) client(key, secret, region string) *iot.Client {
	return iot.New(iot.Options{
		Region:       region,
		BaseEndpoint: aws.String(e.ts.URL),
		Credentials:  credentials.NewStaticCredentialsProvider(key, secret, ""),
		Retryer:      aws.NopRetryer{},
		HTTPClient:   e.ts.Client(),
	})
}

// ctx returns a context bounded by the safety net.
func ctx(t *testing.T) context.Context {
	c, cancel := context.WithTimeout(context.Background(), safetyNet)
	t.Cleanup(cancel)
	return c
}

// requireAPIError requires err to be the AWS exception code with the HTTP status.
func requireAPIError(t *testing.T, err error, code string, status int) {
	t.Helper()
	require.Error(t, err)
	var ae smithy.APIError
	require.True(t, errors.As(err, &ae), "not an API error: %v", err)
	require.Equal(t, code, ae.ErrorCode(), "message: %s", ae.ErrorMessage())
	var re *awshttp.ResponseError
	require.True(t, errors.As(err, &re))
	require.Equal(t, status, re.HTTPStatusCode())
}

// signedRequest sends a request signed with the SDK's SigV4 signer for service and returns the response.
func (e *env) signedRequest(t *testing.T, method, path, body, service string, at time.Time) *http.Response {
	t.Helper()
	req, err := http.NewRequest(method, e.ts.URL+path, strings.NewReader(body))
	require.NoError(t, err)
	sum := sha256.Sum256([]byte(body))
	creds := aws.Credentials{AccessKeyID: testAccessKey, SecretAccessKey: testSecret}
	require.NoError(t, v4.NewSigner().SignHTTP(context.Background(), creds, req, hex.EncodeToString(sum[:]), service, testRegion, at))
	resp, err := e.ts.Client().Do(req)
	require.NoError(t, err)
	t.Cleanup(func() { _ = resp.Body.Close() })
	return resp
}

// readAll reads a response body.
func readAll(t *testing.T, resp *http.Response) string {
	t.Helper()
	b, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return string(b)
}

// stringified returns the classic template as AWS's registration config templateBody string.
func stringified() string { return template.Classic().Body() }

// newCA creates a device CA.
func newCA(t *testing.T, cn string) *pki.CA {
	t.Helper()
	ca, err := pki.NewCA(cn, pki.KeyEC256)
	require.NoError(t, err)
	return ca
}

// verificationPEM returns a certificate signed by ca whose CN is the account's registration code.
func (e *env) verificationPEM(t *testing.T, ca *pki.CA) string {
	t.Helper()
	code, err := e.cli.GetRegistrationCode(ctx(t), &iot.GetRegistrationCodeInput{})
	require.NoError(t, err)
	id, err := ca.Mint(0, pki.Subject{CommonName: *code.RegistrationCode}, pki.KeyEC256)
	require.NoError(t, err)
	return string(id.CertPEM())
}

// registerJITPCA registers ca ACTIVE with auto-registration and the classic template (DEFAULT mode).
func (e *env) registerJITPCA(t *testing.T, ca *pki.CA) string {
	t.Helper()
	out, err := e.cli.RegisterCACertificate(ctx(t), &iot.RegisterCACertificateInput{
		CaCertificate:           aws.String(string(ca.CertPEM)),
		VerificationCertificate: aws.String(e.verificationPEM(t, ca)),
		SetAsActive:             true,
		AllowAutoRegistration:   true,
		RegistrationConfig:      sdkRegConfig(stringified()),
	})
	require.NoError(t, err)
	return *out.CertificateId
}

// dialMQTT opens a TLS connection with SNI "localhost" presenting id's chain.
func (e *env) dialMQTT(t *testing.T, id *pki.Identity) *tls.Conn {
	t.Helper()
	d := &tls.Dialer{Config: &tls.Config{RootCAs: e.srv.RootCAs(), ServerName: e.srv.ServerName(), Certificates: []tls.Certificate{id.TLS}}}
	c, err := d.DialContext(ctx(t), "tcp", e.srv.Addr())
	require.NoError(t, err)
	t.Cleanup(func() { _ = c.Close() })
	return c.(*tls.Conn)
}

// connect311 sends an MQTT 3.1.1 CONNECT with client ID cn and reports whether CONNACK accepted
// it; the connection stays open on success.
func (e *env) connect311(t *testing.T, id *pki.Identity, cn string) (*tls.Conn, bool) {
	t.Helper()
	conn := e.dialMQTT(t, id)
	vh := []byte{0, 4, 'M', 'Q', 'T', 'T', 4, 0x02, 0, 60, 0, byte(len(cn))}
	pkt := append([]byte{0x10, byte(len(vh) + len(cn))}, vh...)
	_, err := conn.Write(append(pkt, cn...))
	require.NoError(t, err)
	reply, _ := io.ReadAll(io.LimitReader(conn, 4))
	return conn, string(reply) == "\x20\x02\x00\x00"
}

// provision takes a new device of ca through JITP: dropped first, then ACTIVE.
func (e *env) provision(t *testing.T, ca *pki.CA, cn string) *pki.Identity {
	t.Helper()
	id, err := ca.Mint(0, pki.Subject{CommonName: cn}, pki.KeyEC256)
	require.NoError(t, err)
	_, ok := e.connect311(t, id, cn)
	require.False(t, ok, "first connect must be dropped")
	require.Eventually(t, func() bool {
		c, ok := e.srv.Registry().Certificate(id.ID)
		return ok && c.Status == localiot.StatusActive
	}, safetyNet, pollEvery)
	return id
}

// testRoleArn is the provisioning role of the tests' registration configs.
const testRoleArn = "arn:aws:iam::123456789012:role/JITPRole"

// sdkRegConfig returns a registration config with the template body string.
func sdkRegConfig(body string) *types.RegistrationConfig {
	return &types.RegistrationConfig{TemplateBody: aws.String(body), RoleArn: aws.String(testRoleArn)}
}
