package localiot

import (
	"crypto/x509"
	"encoding/pem"
	"fmt"
	"maps"
	"slices"
	"time"

	"github.com/jitpsim/jitpsim/sim/localiot/template"
)

// certState is what the connect path needs to know about a known certificate.
type certState struct {
	status   string
	caID     string
	caStatus string // "" when the CA is no longer registered
	created  time.Time
}

// certState returns the state of a known certificate and its CA.
func (r *Registry) certState(id string) (certState, bool) {
	r.mu.RLock()
	defer r.mu.RUnlock()
	c, ok := r.certs[id]
	if !ok {
		return certState{}, false
	}
	st := certState{status: c.Status, caID: c.CAID, created: c.Created}
	if ca, ok := r.cas[c.CAID]; ok {
		st.caStatus = ca.info.Status
	}
	return st, true
}

// registerPending registers leaf as PENDING_ACTIVATION under CA caID. It returns created=false and
// the existing state when another connection registered the certificate first, and an error when
// the CA no longer allows auto-registration.
func (r *Registry) registerPending(id, caID string, leaf *x509.Certificate) (created bool, existing certState, err error) {
	now := time.Now().UTC()
	r.mu.Lock()
	defer r.mu.Unlock()
	if c, ok := r.certs[id]; ok {
		st := certState{status: c.Status, caID: c.CAID, created: c.Created}
		if ca, ok := r.cas[c.CAID]; ok {
			st.caStatus = ca.info.Status
		}
		return false, st, nil
	}
	ca, ok := r.cas[caID]
	if !ok || ca.info.Status != StatusActive || !ca.info.AutoRegistration {
		return false, certState{}, fmt.Errorf("CA %s no longer allows auto-registration", caID)
	}
	r.certs[id] = &CertificateInfo{
		ID:           id,
		CAID:         caID,
		Status:       StatusPendingActivation,
		PEM:          string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: leaf.Raw})),
		Created:      now,
		LastModified: now,
	}
	return true, certState{}, nil
}

// applyPlan carries out a provisioning plan for a PENDING_ACTIVATION certificate in one lock
// section: create the thing and policies if absent, attach them, and set the status. It checks
// everything before changing anything, so a failure leaves the registry untouched.
func (r *Registry) applyPlan(certID string, plan *template.Plan) error {
	now := time.Now().UTC()
	r.mu.Lock()
	defer r.mu.Unlock()
	cert, ok := r.certs[certID]
	if !ok {
		return &template.ProvisionError{Kind: template.ServerError, Msg: "certificate " + certID + " is no longer registered"}
	}
	if cert.Status != StatusPendingActivation {
		return &template.ProvisionError{Kind: template.ClientError, Msg: "certificate " + certID + " is " + cert.Status + ", not PENDING_ACTIVATION"}
	}
	if plan.Certificate.ID != "" && plan.Certificate.ID != certID {
		return &template.ProvisionError{Kind: template.ClientError, Msg: "CertificateId " + plan.Certificate.ID + " is not the certificate being provisioned"}
	}
	for _, p := range plan.Policies {
		if p.Document == "" {
			if _, ok := r.policies[p.Name]; !ok {
				return &template.ProvisionError{Kind: template.ClientError, Msg: "policy " + p.Name + " does not exist"}
			}
		}
	}

	if plan.Thing != nil {
		th, ok := r.things[plan.Thing.Name]
		if !ok { // An existing thing is reused as is (OverrideSettings DO_NOTHING).
			th = &ThingInfo{Name: plan.Thing.Name, ID: newUUID(), Attributes: maps.Clone(plan.Thing.Attributes), Version: 1, Created: now}
			r.things[th.Name] = th
		}
		if arn := CertificateARN(certID); !slices.Contains(th.Principals, arn) {
			th.Principals = append(th.Principals, arn)
		}
		if !slices.Contains(cert.Things, th.Name) {
			cert.Things = append(cert.Things, th.Name)
		}
	}
	for _, p := range plan.Policies {
		if _, ok := r.policies[p.Name]; !ok {
			r.policies[p.Name] = &PolicyInfo{Name: p.Name, Document: p.Document, VersionID: "1", Created: now}
		}
		if !slices.Contains(cert.Policies, p.Name) {
			cert.Policies = append(cert.Policies, p.Name)
		}
	}
	cert.Status = plan.Certificate.Status
	cert.LastModified = now
	return nil
}
