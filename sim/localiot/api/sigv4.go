package api

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/http"
	"strings"
	"time"
)

// SigV4 constants of AWS IoT's control plane.
const (
	sigAlgorithm = "AWS4-HMAC-SHA256"
	sigService   = "iot"
	// sigServiceOld is the signing name of older AWS IoT models (botocore before 2023, so AWS
	// CLI 2.9); AWS IoT's endpoints accept it as well.
	sigServiceOld = "execute-api"
	sigTerminator = "aws4_request"
	amzDateFormat = "20060102T150405Z"
	// MaxClockSkew is how far a request's X-Amz-Date may be from the server's clock, as on AWS.
	MaxClockSkew = 15 * time.Minute
)

// Credentials are the access key pair requests must be signed with.
type Credentials struct {
	// AccessKeyID is the AWS_ACCESS_KEY_ID clients use.
	AccessKeyID string
	// SecretAccessKey is the AWS_SECRET_ACCESS_KEY clients use.
	SecretAccessKey string
}

// authHeader is a parsed Authorization header.
type authHeader struct {
	accessKey, date, region, service, terminator string
	signedHeaders                                []string
	signature                                    string
}

// parseAuthorization parses "AWS4-HMAC-SHA256 Credential=..., SignedHeaders=..., Signature=...".
func parseAuthorization(v string) (authHeader, error) {
	var a authHeader
	rest, ok := strings.CutPrefix(v, sigAlgorithm+" ")
	if !ok {
		return a, fail(errIncompleteSignature, "Unsupported Authorization type; only "+sigAlgorithm+" is supported")
	}
	fields := map[string]string{}
	for _, part := range strings.Split(rest, ",") {
		k, val, ok := strings.Cut(strings.TrimSpace(part), "=")
		if ok {
			fields[k] = val
		}
	}
	for _, k := range []string{"Credential", "SignedHeaders", "Signature"} {
		if fields[k] == "" {
			return a, fail(errIncompleteSignature, fmt.Sprintf("Authorization header requires '%s' parameter. Authorization=%s", k, v))
		}
	}
	scope := strings.Split(fields["Credential"], "/")
	if len(scope) != 5 {
		return a, fail(errIncompleteSignature, "Credential should be scoped to a valid region, e.g. AKID/20150830/us-east-1/iot/aws4_request")
	}
	a.accessKey, a.date, a.region, a.service, a.terminator = scope[0], scope[1], scope[2], scope[3], scope[4]
	a.signedHeaders = strings.Split(fields["SignedHeaders"], ";")
	a.signature = strings.ToLower(fields["Signature"])
	return a, nil
}

// verifySigV4 checks the request's signature for creds at now; body is the request body. It
// returns the region the request was signed for. The credential scope's service may be "iot"
// or "execute-api", as AWS IoT accepts both.
func verifySigV4(r *http.Request, body []byte, creds Credentials, now time.Time) (string, error) {
	v := r.Header.Get("Authorization")
	if v == "" {
		return "", fail(errMissingToken, "Missing Authentication Token")
	}
	a, err := parseAuthorization(v)
	if err != nil {
		return "", err
	}
	if a.accessKey != creds.AccessKeyID {
		return a.region, fail(errUnrecognizedClient, "The security token included in the request is invalid.")
	}
	if a.service != sigService && a.service != sigServiceOld {
		return a.region, fail(errInvalidSignature, fmt.Sprintf("Credential should be scoped to correct service: '%s'. ", sigService))
	}
	if a.terminator != sigTerminator {
		return a.region, fail(errInvalidSignature, "Credential should be scoped with a valid terminator: 'aws4_request', not '"+a.terminator+"'. ")
	}
	if !containsHost(a.signedHeaders) {
		return a.region, fail(errInvalidSignature, "'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization.")
	}
	amzDate, t, err := requestTime(r)
	if err != nil {
		return a.region, err
	}
	if err := checkSkew(amzDate, t, now); err != nil {
		return a.region, err
	}
	if day := t.Format("20060102"); a.date != day {
		return a.region, fail(errInvalidSignature, fmt.Sprintf("Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '%s' != '%s', from '%s'.", a.date, day, amzDate))
	}
	payload, err := payloadHash(r, body)
	if err != nil {
		return a.region, err
	}
	canonical := canonicalRequest(r, a.signedHeaders, payload)
	scope := strings.Join([]string{a.date, a.region, a.service, a.terminator}, "/")
	sum := sha256.Sum256([]byte(canonical))
	toSign := strings.Join([]string{sigAlgorithm, amzDate, scope, hex.EncodeToString(sum[:])}, "\n")
	key := signingKey(creds.SecretAccessKey, a.date, a.region, a.service)
	want := hex.EncodeToString(hmacSHA256(key, toSign))
	if !hmac.Equal([]byte(want), []byte(a.signature)) {
		return a.region, fail(errInvalidSignature, "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.")
	}
	return a.region, nil
}

// containsHost reports whether the signed headers include host.
func containsHost(signed []string) bool {
	for _, h := range signed {
		if h == "host" {
			return true
		}
	}
	return false
}

// requestTime reads X-Amz-Date, or the Date header, and returns its text and value.
func requestTime(r *http.Request) (string, time.Time, error) {
	if v := r.Header.Get("X-Amz-Date"); v != "" {
		t, err := time.Parse(amzDateFormat, v)
		if err != nil {
			return v, t, fail(errIncompleteSignature, "Date must be in ISO-8601 'basic format'. Got '"+v+"'. See http://en.wikipedia.org/wiki/ISO_8601")
		}
		return v, t, nil
	}
	if v := r.Header.Get("Date"); v != "" {
		t, err := http.ParseTime(v)
		if err != nil {
			return v, t, fail(errIncompleteSignature, "Date must be in RFC 1123 format. Got '"+v+"'.")
		}
		return t.UTC().Format(amzDateFormat), t, nil
	}
	return "", time.Time{}, fail(errIncompleteSignature, "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header.")
}

// checkSkew refuses a request signed more than MaxClockSkew away from now.
func checkSkew(amzDate string, t, now time.Time) error {
	now = now.UTC()
	switch {
	case t.Before(now.Add(-MaxClockSkew)):
		return fail(errInvalidSignature, fmt.Sprintf("Signature expired: %s is now earlier than %s (%s - 15 min.)",
			amzDate, now.Add(-MaxClockSkew).Format(amzDateFormat), now.Format(amzDateFormat)))
	case t.After(now.Add(MaxClockSkew)):
		return fail(errInvalidSignature, fmt.Sprintf("Signature not yet current: %s is still later than %s (%s + 15 min.)",
			amzDate, now.Add(MaxClockSkew).Format(amzDateFormat), now.Format(amzDateFormat)))
	}
	return nil
}

// payloadHash returns the hashed payload of the canonical request: the body's SHA-256, or
// UNSIGNED-PAYLOAD when X-Amz-Content-Sha256 says so; a header that disagrees with the body fails.
func payloadHash(r *http.Request, body []byte) (string, error) {
	sum := sha256.Sum256(body)
	computed := hex.EncodeToString(sum[:])
	switch h := r.Header.Get("X-Amz-Content-Sha256"); {
	case h == "UNSIGNED-PAYLOAD":
		return h, nil
	case h != "" && !strings.EqualFold(h, computed):
		return "", fail(errInvalidSignature, "The provided 'x-amz-content-sha256' header does not match what was computed.")
	}
	return computed, nil
}

// signingKey derives the SigV4 key: HMAC chain of "AWS4"+secret, date, region, service, aws4_request.
func signingKey(secret, date, region, service string) []byte {
	k := hmacSHA256([]byte("AWS4"+secret), date)
	k = hmacSHA256(k, region)
	k = hmacSHA256(k, service)
	return hmacSHA256(k, sigTerminator)
}

// hmacSHA256 returns HMAC-SHA256(key, data).
func hmacSHA256(key []byte, data string) []byte {
	m := hmac.New(sha256.New, key)
	m.Write([]byte(data))
	return m.Sum(nil)
}
