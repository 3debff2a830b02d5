package localiot

import (
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/jitpsim/jitpsim/sim/localiot/template"
	"github.com/jitpsim/jitpsim/sim/pki"
)

func TestProvisionFailuresAreKept(t *testing.T) {
	tests := []struct {
		name    string
		body    string
		subject pki.Subject
		prepare func(t *testing.T, s *Server)
		kind    string
		code    string
		reason  string
	}{
		{name: "missing subject field", body: `{"Parameters":{"AWS::IoT::Certificate::CommonName":{"Type":"String"},"AWS::IoT::Certificate::Country":{"Type":"String"}},
			"Resources":{"thing":{"Type":"AWS::IoT::Thing","Properties":{"ThingName":{"Ref":"AWS::IoT::Certificate::CommonName"}}}}}`,
			subject: pki.Subject{CommonName: "fail-1"}, kind: template.ClientError,
			reason: "the certificate has no value for parameter AWS::IoT::Certificate::Country"},
		{name: "missing policy", body: `{"Resources":{"policy":{"Type":"AWS::IoT::Policy","Properties":{"PolicyName":"IoTAccess"}}}}`,
			subject: pki.Subject{CommonName: "fail-2"}, kind: template.ClientError, reason: "policy IoTAccess does not exist"},
		{name: "unknown thing group", body: jitpBody(`,"ThingGroups":["nope"]`, ""),
			subject: pki.Subject{CommonName: "fail-3"}, kind: template.ClientError, reason: "thing group nope does not exist"},
		{name: "invalid thing name", body: jitpBody("", ""),
			subject: pki.Subject{CommonName: "has space"}, kind: template.ClientError, reason: `thing name "has space" does not match`},
		{name: "FAIL on an existing thing", body: jitpBody(`,"AttributePayload":{"v":"1"}`, `{"AttributePayload":"FAIL"}`),
			subject: pki.Subject{CommonName: "taken"}, kind: template.ClientError, code: template.CodeResourceConflicts,
			reason: "thing taken already exists",
			prepare: func(t *testing.T, s *Server) {
				_, err := s.Registry().CreateThing("taken", CreateThingInput{})
				require.NoError(t, err)
			}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := startServer(t, Config{})
			if tc.prepare != nil {
				tc.prepare(t, s)
			}
			tmpl, err := template.Parse([]byte(tc.body))
			require.NoError(t, err)
			ca := newDeviceCA(t, "failing CA")
			_, err = s.RegisterCA(ca.Cert, tmpl, true)
			require.NoError(t, err)
			id := mint(t, ca, tc.subject)
			thingsBefore := s.Stats().Things

			requireDropped(t, s, id.TLS, "dev")
			require.Eventually(t, func() bool { return len(s.ProvisionFailures()) == 1 }, safetyNet, pollEvery)

			f := s.ProvisionFailures()[0]
			assert.Equal(t, id.ID, f.CertificateID)
			assert.Equal(t, tc.kind, f.Kind)
			assert.Equal(t, tc.code, f.Code)
			assert.Contains(t, f.Reason, tc.reason)
			assert.False(t, f.Time.IsZero())
			c, ok := s.Registry().Certificate(id.ID)
			require.True(t, ok)
			assert.Equal(t, StatusPendingActivation, c.Status)
			assert.Contains(t, c.LastProvisionError, tc.reason)
			assert.Empty(t, c.Things)
			assert.Empty(t, c.Policies)
			st := s.Stats()
			assert.Equal(t, int64(1), st.ProvisionClientError)
			assert.Equal(t, thingsBefore, st.Things, "nothing half-created")
			assert.Zero(t, st.Policies)

			// The certificate stays PENDING_ACTIVATION: every later connect is refused.
			requireDropped(t, s, id.TLS, "dev")
		})
	}
}

func TestFailureLogIsBounded(t *testing.T) {
	var l failureLog
	for i := range maxProvisionFailures + 5 {
		l.add(ProvisionFailure{CertificateID: fmt.Sprint(i)})
	}
	got := l.list()
	require.Len(t, got, maxProvisionFailures)
	assert.Equal(t, "5", got[0].CertificateID, "oldest kept first")
	assert.Equal(t, fmt.Sprint(maxProvisionFailures+4), got[len(got)-1].CertificateID)
}
