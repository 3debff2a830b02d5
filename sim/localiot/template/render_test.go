package template

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestRegistrationConfig(t *testing.T) {
	tests := []struct {
		name    string
		data    []byte
		roleArn string
	}{
		{name: "readable with object policy", data: []byte(atlasJITP), roleArn: "arn:aws:iam::123456789012:role/JITPRole"},
		{name: "classic", data: ClassicJSON(), roleArn: "arn:aws:iam::123456789012:role/JITPRole"},
		{name: "already stringified", data: []byte(blogJITPConfig), roleArn: "arn:aws:iam::123456789012:role/JITPRole"},
		{name: "bare body without role", data: []byte(docsJITPBody)},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			tp, err := Parse(tc.data)
			require.NoError(t, err)
			out, err := tp.RegistrationConfig()
			require.NoError(t, err)

			// The wrapper holds exactly templateBody (a string) and roleArn.
			var cfg map[string]any
			require.NoError(t, json.Unmarshal(out, &cfg))
			body, ok := cfg["templateBody"].(string)
			require.True(t, ok, "templateBody must be a string: %s", out)
			if tc.roleArn != "" {
				assert.Equal(t, map[string]any{"templateBody": body, "roleArn": tc.roleArn}, cfg)
			} else {
				assert.Equal(t, map[string]any{"templateBody": body}, cfg)
			}

			// Inside the body every PolicyDocument is an escaped string, as AWS requires.
			var inner struct {
				Resources map[string]struct {
					Type       string
					Properties map[string]any
				}
			}
			require.NoError(t, json.Unmarshal([]byte(body), &inner))
			for id, r := range inner.Resources {
				if r.Type == TypePolicy {
					if doc, ok := r.Properties["PolicyDocument"]; ok {
						_, isString := doc.(string)
						assert.True(t, isString, "PolicyDocument of %s must be a string", id)
					}
				}
			}

			// Parsing the rendered config gives back the same template.
			again, err := Parse(out)
			require.NoError(t, err)
			assert.Equal(t, tp.Body(), again.Body())
			assert.Equal(t, tp.RoleArn(), again.RoleArn())
		})
	}
}

func TestRegistrationConfigEscaping(t *testing.T) {
	tp, err := Parse([]byte(atlasJITP))
	require.NoError(t, err)
	out, err := tp.RegistrationConfig()
	require.NoError(t, err)
	s := string(out)
	assert.Contains(t, s, `\"Type\":\"AWS::IoT::Policy\"`, "one level of escaping for the body")
	assert.Contains(t, s, `\"PolicyDocument\":\"{\\\"Statement\\\":[{\\\"Action\\\":`, "two levels for the policy document")
	assert.NotContains(t, s, `\u003c`, "no HTML escaping")
	assert.Equal(t, byte('\n'), out[len(out)-1])
}

func TestBodyStringifiesPolicyDocuments(t *testing.T) {
	tp, err := Parse([]byte(atlasJITP))
	require.NoError(t, err)
	var body map[string]any
	require.NoError(t, json.Unmarshal([]byte(tp.Body()), &body))
	doc := body["Resources"].(map[string]any)["policy"].(map[string]any)["Properties"].(map[string]any)["PolicyDocument"]
	s, ok := doc.(string)
	require.True(t, ok, "PolicyDocument kept as %T", doc)
	assert.JSONEq(t, `{"Version":"2012-10-17","Statement":[
		{"Effect":"Allow","Action":["iot:Connect"],"Resource":["arn:aws:iot:us-east-1:123456789012:client/*"]},
		{"Effect":"Allow","Action":["iot:Publish","iot:Receive"],"Resource":["arn:aws:iot:us-east-1:123456789012:topic/*"]},
		{"Effect":"Allow","Action":["iot:Subscribe"],"Resource":["arn:aws:iot:us-east-1:123456789012:topicfilter/*"]}]}`, s)
}
