package api

import (
	"net/http"

	"github.com/jitpsim/jitpsim/sim/localiot"
)

// policyTarget is the body of AttachPolicy and DetachPolicy.
type policyTarget struct {
	Target string `json:"target"`
}

// targetOf decodes the required target of AttachPolicy and DetachPolicy.
func targetOf(r *http.Request) (string, error) {
	var in policyTarget
	if err := decodeBody(r, &in); err != nil {
		return "", err
	}
	if in.Target == "" {
		return "", invalid("1 validation error detected: Value null at 'target' failed to satisfy constraint: Member must not be null")
	}
	return in.Target, nil
}

// createPolicy is CreatePolicy: POST /policies/{policyName}.
func (h *Handler) createPolicy(r *http.Request) (any, error) {
	var in struct {
		PolicyDocument *string `json:"policyDocument"`
	}
	if err := decodeBody(r, &in); err != nil {
		return nil, err
	}
	if in.PolicyDocument == nil {
		return nil, invalid("1 validation error detected: Value null at 'policyDocument' failed to satisfy constraint: Member must not be null")
	}
	p, err := h.srv.Registry().CreatePolicy(r.PathValue("policyName"), *in.PolicyDocument)
	if err != nil {
		return nil, err
	}
	return struct {
		PolicyName      string `json:"policyName"`
		PolicyArn       string `json:"policyArn"`
		PolicyDocument  string `json:"policyDocument"`
		PolicyVersionID string `json:"policyVersionId"`
	}{p.Name, localiot.PolicyARN(p.Name), p.Document, p.VersionID}, nil
}

// getPolicy is GetPolicy: GET /policies/{policyName}.
func (h *Handler) getPolicy(r *http.Request) (any, error) {
	p, err := h.srv.Registry().GetPolicy(r.PathValue("policyName"))
	if err != nil {
		return nil, err
	}
	return struct {
		PolicyName       string        `json:"policyName"`
		PolicyArn        string        `json:"policyArn"`
		PolicyDocument   string        `json:"policyDocument"`
		DefaultVersionID string        `json:"defaultVersionId"`
		CreationDate     *epochSeconds `json:"creationDate,omitempty"`
		LastModifiedDate *epochSeconds `json:"lastModifiedDate,omitempty"`
		GenerationID     string        `json:"generationId"`
	}{p.Name, localiot.PolicyARN(p.Name), p.Document, p.VersionID, epoch(p.Created), epoch(p.Created), generationID(p.Name, p.Created)}, nil
}

// attachPolicy is AttachPolicy: PUT /target-policies/{policyName} with {"target": ARN}.
func (h *Handler) attachPolicy(r *http.Request) (any, error) {
	target, err := targetOf(r)
	if err != nil {
		return nil, err
	}
	return nil, h.srv.Registry().AttachPolicy(r.PathValue("policyName"), target)
}

// detachPolicy is DetachPolicy: POST /target-policies/{policyName} with {"target": ARN}.
func (h *Handler) detachPolicy(r *http.Request) (any, error) {
	target, err := targetOf(r)
	if err != nil {
		return nil, err
	}
	return nil, h.srv.Registry().DetachPolicy(r.PathValue("policyName"), target)
}

// listAttachedPolicies is ListAttachedPolicies: POST /attached-policies/{target}?recursive&marker&pageSize.
// recursive (thing groups) has no effect: the stand-in attaches policies to certificates only.
func (h *Handler) listAttachedPolicies(r *http.Request) (any, error) {
	p, err := markerPage(r)
	if err != nil {
		return nil, err
	}
	p.Descending = false
	if _, err := queryBool(r, "recursive"); err != nil {
		return nil, err
	}
	pols, next, err := h.srv.Registry().ListAttachedPolicies(r.PathValue("target"), p)
	if err != nil {
		return nil, err
	}
	type policy struct {
		PolicyName string `json:"policyName"`
		PolicyArn  string `json:"policyArn"`
	}
	out := struct {
		Policies   []policy `json:"policies"`
		NextMarker string   `json:"nextMarker,omitempty"`
	}{Policies: make([]policy, 0, len(pols)), NextMarker: next}
	for _, pol := range pols {
		out.Policies = append(out.Policies, policy{pol.Name, localiot.PolicyARN(pol.Name)})
	}
	return out, nil
}
