package localiot

import (
	"maps"
	"slices"
	"strings"
	"time"
)

// CreateThingInput holds the optional parameters of CreateThing.
type CreateThingInput struct {
	// ThingTypeName names an existing thing type.
	ThingTypeName string
	// Attributes are the thing's attributes.
	Attributes map[string]string
	// BillingGroupName names an existing billing group.
	BillingGroupName string
}

// ThingFilter selects things in ListThings; empty fields match everything.
type ThingFilter struct {
	// AttributeName and AttributeValue select things with that attribute value.
	AttributeName, AttributeValue string
	// UsePrefixAttributeValue matches AttributeValue as a prefix.
	UsePrefixAttributeValue bool
	// ThingTypeName selects things of that type.
	ThingTypeName string
}

// thingNotFound is the error of an operation on an unknown thing.
func thingNotFound(name string) *Error {
	return apiErr(ErrResourceNotFound, "Thing %s cannot be found.", name)
}

// CreateThing creates a thing; creating it again with the same configuration returns the
// existing thing, with a different one it is a ResourceAlreadyExistsException.
func (r *Registry) CreateThing(name string, in CreateThingInput) (ThingInfo, error) {
	if err := checkThingName("thingName", name); err != nil {
		return ThingInfo{}, err
	}
	if err := checkAttributes(in.Attributes); err != nil {
		return ThingInfo{}, err
	}
	if in.ThingTypeName != "" {
		if err := checkThingName("thingTypeName", in.ThingTypeName); err != nil {
			return ThingInfo{}, err
		}
	}
	if in.BillingGroupName != "" {
		if err := checkThingName("billingGroupName", in.BillingGroupName); err != nil {
			return ThingInfo{}, err
		}
	}
	var out ThingInfo
	err := r.update(func() error {
		if _, ok := r.groups.types[in.ThingTypeName]; in.ThingTypeName != "" && !ok {
			return apiErr(ErrResourceNotFound, "Thing type %s does not exist", in.ThingTypeName)
		}
		if _, ok := r.groups.billing[in.BillingGroupName]; in.BillingGroupName != "" && !ok {
			return apiErr(ErrResourceNotFound, "Billing group %s does not exist", in.BillingGroupName)
		}
		if th, ok := r.things[name]; ok {
			sameAttrs := maps.Equal(th.Attributes, in.Attributes) || len(th.Attributes)+len(in.Attributes) == 0
			if !sameAttrs || th.ThingTypeName != in.ThingTypeName || th.BillingGroup != in.BillingGroupName {
				return alreadyExists(th.ID, ThingARN(name), "Thing %s already exists in account with different attributes", name)
			}
			out = th.clone()
			return nil
		}
		th := &ThingInfo{Name: name, ID: newUUID(), Attributes: maps.Clone(in.Attributes), Version: 1, Created: time.Now().UTC(),
			ThingTypeName: in.ThingTypeName, BillingGroup: in.BillingGroupName}
		if len(th.Attributes) == 0 {
			th.Attributes = nil
		}
		r.things[name] = th
		r.stageThing(name)
		out = th.clone()
		return nil
	})
	return out, err
}

// DescribeThing returns a thing.
func (r *Registry) DescribeThing(name string) (ThingInfo, error) {
	if err := checkThingName("thingName", name); err != nil {
		return ThingInfo{}, err
	}
	th, ok := r.Thing(name)
	if !ok {
		return ThingInfo{}, thingNotFound(name)
	}
	return th, nil
}

// ListThings returns a page of the things that match f, ordered by name.
func (r *Registry) ListThings(f ThingFilter, p Page) ([]ThingInfo, string, error) {
	r.mu.RLock()
	defer r.mu.RUnlock()
	var names []string
	for name, th := range r.things {
		if f.matches(th) {
			names = append(names, name)
		}
	}
	slices.Sort(names)
	page, next, err := paginate(names, p)
	if err != nil {
		return nil, "", err
	}
	out := make([]ThingInfo, 0, len(page))
	for _, name := range page {
		out = append(out, r.things[name].clone())
	}
	return out, next, nil
}

// matches reports whether th passes the filter.
func (f ThingFilter) matches(th *ThingInfo) bool {
	if f.ThingTypeName != "" && th.ThingTypeName != f.ThingTypeName {
		return false
	}
	if f.AttributeName == "" {
		return true
	}
	v, ok := th.Attributes[f.AttributeName]
	switch {
	case !ok:
		return false
	case f.AttributeValue == "":
		return true
	case f.UsePrefixAttributeValue:
		return strings.HasPrefix(v, f.AttributeValue)
	}
	return v == f.AttributeValue
}

// DeleteThing deletes a thing that has no principals attached; deleting an unknown thing
// succeeds. A non-nil expectedVersion must equal the thing's version.
func (r *Registry) DeleteThing(name string, expectedVersion *int64) error {
	if err := checkThingName("thingName", name); err != nil {
		return err
	}
	return r.update(func() error {
		th, ok := r.things[name]
		switch {
		case !ok:
			return nil
		case expectedVersion != nil && *expectedVersion != th.Version:
			return apiErr(ErrVersionConflict, "The version for thing %s does not match the expected version.", name)
		case len(th.Principals) > 0:
			return apiErr(ErrInvalidRequest, "Cannot delete. Thing %s is still attached to one or more principals", name)
		}
		delete(r.things, name)
		r.stageThing(name)
		return nil
	})
}
