package localiot

import (
	"maps"
	"slices"
	"time"

	"github.com/jitpsim/jitpsim/sim/localiot/template"
)

// applyPlan carries out a provisioning plan for a PENDING_ACTIVATION certificate in one lock
// section: create or update the thing (OverrideSettings), create the policies that are absent,
// attach them and the thing, and set the status. It checks everything first (the certificate,
// named policies, thing type, thing groups and billing group must exist; FAIL settings), so a
// failure leaves the registry untouched.
func (r *Registry) applyPlan(certID string, plan *template.Plan) error {
	now := time.Now().UTC()
	r.mu.Lock()
	defer r.mu.Unlock()
	cert, ok := r.certs[certID]
	if !ok {
		return &template.ProvisionError{Kind: template.ServerError, Msg: "certificate " + certID + " is no longer registered"}
	}
	if cert.Status != StatusPendingActivation {
		return provisionClientErr("certificate " + certID + " is " + cert.Status + ", not PENDING_ACTIVATION")
	}
	if plan.Certificate.ID != "" && plan.Certificate.ID != certID {
		return provisionClientErr("CertificateId " + plan.Certificate.ID + " is not the certificate being provisioned")
	}
	for _, p := range plan.Policies {
		if _, ok := r.policies[p.Name]; !ok && p.Document == "" {
			return provisionClientErr("policy " + p.Name + " does not exist")
		}
	}
	var state template.ThingState
	if plan.Thing != nil {
		if err := r.checkThingRefs(plan.Thing); err != nil {
			return err
		}
		var err error
		if state, err = plan.Thing.Resolve(r.thingState(plan.Thing.Name)); err != nil {
			return err
		}
	}

	if plan.Thing != nil {
		th := r.writeThing(plan.Thing.Name, state, now)
		if arn := CertificateARN(certID); !slices.Contains(th.Principals, arn) {
			th.Principals = append(th.Principals, arn)
		}
		if !slices.Contains(cert.Things, th.Name) {
			cert.Things = append(cert.Things, th.Name)
		}
	}
	for _, p := range plan.Policies {
		if _, ok := r.policies[p.Name]; !ok {
			r.policies[p.Name] = &PolicyInfo{Name: p.Name, Document: p.Document, VersionID: "1", Created: now}
		}
		if !slices.Contains(cert.Policies, p.Name) {
			cert.Policies = append(cert.Policies, p.Name)
		}
	}
	cert.Status = plan.Certificate.Status
	cert.LastModified = now
	cert.LastProvisionError = ""
	r.stageCertGraph(certID)
	return nil
}

// provisionClientErr builds a ClientError for a failed template run.
func provisionClientErr(msg string) error {
	return &template.ProvisionError{Kind: template.ClientError, Msg: msg}
}

// checkThingRefs requires the thing type, thing groups and billing group a thing spec names to
// exist; the caller holds r.mu.
func (r *Registry) checkThingRefs(spec *template.ThingSpec) error {
	if spec.TypeName != "" {
		if _, ok := r.groups.types[spec.TypeName]; !ok {
			return provisionClientErr("thing type " + spec.TypeName + " does not exist")
		}
	}
	for _, g := range spec.Groups {
		if _, ok := r.groups.groups[g]; !ok {
			return provisionClientErr("thing group " + g + " does not exist")
		}
	}
	if spec.BillingGroup != "" {
		if _, ok := r.groups.billing[spec.BillingGroup]; !ok {
			return provisionClientErr("billing group " + spec.BillingGroup + " does not exist")
		}
	}
	return nil
}

// thingState returns the provisioning view of thing name, or nil when it does not exist; the
// caller holds r.mu.
func (r *Registry) thingState(name string) *template.ThingState {
	th, ok := r.things[name]
	if !ok {
		return nil
	}
	return &template.ThingState{Attributes: th.Attributes, TypeName: th.ThingTypeName, Groups: th.ThingGroups, BillingGroup: th.BillingGroup}
}

// writeThing creates thing name with state, or updates it, counting a version when its
// attributes or type change; the caller holds r.mu.
func (r *Registry) writeThing(name string, state template.ThingState, now time.Time) *ThingInfo {
	if len(state.Attributes) == 0 {
		state.Attributes = nil
	}
	th, ok := r.things[name]
	if !ok {
		th = &ThingInfo{Name: name, ID: newUUID(), Version: 1, Created: now}
		r.things[name] = th
	} else if !maps.Equal(th.Attributes, state.Attributes) || th.ThingTypeName != state.TypeName {
		th.Version++
	}
	th.Attributes = state.Attributes
	th.ThingTypeName = state.TypeName
	th.ThingGroups = state.Groups
	th.BillingGroup = state.BillingGroup
	return th
}

// recordProvisionError keeps the reason of a failed template run on the certificate, for
// DescribeCertificate-like views; it does nothing when the certificate is gone.
func (r *Registry) recordProvisionError(certID, reason string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	c, ok := r.certs[certID]
	if !ok {
		return
	}
	c.LastProvisionError = reason
	r.stageCert(certID)
}
