package api

import (
	"net/http"
)

// principalHeader carries the principal of the thing-principal operations.
const principalHeader = "X-Amzn-Principal"

// principalOf returns the required x-amzn-principal header.
func principalOf(r *http.Request) (string, error) {
	p := r.Header.Get(principalHeader)
	if p == "" {
		return "", invalid("1 validation error detected: Value null at 'principal' failed to satisfy constraint: Member must not be null")
	}
	return p, nil
}

// listThingPrincipals is ListThingPrincipals: GET /things/{thingName}/principals?nextToken&maxResults.
func (h *Handler) listThingPrincipals(r *http.Request) (any, error) {
	p, err := tokenPage(r)
	if err != nil {
		return nil, err
	}
	arns, next, err := h.srv.Registry().ListThingPrincipals(r.PathValue("thingName"), p)
	if err != nil {
		return nil, err
	}
	return struct {
		Principals []string `json:"principals"`
		NextToken  string   `json:"nextToken,omitempty"`
	}{nonNil(arns), next}, nil
}

// attachThingPrincipal is AttachThingPrincipal: PUT /things/{thingName}/principals with x-amzn-principal.
// thingPrincipalType (EXCLUSIVE_THING) is accepted and not enforced.
func (h *Handler) attachThingPrincipal(r *http.Request) (any, error) {
	p, err := principalOf(r)
	if err != nil {
		return nil, err
	}
	switch t := r.URL.Query().Get("thingPrincipalType"); t {
	case "", "EXCLUSIVE_THING", "NON_EXCLUSIVE_THING":
	default:
		return nil, invalid("1 validation error detected: Value '" + t + "' at 'thingPrincipalType' failed to satisfy constraint: Member must satisfy enum value set: [EXCLUSIVE_THING, NON_EXCLUSIVE_THING]")
	}
	if err := h.srv.Registry().AttachThingPrincipal(r.PathValue("thingName"), p); err != nil {
		return nil, err
	}
	return empty{}, nil
}

// detachThingPrincipal is DetachThingPrincipal: DELETE /things/{thingName}/principals with x-amzn-principal.
func (h *Handler) detachThingPrincipal(r *http.Request) (any, error) {
	p, err := principalOf(r)
	if err != nil {
		return nil, err
	}
	if err := h.srv.Registry().DetachThingPrincipal(r.PathValue("thingName"), p); err != nil {
		return nil, err
	}
	return empty{}, nil
}

// listPrincipalThings is ListPrincipalThings: GET /principals/things?nextToken&maxResults with x-amzn-principal.
func (h *Handler) listPrincipalThings(r *http.Request) (any, error) {
	principal, err := principalOf(r)
	if err != nil {
		return nil, err
	}
	p, err := tokenPage(r)
	if err != nil {
		return nil, err
	}
	names, next, err := h.srv.Registry().ListPrincipalThings(principal, p)
	if err != nil {
		return nil, err
	}
	return struct {
		Things    []string `json:"things"`
		NextToken string   `json:"nextToken,omitempty"`
	}{nonNil(names), next}, nil
}

// nonNil returns s, or an empty slice for nil, so JSON shows [] rather than null.
func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}
