package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/jitpsim/jitpsim/sim/localiot/template"
)

// readableTemplate is a template in the readable form, PolicyDocument as a JSON object.
const readableTemplate = `{
  "templateBody": {
    "Parameters": {
      "AWS::IoT::Certificate::CommonName": {"Type": "String"},
      "AWS::IoT::Certificate::Id": {"Type": "String"}
    },
    "Resources": {
      "thing": {"Type": "AWS::IoT::Thing", "Properties": {"ThingName": {"Ref": "AWS::IoT::Certificate::CommonName"}}},
      "certificate": {"Type": "AWS::IoT::Certificate", "Properties": {"CertificateId": {"Ref": "AWS::IoT::Certificate::Id"}, "Status": "ACTIVE"}},
      "policy": {"Type": "AWS::IoT::Policy", "Properties": {"PolicyDocument": {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Action": ["iot:Connect", "iot:Publish"], "Resource": ["*"]}]
      }}}
    }
  },
  "roleArn": "arn:aws:iam::123456789012:role/JITPRole"
}`

func TestTemplateRender(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "provisioning-template.json")
	require.NoError(t, os.WriteFile(path, []byte(readableTemplate), 0o644))

	code, stdout, stderr := runCLI(t, "template", "render", path)
	require.Equal(t, exitPass, code, stderr)
	assert.Empty(t, stderr)

	// The output is AWS's registration config: templateBody is a string, and so is the
	// PolicyDocument inside it.
	var cfg struct {
		TemplateBody string `json:"templateBody"`
		RoleArn      string `json:"roleArn"`
	}
	require.NoError(t, json.Unmarshal([]byte(stdout), &cfg))
	assert.Equal(t, "arn:aws:iam::123456789012:role/JITPRole", cfg.RoleArn)
	var body struct {
		Resources map[string]struct {
			Properties map[string]any
		}
	}
	require.NoError(t, json.Unmarshal([]byte(cfg.TemplateBody), &body))
	doc, ok := body.Resources["policy"].Properties["PolicyDocument"].(string)
	require.True(t, ok, "PolicyDocument must be an escaped string")
	assert.JSONEq(t, `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["iot:Connect","iot:Publish"],"Resource":["*"]}]}`, doc)

	// Parsing the output gives back the same template.
	want, err := template.Parse([]byte(readableTemplate))
	require.NoError(t, err)
	got, err := template.Parse([]byte(stdout))
	require.NoError(t, err)
	assert.Equal(t, want.Body(), got.Body())
	assert.Equal(t, want.RoleArn(), got.RoleArn())
}

func TestTemplateRenderRoleArn(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "body.json")
	require.NoError(t, os.WriteFile(path, []byte(`{"Resources":{"c":{"Type":"AWS::IoT::Certificate","Properties":{"CertificateId":"x"}}}}`), 0o644))

	code, stdout, stderr := runCLI(t, "template", "render", path)
	require.Equal(t, exitPass, code)
	assert.Contains(t, stderr, path+" has no roleArn")
	assert.NotContains(t, stdout, "roleArn")

	code, stdout, stderr = runCLI(t, "template", "render", "--role-arn", "arn:aws:iam::123456789012:role/R", path)
	require.Equal(t, exitPass, code)
	assert.Empty(t, stderr)
	assert.Contains(t, stdout, `"roleArn": "arn:aws:iam::123456789012:role/R"`)
}

func TestTemplateErrors(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.json")
	require.NoError(t, os.WriteFile(bad, []byte(`{"Resources":{"p":{"Type":"AWS::IoT::Policy","Properties":{}}}}`), 0o644))
	tests := []struct {
		name string
		args []string
		want string
	}{
		{name: "bad template", args: []string{"template", "render", bad}, want: bad + ": Invalid registration template. Neither policyName nor policyDocument is present in the Template."},
		{name: "missing file", args: []string{"template", "render", filepath.Join(dir, "nope.json")}, want: "nope.json"},
		{name: "no subcommand", args: []string{"template"}, want: "want: jitpsim template render FILE"},
		{name: "unknown subcommand", args: []string{"template", "draw", bad}, want: "want: jitpsim template render FILE"},
		{name: "no file", args: []string{"template", "render"}, want: "want one template file"},
		{name: "unknown flag", args: []string{"template", "render", "--nope", bad}, want: "flag provided but not defined"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			code, stdout, stderr := runCLI(t, tc.args...)
			assert.Equal(t, exitUsage, code)
			assert.Empty(t, stdout)
			assert.Contains(t, stderr, tc.want)
		})
	}
}
