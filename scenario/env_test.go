package scenario

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestExpandVars(t *testing.T) {
	env := map[string]string{"HOST": "example.com", "EMPTY": "", "N": "7"}
	lookup := func(k string) (string, bool) { v, ok := env[k]; return v, ok }
	tests := []struct{ in, want, err string }{
		{"plain", "plain", ""},
		{"${HOST}", "example.com", ""},
		{"mqtts://${HOST}:8883", "mqtts://example.com:8883", ""},
		{"${HOST}${N}", "example.com7", ""},
		{"${MISSING:-fallback}", "fallback", ""},
		{"${EMPTY:-fallback}", "fallback", ""},
		{"${HOST:-fallback}", "example.com", ""},
		{"${MISSING:-}", "", ""},
		{"${EMPTY}", "", ""},
		{"$${HOST}", "${HOST}", ""},
		{"${iot:ClientId}", "${iot:ClientId}", ""},
		{"${1abc}", "${1abc}", ""},
		{"${}", "${}", ""},
		{"cost $5", "cost $5", ""},
		{"${MISSING}", "", "environment variable MISSING is not set"},
		{"${HOST", "", "unclosed ${HOST"},
		{"${HOST:-x", "", "unclosed ${HOST:-"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := expandVars(tt.in, lookup)
			if tt.err != "" {
				assert.ErrorContains(t, err, tt.err)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.want, got)
		})
	}
}

func TestParseSubstitutesEnvironment(t *testing.T) {
	t.Setenv("JITPSIM_TEST_COUNT", "12")
	t.Setenv("JITPSIM_TEST_RATE", "2.5")
	t.Setenv("JITPSIM_TEST_ORG", "Acme: Devices")
	t.Setenv("JITPSIM_TEST_KEY", "devices")
	src := `devices:
  count: ${JITPSIM_TEST_COUNT}
  name_pattern: "${JITPSIM_TEST_PREFIX:-env}-{index}"
  subject:
    organization: ${JITPSIM_TEST_ORG}
arrival:
  rate: ${JITPSIM_TEST_RATE}
device:
  payload: '${JITPSIM_TEST_COUNT}'
template:
  inline:
    Resources: {p: {Properties: {PolicyDocument: "topic/${iot:ClientId}"}}}
`
	s, err := Parse([]byte(src), "env.yaml")
	require.NoError(t, err)
	assert.Equal(t, 12, s.Devices.Count, "a plain scalar is typed again after substitution")
	assert.Equal(t, 2.5, s.Arrival.Rate)
	assert.Equal(t, "env-{index}", s.Devices.NamePattern)
	assert.Equal(t, "Acme: Devices", s.Devices.Subject.Organization, "the value is not parsed as YAML")
	assert.Equal(t, "12", s.Device.Payload, "a quoted scalar stays a string")
	data, err := s.TemplateJSON()
	require.NoError(t, err)
	assert.Contains(t, string(data), "${iot:ClientId}", "AWS policy variables are kept")

	_, err = Parse([]byte("devices: {count: 1}\narrival: {rate: '${JITPSIM_TEST_RATE}'}\n"), "q.yaml")
	assert.ErrorContains(t, err, "q.yaml:2:17: arrival.rate: cannot unmarshal !!str `2.5`", "a quoted value stays a string")

	_, err = Parse([]byte("${JITPSIM_TEST_KEY}:\n  count: 1\n"), "key.yaml")
	assert.ErrorContains(t, err, `unknown field "${JITPSIM_TEST_KEY}"`, "keys are never substituted")
}

func TestParseUnsetVariableNamesFileLine(t *testing.T) {
	src := "devices:\n  count: 3\narrival:\n  rate: ${JITPSIM_TEST_UNSET_RATE}\n"
	_, err := Parse([]byte(src), "unset.yaml")
	require.Error(t, err)
	assert.Equal(t, "unset.yaml:4:9: arrival.rate: environment variable JITPSIM_TEST_UNSET_RATE is not set "+
		"(set it, or give a default: ${JITPSIM_TEST_UNSET_RATE:-value})", err.Error())

	_, err = Parse([]byte("thresholds:\n  - ${JITPSIM_TEST_UNSET_GATE}\n"), "g.yaml")
	assert.ErrorContains(t, err, "g.yaml:2:5: thresholds[0]: environment variable")
}

func FuzzExpandVars(f *testing.F) {
	for _, s := range []string{"${A}", "x${A:-d}y", "$${A}", "${iot:x}", "${A", "$$", "${A:-${B}}"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		lookup := func(k string) (string, bool) { return "<" + k + ">", k != "UNSET" }
		got, err := expandVars(s, lookup)
		if err != nil {
			return
		}
		if !strings.Contains(s, "${") && got != s {
			t.Fatalf("text without ${ changed: %q -> %q", s, got)
		}
	})
}
