package localiot

import (
	"crypto/x509"
	"fmt"
	"maps"
	"slices"
	"sync"
	"time"

	"github.com/jitpsim/jitpsim/sim/localiot/template"
)

// Registry holds the stand-in's control-plane state: CA certificates, device certificates,
// things and policies. It is safe for concurrent use and serialises to JSON.
type Registry struct {
	mu       sync.RWMutex
	cas      map[string]*caRecord
	certs    map[string]*CertificateInfo
	things   map[string]*ThingInfo
	policies map[string]*PolicyInfo

	regCode string       // the account's registration code, "" until GetRegistrationCode
	store   *storeWriter // nil keeps the registry in memory only; see registry_stage.go

	groups groupStore  // thing types, thing groups, billing groups; see registry_groups.go
	parsed policyCache // parsed policy documents by name and version; see policycache.go
}

// caRecord is a registered CA with its parsed certificate and template.
type caRecord struct {
	info CACertificateInfo
	cert *x509.Certificate
	tmpl *template.Template
}

// NewRegistry returns an empty registry.
func NewRegistry() *Registry {
	return &Registry{
		cas:      map[string]*caRecord{},
		certs:    map[string]*CertificateInfo{},
		things:   map[string]*ThingInfo{},
		policies: map[string]*PolicyInfo{},
	}
}

// CACertificate returns the CA certificate with the given ID.
func (r *Registry) CACertificate(id string) (CACertificateInfo, bool) {
	r.mu.RLock()
	defer r.mu.RUnlock()
	ca, ok := r.cas[id]
	if !ok {
		return CACertificateInfo{}, false
	}
	return ca.info.clone(), true
}

// CACertificates returns all CA certificates ordered by ID.
func (r *Registry) CACertificates() []CACertificateInfo {
	r.mu.RLock()
	defer r.mu.RUnlock()
	return r.caList()
}

// caList returns copies of the CA certificates ordered by ID; the caller holds r.mu.
func (r *Registry) caList() []CACertificateInfo {
	out := make([]CACertificateInfo, 0, len(r.cas))
	for _, id := range slices.Sorted(maps.Keys(r.cas)) {
		out = append(out, r.cas[id].info.clone())
	}
	return out
}

// Certificate returns the device certificate with the given ID.
func (r *Registry) Certificate(id string) (CertificateInfo, bool) {
	r.mu.RLock()
	defer r.mu.RUnlock()
	c, ok := r.certs[id]
	if !ok {
		return CertificateInfo{}, false
	}
	return c.clone(), true
}

// Certificates returns all device certificates ordered by ID.
func (r *Registry) Certificates() []CertificateInfo {
	r.mu.RLock()
	defer r.mu.RUnlock()
	return r.certList()
}

// certList returns copies of the device certificates ordered by ID; the caller holds r.mu.
func (r *Registry) certList() []CertificateInfo {
	out := make([]CertificateInfo, 0, len(r.certs))
	for _, id := range slices.Sorted(maps.Keys(r.certs)) {
		out = append(out, r.certs[id].clone())
	}
	return out
}

// Thing returns the thing with the given name.
func (r *Registry) Thing(name string) (ThingInfo, bool) {
	r.mu.RLock()
	defer r.mu.RUnlock()
	t, ok := r.things[name]
	if !ok {
		return ThingInfo{}, false
	}
	return t.clone(), true
}

// Things returns all things ordered by name.
func (r *Registry) Things() []ThingInfo {
	r.mu.RLock()
	defer r.mu.RUnlock()
	return r.thingList()
}

// thingList returns copies of the things ordered by name; the caller holds r.mu.
func (r *Registry) thingList() []ThingInfo {
	out := make([]ThingInfo, 0, len(r.things))
	for _, name := range slices.Sorted(maps.Keys(r.things)) {
		out = append(out, r.things[name].clone())
	}
	return out
}

// Policy returns the policy with the given name.
func (r *Registry) Policy(name string) (PolicyInfo, bool) {
	r.mu.RLock()
	defer r.mu.RUnlock()
	p, ok := r.policies[name]
	if !ok {
		return PolicyInfo{}, false
	}
	return *p, true
}

// Policies returns all policies ordered by name.
func (r *Registry) Policies() []PolicyInfo {
	r.mu.RLock()
	defer r.mu.RUnlock()
	return r.policyList()
}

// policyList returns copies of the policies ordered by name; the caller holds r.mu.
func (r *Registry) policyList() []PolicyInfo {
	out := make([]PolicyInfo, 0, len(r.policies))
	for _, name := range slices.Sorted(maps.Keys(r.policies)) {
		out = append(out, *r.policies[name])
	}
	return out
}

// SetCertificateStatus changes a device certificate's status, as UpdateCertificate does.
func (r *Registry) SetCertificateStatus(id, status string) error {
	if !validCertStatus(status) {
		return fmt.Errorf("localiot: unknown certificate status %q", status)
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	c, ok := r.certs[id]
	if !ok {
		return fmt.Errorf("localiot: certificate %s does not exist", id)
	}
	if c.Status != status {
		c.Status = status
		c.LastModified = time.Now().UTC()
		r.stageCert(id)
	}
	return nil
}

// registryCounts are the sizes reported in Stats.
type registryCounts struct {
	cas, certs, active, pending, things, policies int
}

// counts returns the current sizes of the registry.
func (r *Registry) counts() registryCounts {
	r.mu.RLock()
	defer r.mu.RUnlock()
	c := registryCounts{cas: len(r.cas), certs: len(r.certs), things: len(r.things), policies: len(r.policies)}
	for _, cert := range r.certs {
		switch cert.Status {
		case StatusActive:
			c.active++
		case StatusPendingActivation:
			c.pending++
		}
	}
	return c
}
