package localiot

import (
	"regexp"
	"slices"
	"strings"
	"time"
)

// certARNRE matches a certificate ARN of any region and account; the stand-in keys certificates by ID.
var certARNRE = regexp.MustCompile(`^arn:aws[a-z-]*:iot:[a-z0-9-]*:[0-9]*:cert/([a-fA-F0-9]{64})$`)

// certIDFromARN returns the certificate ID of a certificate ARN principal or policy target.
func certIDFromARN(field, arn string) (string, error) {
	m := certARNRE.FindStringSubmatch(arn)
	if m == nil {
		return "", apiErr(ErrInvalidRequest, "%s %q is not a certificate ARN (arn:aws:iot:<region>:<account>:cert/<certificateId>); the local stand-in supports X.509 certificate principals only", field, arn)
	}
	return strings.ToLower(m[1]), nil
}

// AttachThingPrincipal attaches a certificate (by ARN) to a thing.
func (r *Registry) AttachThingPrincipal(thing, principal string) error {
	if err := checkThingName("thingName", thing); err != nil {
		return err
	}
	id, err := certIDFromARN("principal", principal)
	if err != nil {
		return err
	}
	return r.update(func() error {
		th, ok := r.things[thing]
		if !ok {
			return thingNotFound(thing)
		}
		c, ok := r.certs[id]
		if !ok {
			return certNotFound(id)
		}
		arn := CertificateARN(id)
		if slices.Contains(th.Principals, arn) {
			return nil
		}
		th.Principals = append(th.Principals, arn)
		c.Things = append(c.Things, thing)
		c.LastModified = time.Now().UTC()
		r.stageThing(thing)
		r.stageCert(id)
		return nil
	})
}

// DetachThingPrincipal detaches a certificate (by ARN) from a thing; detaching one that is not
// attached succeeds. AWS completes the detachment asynchronously; the stand-in at once.
func (r *Registry) DetachThingPrincipal(thing, principal string) error {
	if err := checkThingName("thingName", thing); err != nil {
		return err
	}
	id, err := certIDFromARN("principal", principal)
	if err != nil {
		return err
	}
	return r.update(func() error {
		th, ok := r.things[thing]
		if !ok {
			return thingNotFound(thing)
		}
		arn := CertificateARN(id)
		if !slices.Contains(th.Principals, arn) {
			return nil
		}
		th.Principals = slices.DeleteFunc(th.Principals, func(p string) bool { return p == arn })
		r.stageThing(thing)
		if c, ok := r.certs[id]; ok {
			c.Things = slices.DeleteFunc(c.Things, func(n string) bool { return n == thing })
			c.LastModified = time.Now().UTC()
			r.stageCert(id)
		}
		return nil
	})
}

// ListThingPrincipals returns a page of the certificate ARNs attached to a thing, in ARN order.
func (r *Registry) ListThingPrincipals(thing string, p Page) ([]string, string, error) {
	if err := checkThingName("thingName", thing); err != nil {
		return nil, "", err
	}
	r.mu.RLock()
	th, ok := r.things[thing]
	var arns []string
	if ok {
		arns = slices.Sorted(slices.Values(th.Principals))
	}
	r.mu.RUnlock()
	if !ok {
		return nil, "", apiErr(ErrResourceNotFound, "Failed to list principals for thing %s because the thing does not exist in your account", thing)
	}
	return paginate(arns, p)
}

// ListPrincipalThings returns a page of the names of the things a certificate (by ARN) is attached to.
func (r *Registry) ListPrincipalThings(principal string, p Page) ([]string, string, error) {
	id, err := certIDFromARN("principal", principal)
	if err != nil {
		return nil, "", err
	}
	r.mu.RLock()
	c, ok := r.certs[id]
	var names []string
	if ok {
		names = slices.Sorted(slices.Values(c.Things))
	}
	r.mu.RUnlock()
	if !ok {
		return nil, "", certNotFound(id)
	}
	return paginate(names, p)
}
