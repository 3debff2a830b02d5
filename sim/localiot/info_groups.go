package localiot

import (
	"maps"
	"slices"
	"time"
)

// ThingTypeInfo describes a thing type.
type ThingTypeInfo struct {
	// Name is the thing type name.
	Name string `json:"name"`
	// ID is the thing type ID, a random UUID.
	ID string `json:"id"`
	// Description is the thing type's description, or "".
	Description string `json:"description,omitempty"`
	// SearchableAttributes are the attribute names the type declares searchable.
	SearchableAttributes []string `json:"searchableAttributes,omitempty"`
	// Created is when the thing type was created.
	Created time.Time `json:"created"`
}

// ThingGroupInfo describes a static thing group.
type ThingGroupInfo struct {
	// Name is the thing group name.
	Name string `json:"name"`
	// ID is the thing group ID, a random UUID.
	ID string `json:"id"`
	// ParentGroupName is the parent group, or "" for a root group.
	ParentGroupName string `json:"parentGroupName,omitempty"`
	// Description is the group's description, or "".
	Description string `json:"description,omitempty"`
	// Attributes are the group's attributes.
	Attributes map[string]string `json:"attributes,omitempty"`
	// Version starts at 1.
	Version int64 `json:"version"`
	// Created is when the group was created.
	Created time.Time `json:"created"`
}

// BillingGroupInfo describes a billing group.
type BillingGroupInfo struct {
	// Name is the billing group name.
	Name string `json:"name"`
	// ID is the billing group ID, a random UUID.
	ID string `json:"id"`
	// Description is the billing group's description, or "".
	Description string `json:"description,omitempty"`
	// Version starts at 1.
	Version int64 `json:"version"`
	// Created is when the billing group was created.
	Created time.Time `json:"created"`
}

// ThingTypeProperties are the optional parameters of CreateThingType.
type ThingTypeProperties struct {
	// Description describes the thing type.
	Description string
	// SearchableAttributes are attribute names to declare searchable.
	SearchableAttributes []string
}

// ThingGroupProperties are the optional parameters of CreateThingGroup.
type ThingGroupProperties struct {
	// ParentGroupName names an existing thing group to nest the new group under.
	ParentGroupName string
	// Description describes the group.
	Description string
	// Attributes are the group's attributes.
	Attributes map[string]string
}

// BillingGroupProperties are the optional parameters of CreateBillingGroup.
type BillingGroupProperties struct {
	// Description describes the billing group.
	Description string
}

// ThingTypeARN returns the ARN of a thing type, arn:aws:iot:<region>:<account>:thingtype/<name>.
func ThingTypeARN(name string) string { return arnPrefix + "thingtype/" + name }

// ThingGroupARN returns the ARN of a thing group, arn:aws:iot:<region>:<account>:thinggroup/<name>.
func ThingGroupARN(name string) string { return arnPrefix + "thinggroup/" + name }

// BillingGroupARN returns the ARN of a billing group, arn:aws:iot:<region>:<account>:billinggroup/<name>.
func BillingGroupARN(name string) string { return arnPrefix + "billinggroup/" + name }

// clone returns a deep copy.
func (t ThingTypeInfo) clone() ThingTypeInfo {
	t.SearchableAttributes = slices.Clone(t.SearchableAttributes)
	return t
}

// clone returns a deep copy.
func (g ThingGroupInfo) clone() ThingGroupInfo {
	g.Attributes = maps.Clone(g.Attributes)
	return g
}
