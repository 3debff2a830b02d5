package template

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"slices"

	"github.com/jitpsim/jitpsim/sim/localiot/policy"
)

// Plan is what one JITP run must do for one certificate.
type Plan struct {
	// Thing is the thing to create or update; nil when the template has no thing.
	Thing *ThingSpec
	// Certificate carries the status to set on the device certificate.
	Certificate CertificateSpec
	// Policies are the policies to create if absent and attach to the certificate, in logical-ID order.
	Policies []PolicySpec
}

// ThingSpec is a resolved AWS::IoT::Thing resource.
type ThingSpec struct {
	// Name is the thing name.
	Name string
	// Attributes are the resolved AttributePayload entries; nil when there are none.
	Attributes map[string]string
	// TypeName is the thing type, which must exist; "" when the template sets none.
	TypeName string
	// Groups are the static thing groups to add the thing to, which must exist; nil when none.
	Groups []string
	// BillingGroup is the billing group to add the thing to, which must exist; "" when none.
	BillingGroup string
	// Overrides are the resource's OverrideSettings, applied when the thing exists (see Resolve).
	Overrides ThingOverrides
}

// CertificateSpec is a resolved AWS::IoT::Certificate resource.
type CertificateSpec struct {
	// ID is the resolved CertificateId, or "" when the template has no certificate resource.
	ID string
	// Status is the status to set, upper case: "ACTIVE" (the default) or "INACTIVE".
	Status string
}

// PolicySpec is a resolved AWS::IoT::Policy resource.
type PolicySpec struct {
	// Name is the policy name; it defaults to the lowercase hex SHA-256 of Document.
	Name string
	// Document is the compact JSON policy document, or "" when the template names an existing policy.
	Document string
}

// Provision resolves the template for one certificate; params come from the certificate
// subject (see SubjectParameters). It changes nothing; errors are *ProvisionError values.
func (t *Template) Provision(params map[string]string) (*Plan, error) {
	e := &evaluator{params: make(map[string]string, len(t.params)), mappings: t.mappings}
	for _, p := range t.params {
		v, ok := params[p.name]
		switch {
		case ok:
			e.params[p.name] = v
		case p.hasDefault:
			e.params[p.name] = p.def
		default:
			return nil, clientErr(fmt.Sprintf("the certificate has no value for parameter %s and the template gives no Default", p.name))
		}
	}
	plan := &Plan{Certificate: CertificateSpec{Status: StatusActive}}
	if t.thing != nil {
		th, err := e.thing(t.thing)
		if err != nil {
			return nil, err
		}
		plan.Thing = th
	}
	if t.cert != nil {
		c, err := e.certificate(t.cert)
		if err != nil {
			return nil, err
		}
		plan.Certificate = c
	}
	for _, p := range t.policies {
		ps, err := e.policy(p)
		if err != nil {
			return nil, err
		}
		plan.Policies = append(plan.Policies, ps)
	}
	return plan, nil
}

// thing resolves the thing resource.
func (e *evaluator) thing(r *thingResource) (*ThingSpec, error) {
	name, err := e.evalName(r.name, "ThingName", "thing name")
	if err != nil {
		return nil, err
	}
	th := &ThingSpec{Name: name, Overrides: r.overrides}
	if r.typeName != nil {
		if th.TypeName, err = e.evalName(r.typeName, "ThingTypeName", "thing type name"); err != nil {
			return nil, err
		}
	}
	if r.billingGroup != nil {
		if th.BillingGroup, err = e.evalName(r.billingGroup, "BillingGroup", "billing group name"); err != nil {
			return nil, err
		}
	}
	if r.groups != nil {
		groups, err := e.evalList(r.groups, "ThingGroups")
		if err != nil {
			return nil, err
		}
		for _, g := range groups {
			if err := validName("thing group name", g); err != nil {
				return nil, clientErr(err.Error())
			}
			if !slices.Contains(th.Groups, g) {
				th.Groups = append(th.Groups, g)
			}
		}
	}
	if th.Attributes, err = e.attributes(r.attributes); err != nil {
		return nil, err
	}
	return th, nil
}

// evalName evaluates a name property and checks it against AWS's name pattern.
func (e *evaluator) evalName(v any, prop, what string) (string, error) {
	s, err := e.evalString(v, prop)
	if err != nil {
		return "", err
	}
	if err := validName(what, s); err != nil {
		return "", clientErr(err.Error())
	}
	return s, nil
}

// attributes resolves an AttributePayload; nil when there are none.
func (e *evaluator) attributes(raw map[string]any) (map[string]string, error) {
	if len(raw) == 0 {
		return nil, nil
	}
	out := make(map[string]string, len(raw))
	for _, k := range sortedKeys(raw) {
		v, err := e.eval(raw[k])
		if err != nil {
			return nil, err
		}
		s, ok := scalarString(v)
		if !ok {
			return nil, clientErr(fmt.Sprintf("attribute %s must evaluate to a string", k))
		}
		if err := validAttribute(k, s); err != nil {
			return nil, clientErr(err.Error())
		}
		out[k] = s
	}
	return out, nil
}

// certificate resolves the certificate resource.
func (e *evaluator) certificate(r *certResource) (CertificateSpec, error) {
	id, err := e.evalString(r.id, "CertificateId")
	if err != nil {
		return CertificateSpec{}, err
	}
	spec := CertificateSpec{ID: id, Status: StatusActive}
	if r.status != nil {
		s, err := e.evalString(r.status, "Status")
		if err != nil {
			return CertificateSpec{}, err
		}
		if spec.Status, err = normalStatus(s); err != nil {
			return CertificateSpec{}, clientErr(err.Error())
		}
	}
	return spec, nil
}

// policy resolves one policy resource.
func (e *evaluator) policy(r policyResource) (PolicySpec, error) {
	if r.name != nil {
		name, err := e.evalString(r.name, "PolicyName")
		if err != nil {
			return PolicySpec{}, err
		}
		if err := validPolicyName(name); err != nil {
			return PolicySpec{}, clientErr(err.Error())
		}
		return PolicySpec{Name: name}, nil
	}
	doc, err := e.evalString(r.document, "PolicyDocument")
	if err != nil {
		return PolicySpec{}, err
	}
	if doc, err = compactDocument(doc); err != nil {
		return PolicySpec{}, clientErr("malformed PolicyDocument: " + err.Error())
	}
	if _, err := policy.Parse([]byte(doc)); err != nil {
		return PolicySpec{}, clientErr(err.Error())
	}
	sum := sha256.Sum256([]byte(doc))
	return PolicySpec{Name: hex.EncodeToString(sum[:]), Document: doc}, nil
}
