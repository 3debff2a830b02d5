package policy

// Decision is the outcome of evaluating policies for one request.
type Decision uint8

// Decisions, from weakest to strongest.
const (
	// ImplicitDeny means no statement allowed the request: AWS's default deny.
	ImplicitDeny Decision = iota
	// Allow means a statement allowed the request and none denied it.
	Allow
	// ExplicitDeny means a Deny statement matched; it wins over every Allow.
	ExplicitDeny
)

// String returns "ImplicitDeny", "Allow" or "ExplicitDeny".
func (d Decision) String() string {
	switch d {
	case Allow:
		return "Allow"
	case ExplicitDeny:
		return "ExplicitDeny"
	}
	return "ImplicitDeny"
}

// Allowed reports whether the request may proceed.
func (d Decision) Allowed() bool { return d == Allow }

// Combine returns the stronger of two decisions: an explicit deny beats an allow, which beats
// an implicit deny. It lets callers fold policies one at a time without building a slice.
func (d Decision) Combine(o Decision) Decision { return max(d, o) }

// Request is one authorization question: may the principal perform Action on Resource?
type Request struct {
	// Action is the IAM action, such as "iot:Publish".
	Action string
	// Resource is the ARN acted on, such as "arn:aws:iot:us-east-1:123456789012:topic/a/b".
	Resource string
	// Vars resolves policy variables and condition keys.
	Vars Variables
}

// Evaluate returns the decision of a set of policies: ExplicitDeny if any statement denies,
// else Allow if any statement allows, else ImplicitDeny.
func Evaluate(policies []*Policy, req Request) Decision {
	d := ImplicitDeny
	for _, p := range policies {
		if p == nil {
			continue
		}
		if d = d.Combine(p.Decide(req)); d == ExplicitDeny {
			return d
		}
	}
	return d
}

// Decide returns this one policy's decision for req.
func (p *Policy) Decide(req Request) Decision {
	d := ImplicitDeny
	for i := range p.statements {
		st := &p.statements[i]
		if !st.applies(req) {
			continue
		}
		if st.deny {
			return ExplicitDeny
		}
		d = Allow
	}
	return d
}

// applies reports whether the statement matches the request: action, resource and every
// condition. A variable the request cannot resolve makes the statement not match.
func (st *statement) applies(req Request) bool {
	if matchAny(st.actions, req.Action, nil, true) == st.notAction {
		return false
	}
	m, ok := matchAnyVars(st.resources, req.Resource, req.Vars)
	if !ok || m == st.notResource {
		return false
	}
	for i := range st.conditions {
		holds, ok := st.conditions[i].eval(req.Vars)
		if !ok || !holds {
			return false
		}
	}
	return true
}

// matchAny reports whether s matches one of the patterns, which have no variables.
func matchAny(pats []pattern, s string, vars Variables, fold bool) bool {
	for i := range pats {
		if m, _ := pats[i].matches(s, vars, fold); m {
			return true
		}
	}
	return false
}

// matchAnyVars reports whether s matches one of the patterns after variable substitution;
// ok is false when any pattern uses a variable that vars cannot resolve.
func matchAnyVars(pats []pattern, s string, vars Variables) (match, ok bool) {
	for i := range pats {
		m, resolved := pats[i].matches(s, vars, false)
		if !resolved {
			return false, false
		}
		if m {
			match = true
		}
	}
	return match, true
}
