package localiot

import (
	"crypto/x509"
	"encoding/pem"
	"fmt"
	"time"
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
		Mode:         ca.info.Mode,
		PEM:          string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: leaf.Raw})),
		Created:      now,
		LastModified: now,
	}
	r.stageCert(id)
	return true, certState{}, nil
}
