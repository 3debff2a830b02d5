package localiot

import (
	"testing"

	mqtt "github.com/mochi-mqtt/server/v2"

	"github.com/jitpsim/jitpsim/sim/localiot/template"
	"github.com/jitpsim/jitpsim/sim/pki"
)

// BenchmarkAuthorizePublish measures the per-PUBLISH cost of policy enforcement: the session
// look-up and the evaluation of the classic template's policy.
func BenchmarkAuthorizePublish(b *testing.B) {
	s, err := New(Config{})
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	ca, err := pki.NewCA("bench CA", pki.KeyEC256)
	if err != nil {
		b.Fatal(err)
	}
	id, err := ca.Mint(0, pki.Subject{CommonName: "bench"}, pki.KeyEC256)
	if err != nil {
		b.Fatal(err)
	}
	caID, err := s.RegisterCA(ca.Cert, template.Classic(), true)
	if err != nil {
		b.Fatal(err)
	}
	if _, _, err := s.reg.registerPending(id.ID, caID, id.Leaf()); err != nil {
		b.Fatal(err)
	}
	plan, err := template.Classic().Provision(template.SubjectParameters(id.Leaf(), id.ID))
	if err != nil {
		b.Fatal(err)
	}
	if err := s.reg.applyPlan(id.ID, plan); err != nil {
		b.Fatal(err)
	}
	cl := &mqtt.Client{ID: "bench"}
	s.sessions.put(cl, &session{principal: Principal{CertificateID: id.ID, ClientID: "bench"}, v5: true})
	h := &hook{s: s}
	b.ReportAllocs()
	for b.Loop() {
		if !h.OnACLCheck(cl, "jitp_test", true) {
			b.Fatal("denied")
		}
	}
}
