package localiot

import (
	"encoding/json"
	"fmt"

	"github.com/jitpsim/jitpsim/sim/localiot/template"
	"github.com/jitpsim/jitpsim/sim/pki"
)

// snapshotVersion identifies the layout of a registry snapshot (and of legacy registry.json files).
const snapshotVersion = 1

// snapshot is the JSON form of a whole Registry: an export format, and the layout of the
// registry.json files that earlier versions kept in Config.StateDir (imported once into the store).
type snapshot struct {
	Version        int                 `json:"version"`
	CACertificates []CACertificateInfo `json:"caCertificates"`
	Certificates   []CertificateInfo   `json:"certificates"`
	Things         []ThingInfo         `json:"things"`
	Policies       []PolicyInfo        `json:"policies"`
	RegCode        string              `json:"registrationCode,omitempty"`
	groupRecords                       // thing types, thing groups and billing groups
}

// MarshalJSON encodes a consistent snapshot of the whole registry: CAs (with their templates),
// certificates, things, policies and the registration code.
func (r *Registry) MarshalJSON() ([]byte, error) {
	r.mu.RLock()
	s := snapshot{
		Version:        snapshotVersion,
		CACertificates: r.caList(),
		Certificates:   r.certList(),
		Things:         r.thingList(),
		Policies:       r.policyList(),
		RegCode:        r.regCode,
		groupRecords:   r.groupRecordsLocked(),
	}
	r.mu.RUnlock()
	return json.Marshal(s)
}

// UnmarshalJSON replaces the registry's contents with the encoded registry; it stages every
// record when the registry has a store.
func (r *Registry) UnmarshalJSON(data []byte) error {
	var s snapshot
	if err := json.Unmarshal(data, &s); err != nil {
		return err
	}
	if s.Version != snapshotVersion {
		return fmt.Errorf("registry version %d, want %d", s.Version, snapshotVersion)
	}
	fresh, err := s.build()
	if err != nil {
		return err
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	r.cas, r.certs, r.things, r.policies, r.regCode = fresh.cas, fresh.certs, fresh.things, fresh.policies, fresh.regCode
	r.groups = fresh.groups
	r.stageAll()
	return nil
}

// build turns a snapshot into a registry without a store, parsing CA certificates and templates.
func (s *snapshot) build() (*Registry, error) {
	fresh := NewRegistry()
	for _, ca := range s.CACertificates {
		if err := fresh.addCARecord(ca); err != nil {
			return nil, err
		}
	}
	for _, c := range s.Certificates {
		c := c.clone()
		fresh.certs[c.ID] = &c
	}
	for _, t := range s.Things {
		t := t.clone()
		fresh.things[t.Name] = &t
	}
	for _, p := range s.Policies {
		fresh.policies[p.Name] = &p
	}
	fresh.regCode = s.RegCode
	fresh.restoreGroups(s.groupRecords)
	return fresh, nil
}

// addCARecord adds a stored CA, parsing its certificate and template.
func (r *Registry) addCARecord(ca CACertificateInfo) error {
	cert, err := pki.ParseCertificatePEM([]byte(ca.PEM))
	if err != nil {
		return fmt.Errorf("CA %s: %w", ca.ID, err)
	}
	rec := &caRecord{info: ca.clone(), cert: cert}
	if len(ca.Template) > 0 {
		if rec.tmpl, err = template.Parse(ca.Template); err != nil {
			return fmt.Errorf("CA %s: %w", ca.ID, err)
		}
	}
	r.cas[ca.ID] = rec
	return nil
}

// stageAll stages every record, for an import into an empty store; the caller holds r.mu.
func (r *Registry) stageAll() {
	if r.store == nil {
		return
	}
	for id := range r.cas {
		r.stageCA(id)
	}
	for id := range r.certs {
		r.stageCert(id)
	}
	for name := range r.things {
		r.stageThing(name)
	}
	for name := range r.policies {
		r.stagePolicy(name)
	}
	if r.regCode != "" {
		r.stageMeta(metaRegCode, r.regCode)
	}
	r.stageAllGroups()
}
