package localiot

import (
	"crypto/x509"
	"time"

	"github.com/jitpsim/jitpsim/sim/localiot/template"
)

// scheduleProvision runs the template for a newly registered certificate after
// Config.ProvisionDelay, on its own goroutine. Close cuts the delay of runs still waiting.
func (s *Server) scheduleProvision(certID string, leaf *x509.Certificate, tmpl *template.Template) {
	s.runMu.Lock()
	defer s.runMu.Unlock()
	if s.stopping {
		return
	}
	s.runs.Add(1)
	delay := s.provisionDelay()
	if delay <= 0 {
		go s.runProvision(certID, leaf, tmpl)
		return
	}
	s.runSeq++
	key := s.runSeq
	run := pendingRun{certID: certID, leaf: leaf, tmpl: tmpl}
	run.timer = time.AfterFunc(delay, func() {
		s.runMu.Lock()
		delete(s.pending, key)
		s.runMu.Unlock()
		s.runProvision(certID, leaf, tmpl)
	})
	s.pending[key] = run
}

// pendingRun is a provisioning run waiting for its delay.
type pendingRun struct {
	certID string
	leaf   *x509.Certificate
	tmpl   *template.Template
	timer  *time.Timer
}

// finishProvisioning starts the runs still waiting for their delay at once and waits for every
// run to finish, so no registered certificate is left behind half-way at shutdown.
func (s *Server) finishProvisioning() {
	s.runMu.Lock()
	s.stopping = true
	for key, run := range s.pending {
		if run.timer.Stop() { // The callback will never run: run it here.
			delete(s.pending, key)
			go s.runProvision(run.certID, run.leaf, run.tmpl)
		}
	}
	s.runMu.Unlock()
	s.runs.Wait()
}

// runProvision resolves the template for one certificate and applies the plan to the registry.
func (s *Server) runProvision(certID string, leaf *x509.Certificate, tmpl *template.Template) {
	defer s.runs.Done()
	if s.beforeProvision != nil {
		s.beforeProvision(certID)
	}
	var plan *template.Plan
	err := s.throttleRegisterThing()
	if err == nil {
		plan, err = tmpl.Provision(template.SubjectParameters(leaf, certID))
	}
	if err == nil {
		err = s.reg.applyPlan(certID, plan)
	}
	if err != nil {
		s.provisionFailed(certID, err)
		return
	}
	s.stats.provisionSuccess.Add(1)
	thing := ""
	if plan.Thing != nil {
		thing = plan.Thing.Name
	}
	s.log.Info("provisioned", "cert", certID, "thing", thing, "status", plan.Certificate.Status, "policies", len(plan.Policies))
}
