package localiot

import (
	"encoding/json"
	"fmt"
)

// Buckets of the persistent store; each holds one JSON record per key.
const (
	bucketCAs      = "cacertificates" // CA certificate ID -> CACertificateInfo
	bucketCerts    = "certificates"   // certificate ID -> CertificateInfo
	bucketThings   = "things"         // thing name -> ThingInfo
	bucketPolicies = "policies"       // policy name -> PolicyInfo
	bucketMeta     = "meta"           // metaVersion, metaRegCode -> string
)

// Keys of bucketMeta.
const (
	metaVersion = "version"
	metaRegCode = "registrationCode"
)

// Every mutation of the registry stages the records it changed while it still holds r.mu, so the
// store sees changes in the order they happened: stageCA, stageCert, stageThing, stagePolicy,
// stageMeta, or stageCertGraph after a JITP run. Each encodes the record's current state (or a
// deletion when it is gone). Staging never blocks on I/O; commit waits until the store wrote
// everything staged so far. Without a store (in-memory registry) staging does nothing.

// stage queues one record; the caller holds r.mu.
func (r *Registry) stage(bucket, key string, v any, present bool) {
	if r.store == nil {
		return
	}
	o := op{bucket: bucket, key: key}
	if present {
		b, err := json.Marshal(v)
		if err != nil { // The records are plain structs; this cannot happen.
			panic(fmt.Sprintf("localiot: encode %s/%s: %v", bucket, key, err))
		}
		o.value = b
	}
	r.store.stage(o)
}

// stageCA stages CA certificate id; the caller holds r.mu.
func (r *Registry) stageCA(id string) {
	rec, ok := r.cas[id]
	if !ok {
		r.stage(bucketCAs, id, nil, false)
		return
	}
	r.stage(bucketCAs, id, rec.info, true)
}

// stageCert stages device certificate id; the caller holds r.mu.
func (r *Registry) stageCert(id string) {
	c, ok := r.certs[id]
	r.stage(bucketCerts, id, c, ok)
}

// stageThing stages thing name; the caller holds r.mu.
func (r *Registry) stageThing(name string) {
	t, ok := r.things[name]
	r.stage(bucketThings, name, t, ok)
}

// stagePolicy stages policy name; the caller holds r.mu.
func (r *Registry) stagePolicy(name string) {
	p, ok := r.policies[name]
	r.stage(bucketPolicies, name, p, ok)
}

// stageMeta stages an account-wide value such as the registration code; the caller holds r.mu.
func (r *Registry) stageMeta(key, value string) {
	if r.store == nil {
		return
	}
	r.store.stage(op{bucket: bucketMeta, key: key, value: []byte(value)})
}

// stageCertGraph stages a certificate with every thing and policy attached to it: what a JITP
// run may have created or changed. The caller holds r.mu.
func (r *Registry) stageCertGraph(certID string) {
	if r.store == nil {
		return
	}
	r.stageCert(certID)
	c, ok := r.certs[certID]
	if !ok {
		return
	}
	for _, name := range c.Things {
		r.stageThing(name)
	}
	for _, name := range c.Policies {
		r.stagePolicy(name)
	}
}

// commit waits until everything staged so far is written to the store; it returns nil at once
// for an in-memory registry. Call it without holding r.mu.
func (r *Registry) commit() error {
	if r.store == nil {
		return nil
	}
	if err := r.store.sync(); err != nil {
		return fmt.Errorf("localiot: persist registry: %w", err)
	}
	return nil
}

// update runs fn with r.mu held and then waits for the changes fn staged to be written; an
// error from fn is returned as is, with nothing to wait for.
func (r *Registry) update(fn func() error) error {
	r.mu.Lock()
	err := fn()
	r.mu.Unlock()
	if err != nil {
		return err
	}
	return r.commit()
}
