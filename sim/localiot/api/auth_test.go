package api

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iot"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/jitpsim/jitpsim/sim/localiot"
)

func TestSignatureRequired(t *testing.T) {
	e := newEnv(t, localiot.Config{})
	tests := []struct {
		name   string
		cli    *iot.Client
		offset time.Duration
		code   string
	}{
		{"unknown access key", e.client("AKIDSOMEONEELSE", testSecret, testRegion), 0, errUnrecognizedClient},
		{"wrong secret", e.client(testAccessKey, "not-the-secret", testRegion), 0, errInvalidSignature},
		{"clock 16 minutes ahead of the client", e.cli, 16 * time.Minute, errInvalidSignature},
		{"clock 16 minutes behind the client", e.cli, -16 * time.Minute, errInvalidSignature},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			e.clock.set(tc.offset)
			defer e.clock.set(0)
			_, err := tc.cli.DescribeEndpoint(ctx(t), &iot.DescribeEndpointInput{EndpointType: aws.String("iot:Data-ATS")})
			requireAPIError(t, err, tc.code, http.StatusForbidden)
		})
	}

	// 14 minutes of skew either way is tolerated, as on AWS.
	for _, skew := range []time.Duration{14 * time.Minute, -14 * time.Minute} {
		e.clock.set(skew)
		_, err := e.cli.DescribeEndpoint(ctx(t), &iot.DescribeEndpointInput{})
		require.NoError(t, err, "skew %v", skew)
	}
	e.clock.set(0)

	// Any region is accepted and recorded.
	_, err := e.client(testAccessKey, testSecret, "ap-south-1").DescribeEndpoint(ctx(t), &iot.DescribeEndpointInput{})
	require.NoError(t, err)
	assert.Equal(t, []string{"ap-south-1", testRegion}, e.h.Regions())
}

func TestSignatureRawRequests(t *testing.T) {
	e := newEnv(t, localiot.Config{})
	resp, err := e.ts.Client().Get(e.ts.URL + "/endpoint")
	require.NoError(t, err)
	defer resp.Body.Close()
	assert.Equal(t, http.StatusForbidden, resp.StatusCode)
	assert.Equal(t, errMissingToken, resp.Header.Get("X-Amzn-ErrorType"))

	tests := []struct {
		name, method, path, body, service string
		at                                time.Time
		status                            int
		errType                           string
	}{
		{"signed for another service", "GET", "/endpoint", "", "s3", time.Now(), http.StatusForbidden, errInvalidSignature},
		{"signature expired", "GET", "/endpoint", "", "iot", time.Now().Add(-time.Hour), http.StatusForbidden, errInvalidSignature},
		{"unknown operation", "GET", "/thing-types/lamp", "", "iot", time.Now(), http.StatusNotFound, errUnknownOperation},
		{"path label with an escaped slash", "POST", "/attached-policies/" + strings.ReplaceAll(localiot.CertificateARN(strings.Repeat("a", 64)), "/", "%2F"), "", "iot", time.Now(), http.StatusNotFound, localiot.ErrResourceNotFound},
		{"query string with reserved characters", "GET", "/endpoint?endpointType=iot%3AData-ATS", "", "iot", time.Now(), http.StatusOK, ""},
		{"signed for execute-api (older AWS models)", "GET", "/endpoint", "", "execute-api", time.Now(), http.StatusOK, ""},
		{"malformed JSON body", "POST", "/policies/p", "{", "iot", time.Now(), http.StatusBadRequest, localiot.ErrInvalidRequest},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			resp := e.signedRequest(t, tc.method, tc.path, tc.body, tc.service, tc.at)
			body := readAll(t, resp)
			assert.Equal(t, tc.status, resp.StatusCode, body)
			assert.Equal(t, tc.errType, resp.Header.Get("X-Amzn-ErrorType"))
			assert.NotEmpty(t, resp.Header.Get("X-Amzn-RequestId"))
			if tc.errType != "" {
				var eb struct{ Message string }
				require.NoError(t, json.Unmarshal([]byte(body), &eb))
				assert.NotEmpty(t, eb.Message)
			}
		})
	}
}

func TestWireFormat(t *testing.T) {
	e := newEnv(t, localiot.Config{})
	_, err := e.cli.CreateThing(ctx(t), &iot.CreateThingInput{ThingName: aws.String("wire")})
	require.NoError(t, err)

	resp := e.signedRequest(t, "GET", "/things/wire", "", "iot", time.Now())
	require.Equal(t, http.StatusOK, resp.StatusCode)
	assert.Equal(t, "application/json", resp.Header.Get("Content-Type"))
	var th map[string]any
	require.NoError(t, json.Unmarshal([]byte(readAll(t, resp)), &th))
	assert.Equal(t, map[string]any{}, th["attributes"], "attributes is always an object")
	assert.Equal(t, 1.0, th["version"])

	_, err = e.cli.CreatePolicy(ctx(t), &iot.CreatePolicyInput{PolicyName: aws.String("p"), PolicyDocument: aws.String(allowAll)})
	require.NoError(t, err)
	resp = e.signedRequest(t, "GET", "/policies/p", "", "iot", time.Now())
	var pol map[string]any
	require.NoError(t, json.Unmarshal([]byte(readAll(t, resp)), &pol))
	created, ok := pol["creationDate"].(float64)
	require.True(t, ok, "timestamps are JSON numbers: %v", pol["creationDate"])
	assert.InDelta(t, float64(time.Now().Unix()), created, 3600, "epoch seconds, not milliseconds")

	resp = e.signedRequest(t, "POST", "/policies/p", `{"policyDocument":"{\"Statement\":[]}"}`, "iot", time.Now())
	assert.Equal(t, http.StatusConflict, resp.StatusCode)
	assert.Equal(t, localiot.ErrResourceAlreadyExists, resp.Header.Get("X-Amzn-ErrorType"))
	var eb map[string]string
	require.NoError(t, json.Unmarshal([]byte(readAll(t, resp)), &eb))
	assert.Equal(t, "p", eb["resourceId"])
	assert.Equal(t, localiot.PolicyARN("p"), eb["resourceArn"])
	assert.NotEmpty(t, eb["message"])
}

func TestDescribeEndpoint(t *testing.T) {
	e := newEnv(t, localiot.Config{EndpointAddress: "iot.local.test"})
	for _, typ := range []string{"", "iot:Data", "iot:Data-ATS", "iot:CredentialProvider", "iot:Jobs"} {
		out, err := e.cli.DescribeEndpoint(ctx(t), &iot.DescribeEndpointInput{EndpointType: aws.String(typ)})
		require.NoError(t, err, typ)
		assert.Equal(t, "iot.local.test", *out.EndpointAddress)
	}
	_, err := e.cli.DescribeEndpoint(ctx(t), &iot.DescribeEndpointInput{EndpointType: aws.String("iot:Nope")})
	requireAPIError(t, err, localiot.ErrInvalidRequest, http.StatusBadRequest)
}

func TestNewRequiresCredentials(t *testing.T) {
	_, err := New(nil, Options{Credentials: Credentials{AccessKeyID: "a"}})
	require.Error(t, err)
}
