package localiot

import (
	"slices"

	"github.com/jitpsim/jitpsim/sim/localiot/policy"
)

// decide evaluates the policies attached to certificate certID for req: an explicit Deny wins,
// else any Allow, else the default deny. A policy whose document does not parse contributes
// nothing. It holds the registry's read lock only, and parses each policy version once.
func (r *Registry) decide(certID string, req policy.Request) policy.Decision {
	r.mu.RLock()
	defer r.mu.RUnlock()
	c, ok := r.certs[certID]
	if !ok {
		return policy.ImplicitDeny
	}
	d := policy.ImplicitDeny
	for _, name := range c.Policies {
		info, ok := r.policies[name]
		if !ok {
			continue
		}
		p, err := r.parsed.get(info)
		if err != nil {
			continue
		}
		if d = d.Combine(p.Decide(req)); d == policy.ExplicitDeny {
			break
		}
	}
	return d
}

// addThingVars adds the thing policy variables of a connection to vars. AWS takes the thing
// name from the client ID: when a thing of that name has certificate certID attached, its name,
// type and attributes are resolved and IsAttached is "true"; otherwise only IsAttached is set,
// to "false", and the other thing variables stay unresolved.
func (r *Registry) addThingVars(certID, clientID string, vars policy.Variables) {
	vars[policy.VarIsAttached] = "false"
	r.mu.RLock()
	defer r.mu.RUnlock()
	th, ok := r.things[clientID]
	if !ok || !slices.Contains(th.Principals, CertificateARN(certID)) {
		return
	}
	vars[policy.VarIsAttached] = "true"
	vars[policy.VarThingName] = th.Name
	if th.ThingTypeName != "" {
		vars[policy.VarThingTypeName] = th.ThingTypeName
	}
	for k, v := range th.Attributes {
		vars[policy.ThingAttributeVar(k)] = v
	}
}
