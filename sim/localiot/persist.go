package localiot

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/jitpsim/jitpsim/sim/localiot/template"
	"github.com/jitpsim/jitpsim/sim/pki"
)

// registryFile is the registry's file name inside Config.StateDir.
const registryFile = "registry.json"

// snapshotVersion identifies the layout of registry.json.
const snapshotVersion = 1

// snapshot is the JSON form of a Registry.
type snapshot struct {
	Version        int                 `json:"version"`
	CACertificates []CACertificateInfo `json:"caCertificates"`
	Certificates   []CertificateInfo   `json:"certificates"`
	Things         []ThingInfo         `json:"things"`
	Policies       []PolicyInfo        `json:"policies"`
}

// MarshalJSON encodes a consistent snapshot of the whole registry: CAs (with their templates),
// certificates, things and policies.
func (r *Registry) MarshalJSON() ([]byte, error) {
	r.mu.RLock()
	s := snapshot{
		Version:        snapshotVersion,
		CACertificates: r.caList(),
		Certificates:   r.certList(),
		Things:         r.thingList(),
		Policies:       r.policyList(),
	}
	r.mu.RUnlock()
	return json.Marshal(s)
}

// UnmarshalJSON replaces the registry's contents with the encoded registry.
func (r *Registry) UnmarshalJSON(data []byte) error {
	var s snapshot
	if err := json.Unmarshal(data, &s); err != nil {
		return err
	}
	if s.Version != snapshotVersion {
		return fmt.Errorf("registry version %d, want %d", s.Version, snapshotVersion)
	}
	fresh := NewRegistry()
	for _, ca := range s.CACertificates {
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
		fresh.cas[ca.ID] = rec
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
	r.mu.Lock()
	defer r.mu.Unlock()
	r.cas, r.certs, r.things, r.policies = fresh.cas, fresh.certs, fresh.things, fresh.policies
	return nil
}

// loadRegistry reads path, returning an empty registry when the file does not exist.
func loadRegistry(path string) (*Registry, error) {
	r := NewRegistry()
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return r, nil
	}
	if err != nil {
		return nil, err
	}
	if err := json.Unmarshal(data, r); err != nil {
		return nil, fmt.Errorf("localiot: %s: %w", path, err)
	}
	return r, nil
}

// saveRegistry writes the registry to path atomically (temporary file, sync, rename) with mode 0600.
func saveRegistry(path string, r *Registry) (err error) {
	data, err := json.MarshalIndent(r, "", "  ")
	if err != nil {
		return err
	}
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return err
	}
	f, err := os.CreateTemp(dir, "."+registryFile+".*")
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			_ = f.Close()
			_ = os.Remove(f.Name())
		}
	}()
	if err = f.Chmod(0o600); err != nil {
		return err
	}
	if _, err = f.Write(append(data, '\n')); err != nil {
		return err
	}
	if err = f.Sync(); err != nil {
		return err
	}
	if err = f.Close(); err != nil {
		return err
	}
	return os.Rename(f.Name(), path)
}
