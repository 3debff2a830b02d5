package template

import (
	"fmt"
	"maps"
	"slices"
)

// Override is an OverrideSettings value: what to do when a resource the template declares
// already exists.
type Override string

// OverrideSettings values, as AWS documents them.
const (
	// OverrideDoNothing leaves the existing value as it is; it is the default.
	OverrideDoNothing Override = "DO_NOTHING"
	// OverrideReplace replaces the existing value with the template's.
	OverrideReplace Override = "REPLACE"
	// OverrideFail fails provisioning with a ResourceConflictsException.
	OverrideFail Override = "FAIL"
	// OverrideMerge merges attributes or group memberships; valid for AttributePayload and ThingGroups only.
	OverrideMerge Override = "MERGE"
)

// ThingOverrides are a thing resource's OverrideSettings; an empty value means DO_NOTHING.
type ThingOverrides struct {
	// AttributePayload says what to do with the existing thing's attributes.
	AttributePayload Override
	// ThingTypeName says what to do with the existing thing's type.
	ThingTypeName Override
	// ThingGroups says what to do with the existing thing's group memberships.
	ThingGroups Override
}

// thingOverrideKeys maps the spellings AWS uses (examples and prose) to ThingOverrides fields.
var thingOverrideKeys = map[string]string{
	"AttributePayload": "AttributePayload", "ATTRIBUTE_PAYLOAD": "AttributePayload",
	"ThingTypeName": "ThingTypeName", "THING_TYPE_NAME": "ThingTypeName",
	"ThingGroups": "ThingGroups", "THING_GROUPS": "ThingGroups",
}

// parseThingOverrides reads the OverrideSettings of a thing resource.
func parseThingOverrides(id string, raw any) (ThingOverrides, error) {
	var o ThingOverrides
	obj, err := overrideObject(id, raw)
	if err != nil || obj == nil {
		return o, err
	}
	for _, k := range sortedKeys(obj) {
		field, ok := thingOverrideKeys[k]
		if !ok {
			return o, formatError(fmt.Sprintf("OverrideSettings of resource %s: %s is not a thing property that can be overridden (AttributePayload, ThingTypeName, ThingGroups)", id, k))
		}
		v, err := overrideValue(id, k, obj[k], field != "ThingTypeName")
		if err != nil {
			return o, err
		}
		switch field {
		case "AttributePayload":
			o.AttributePayload = v
		case "ThingTypeName":
			o.ThingTypeName = v
		default:
			o.ThingGroups = v
		}
	}
	return o, nil
}

// checkCertificateOverrides validates a certificate resource's OverrideSettings (Status only).
// JITP registers the certificate itself just before the run, so the settings never apply.
func checkCertificateOverrides(id string, raw any) error {
	obj, err := overrideObject(id, raw)
	if err != nil || obj == nil {
		return err
	}
	for _, k := range sortedKeys(obj) {
		if k != "Status" {
			return formatError(fmt.Sprintf("OverrideSettings of resource %s: %s is not a certificate property that can be overridden (Status)", id, k))
		}
		if _, err := overrideValue(id, k, obj[k], false); err != nil {
			return err
		}
	}
	return nil
}

// overrideObject returns the OverrideSettings object, nil when absent.
func overrideObject(id string, raw any) (map[string]any, error) {
	if raw == nil {
		return nil, nil
	}
	obj, ok := raw.(map[string]any)
	if !ok {
		return nil, formatError(fmt.Sprintf("OverrideSettings of resource %s must be a JSON object", id))
	}
	return obj, nil
}

// overrideValue validates one setting; MERGE is allowed only where mergeable.
func overrideValue(id, key string, raw any, mergeable bool) (Override, error) {
	s, _ := raw.(string)
	switch v := Override(s); v {
	case OverrideDoNothing, OverrideReplace, OverrideFail:
		return v, nil
	case OverrideMerge:
		if mergeable {
			return v, nil
		}
		return "", formatError(fmt.Sprintf("OverrideSettings %s of resource %s: MERGE is valid only for AttributePayload and ThingGroups", key, id))
	}
	return "", formatError(fmt.Sprintf("OverrideSettings %s of resource %s must be DO_NOTHING, REPLACE, FAIL or MERGE", key, id))
}

// ThingState is the part of a thing that provisioning reads and writes.
type ThingState struct {
	// Attributes are the thing's attributes.
	Attributes map[string]string
	// TypeName is the thing type, or "".
	TypeName string
	// Groups are the static thing groups the thing belongs to.
	Groups []string
	// BillingGroup is the billing group, or "".
	BillingGroup string
}

// Resolve returns the thing's state after provisioning. For a new thing (existing == nil) it
// is the template's values. For an existing thing each property the template sets follows
// its OverrideSettings: DO_NOTHING (the default) keeps the existing value, REPLACE takes the
// template's, MERGE unites attributes (the template wins on a shared name) or groups, and
// FAIL returns a ResourceConflictsException ClientError. BillingGroup has no setting: it is
// set only when the thing has none. An empty AttributePayload or ThingGroups counts as unset.
func (s *ThingSpec) Resolve(existing *ThingState) (ThingState, error) {
	if existing == nil {
		st := ThingState{Attributes: maps.Clone(s.Attributes), TypeName: s.TypeName, Groups: slices.Clone(s.Groups), BillingGroup: s.BillingGroup}
		return st, nil
	}
	st := ThingState{
		Attributes:   maps.Clone(existing.Attributes),
		TypeName:     existing.TypeName,
		Groups:       slices.Clone(existing.Groups),
		BillingGroup: existing.BillingGroup,
	}
	if len(s.Attributes) > 0 {
		switch s.Overrides.AttributePayload {
		case OverrideFail:
			return ThingState{}, s.conflict("AttributePayload")
		case OverrideReplace:
			st.Attributes = maps.Clone(s.Attributes)
		case OverrideMerge:
			if st.Attributes == nil {
				st.Attributes = map[string]string{}
			}
			maps.Copy(st.Attributes, s.Attributes)
		}
	}
	if s.TypeName != "" {
		switch s.Overrides.ThingTypeName {
		case OverrideFail:
			return ThingState{}, s.conflict("ThingTypeName")
		case OverrideReplace:
			st.TypeName = s.TypeName
		}
	}
	if len(s.Groups) > 0 {
		switch s.Overrides.ThingGroups {
		case OverrideFail:
			return ThingState{}, s.conflict("ThingGroups")
		case OverrideReplace:
			st.Groups = slices.Clone(s.Groups)
		case OverrideMerge:
			for _, g := range s.Groups {
				if !slices.Contains(st.Groups, g) {
					st.Groups = append(st.Groups, g)
				}
			}
		}
	}
	if s.BillingGroup != "" && st.BillingGroup == "" {
		st.BillingGroup = s.BillingGroup
	}
	return st, nil
}

// conflict is the error of a FAIL setting for an existing thing.
func (s *ThingSpec) conflict(property string) error {
	return conflictErr(fmt.Sprintf("thing %s already exists and its OverrideSettings for %s is FAIL", s.Name, property))
}
