package localiot

import (
	"bytes"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"time"

	"github.com/jitpsim/jitpsim/sim/localiot/template"
	"github.com/jitpsim/jitpsim/sim/pki"
)

// registerCA registers cert as an ACTIVE CA with the given template and auto-registration flag,
// or updates those fields if it is already registered; it returns the CA certificate ID.
func (r *Registry) registerCA(cert *x509.Certificate, tmpl *template.Template, autoReg bool) (string, error) {
	if cert == nil {
		return "", errors.New("localiot: RegisterCA: nil certificate")
	}
	if !cert.BasicConstraintsValid || !cert.IsCA {
		return "", fmt.Errorf("localiot: RegisterCA: certificate %q is not a CA certificate", cert.Subject.CommonName)
	}
	var raw json.RawMessage
	if tmpl != nil {
		b, err := json.Marshal(tmpl)
		if err != nil {
			return "", fmt.Errorf("localiot: RegisterCA: template: %w", err)
		}
		raw = b
	}
	id := pki.CertificateID(cert.Raw)
	now := time.Now().UTC()
	r.mu.Lock()
	defer r.mu.Unlock()
	rec, ok := r.cas[id]
	if !ok {
		rec = &caRecord{cert: cert, info: CACertificateInfo{
			ID:      id,
			PEM:     string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: cert.Raw})),
			Created: now,
		}}
		r.cas[id] = rec
	}
	rec.tmpl = tmpl
	rec.info.Status = StatusActive
	rec.info.AutoRegistration = autoReg
	rec.info.Template = raw
	rec.info.LastModified = now
	r.stageCA(id)
	return id, nil
}

// caView is a snapshot of the fields of a CA that the connect path needs.
type caView struct {
	id      string
	status  string
	autoReg bool
	tmpl    *template.Template
}

// findIssuer returns the registered CA whose key signed leaf. Candidates whose subject matches
// the leaf's issuer are tried first; the signature decides, never the name alone.
func (r *Registry) findIssuer(leaf *x509.Certificate) (caView, bool) {
	type candidate struct {
		view caView
		cert *x509.Certificate
	}
	r.mu.RLock()
	var named, others []candidate
	for _, rec := range r.cas {
		c := candidate{caView{rec.info.ID, rec.info.Status, rec.info.AutoRegistration, rec.tmpl}, rec.cert}
		if bytes.Equal(rec.cert.RawSubject, leaf.RawIssuer) {
			named = append(named, c)
		} else {
			others = append(others, c)
		}
	}
	r.mu.RUnlock()
	for _, c := range append(named, others...) {
		if leaf.CheckSignatureFrom(c.cert) == nil {
			return c.view, true
		}
	}
	return caView{}, false
}

// caState returns the status of a registered CA.
func (r *Registry) caState(id string) (caView, bool) {
	r.mu.RLock()
	defer r.mu.RUnlock()
	rec, ok := r.cas[id]
	if !ok {
		return caView{}, false
	}
	return caView{rec.info.ID, rec.info.Status, rec.info.AutoRegistration, rec.tmpl}, true
}
