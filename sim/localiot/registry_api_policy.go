package localiot

import (
	"slices"
	"time"
)

// maxPoliciesPerTarget is AWS's limit of policies attached to one certificate.
const maxPoliciesPerTarget = 10

// policyNotFound is the error of an operation on an unknown policy.
func policyNotFound(name string) *Error {
	return apiErr(ErrResourceNotFound, "Policy %s does not exist", name)
}

// CreatePolicy creates a policy whose default version is 1; the document is kept as given.
func (r *Registry) CreatePolicy(name, document string) (PolicyInfo, error) {
	if err := checkPolicyName(name); err != nil {
		return PolicyInfo{}, err
	}
	if err := checkPolicyDocument(document); err != nil {
		return PolicyInfo{}, err
	}
	var out PolicyInfo
	err := r.update(func() error {
		if _, ok := r.policies[name]; ok {
			return alreadyExists(name, PolicyARN(name), "Policy cannot be created - name already exists (name=%s)", name)
		}
		p := &PolicyInfo{Name: name, Document: document, VersionID: "1", Created: time.Now().UTC()}
		r.policies[name] = p
		r.stagePolicy(name)
		out = *p
		return nil
	})
	return out, err
}

// GetPolicy returns a policy with the document of its default version.
func (r *Registry) GetPolicy(name string) (PolicyInfo, error) {
	if err := checkPolicyName(name); err != nil {
		return PolicyInfo{}, err
	}
	p, ok := r.Policy(name)
	if !ok {
		return PolicyInfo{}, policyNotFound(name)
	}
	return p, nil
}

// AttachPolicy attaches a policy to a certificate (by ARN); attaching it again succeeds.
func (r *Registry) AttachPolicy(name, target string) error {
	if err := checkPolicyName(name); err != nil {
		return err
	}
	id, err := certIDFromARN("target", target)
	if err != nil {
		return err
	}
	return r.update(func() error {
		if _, ok := r.policies[name]; !ok {
			return policyNotFound(name)
		}
		c, ok := r.certs[id]
		switch {
		case !ok:
			return certNotFound(id)
		case slices.Contains(c.Policies, name):
			return nil
		case len(c.Policies) >= maxPoliciesPerTarget:
			return apiErr(ErrLimitExceeded, "The maximum number of policies (%d) attached to %s has been reached", maxPoliciesPerTarget, target)
		}
		c.Policies = append(c.Policies, name)
		c.LastModified = time.Now().UTC()
		r.stageCert(id)
		return nil
	})
}

// DetachPolicy detaches a policy from a certificate (by ARN); detaching one that is not attached succeeds.
func (r *Registry) DetachPolicy(name, target string) error {
	if err := checkPolicyName(name); err != nil {
		return err
	}
	id, err := certIDFromARN("target", target)
	if err != nil {
		return err
	}
	return r.update(func() error {
		c, ok := r.certs[id]
		if !ok || !slices.Contains(c.Policies, name) {
			return nil
		}
		c.Policies = slices.DeleteFunc(c.Policies, func(p string) bool { return p == name })
		c.LastModified = time.Now().UTC()
		r.stageCert(id)
		return nil
	})
}

// ListAttachedPolicies returns a page of the policies attached to a certificate (by ARN), by name.
func (r *Registry) ListAttachedPolicies(target string, p Page) ([]PolicyInfo, string, error) {
	id, err := certIDFromARN("target", target)
	if err != nil {
		return nil, "", err
	}
	r.mu.RLock()
	defer r.mu.RUnlock()
	c, ok := r.certs[id]
	if !ok {
		return nil, "", certNotFound(id)
	}
	names, next, err := paginate(slices.Sorted(slices.Values(c.Policies)), p)
	if err != nil {
		return nil, "", err
	}
	out := make([]PolicyInfo, 0, len(names))
	for _, n := range names {
		if pol, ok := r.policies[n]; ok {
			out = append(out, *pol)
		} else {
			out = append(out, PolicyInfo{Name: n})
		}
	}
	return out, next, nil
}
