package localiot

import (
	"errors"
	"maps"
	"slices"
	"time"

	bolt "go.etcd.io/bbolt"
)

// Store buckets of the thing types, thing groups and billing groups (see registry_stage.go).
const (
	bucketThingTypes    = "thingtypes"    // thing type name -> ThingTypeInfo
	bucketThingGroups   = "thinggroups"   // thing group name -> ThingGroupInfo
	bucketBillingGroups = "billinggroups" // billing group name -> BillingGroupInfo
)

// groupStore holds the registry's thing types, thing groups and billing groups; its zero value
// is empty and usable. It is guarded by Registry.mu, so a template run sees a consistent state.
type groupStore struct {
	types   map[string]*ThingTypeInfo
	groups  map[string]*ThingGroupInfo
	billing map[string]*BillingGroupInfo
}

// CreateThingType creates a thing type. Creating it again with the same properties returns the
// existing type; with different ones it is a ResourceAlreadyExistsException.
func (r *Registry) CreateThingType(name string, p ThingTypeProperties) (ThingTypeInfo, error) {
	if err := checkThingName("thingTypeName", name); err != nil {
		return ThingTypeInfo{}, err
	}
	var out ThingTypeInfo
	err := r.update(func() error {
		if t, ok := r.groups.types[name]; ok {
			if t.Description != p.Description || !slices.Equal(t.SearchableAttributes, p.SearchableAttributes) {
				return alreadyExists(t.ID, ThingTypeARN(name), "Thing Type %s already exists with different properties", name)
			}
			out = t.clone()
			return nil
		}
		t := &ThingTypeInfo{Name: name, ID: newUUID(), Description: p.Description, SearchableAttributes: slices.Clone(p.SearchableAttributes), Created: time.Now().UTC()}
		if r.groups.types == nil {
			r.groups.types = map[string]*ThingTypeInfo{}
		}
		r.groups.types[name] = t
		r.stage(bucketThingTypes, name, t, true)
		out = t.clone()
		return nil
	})
	return out, err
}

// CreateThingGroup creates a static thing group, under an existing parent when one is named.
// Creating it again with the same properties returns the existing group; with different ones
// it is a ResourceAlreadyExistsException.
func (r *Registry) CreateThingGroup(name string, p ThingGroupProperties) (ThingGroupInfo, error) {
	if err := checkThingName("thingGroupName", name); err != nil {
		return ThingGroupInfo{}, err
	}
	if p.ParentGroupName != "" {
		if err := checkThingName("parentGroupName", p.ParentGroupName); err != nil {
			return ThingGroupInfo{}, err
		}
	}
	if err := checkAttributes(p.Attributes); err != nil {
		return ThingGroupInfo{}, err
	}
	var out ThingGroupInfo
	err := r.update(func() error {
		if g, ok := r.groups.groups[name]; ok {
			if g.ParentGroupName != p.ParentGroupName || g.Description != p.Description || !maps.Equal(g.Attributes, p.Attributes) {
				return alreadyExists(g.ID, ThingGroupARN(name), "Thing Group %s already exists with different properties", name)
			}
			out = g.clone()
			return nil
		}
		if p.ParentGroupName != "" {
			if _, ok := r.groups.groups[p.ParentGroupName]; !ok {
				return apiErr(ErrResourceNotFound, "Thing Group %s does not exist", p.ParentGroupName)
			}
		}
		g := &ThingGroupInfo{Name: name, ID: newUUID(), ParentGroupName: p.ParentGroupName, Description: p.Description,
			Attributes: maps.Clone(p.Attributes), Version: 1, Created: time.Now().UTC()}
		if len(g.Attributes) == 0 {
			g.Attributes = nil
		}
		if r.groups.groups == nil {
			r.groups.groups = map[string]*ThingGroupInfo{}
		}
		r.groups.groups[name] = g
		r.stage(bucketThingGroups, name, g, true)
		out = g.clone()
		return nil
	})
	return out, err
}

// CreateBillingGroup creates a billing group. Creating it again with the same properties
// returns the existing group; with different ones it is a ResourceAlreadyExistsException.
func (r *Registry) CreateBillingGroup(name string, p BillingGroupProperties) (BillingGroupInfo, error) {
	if err := checkThingName("billingGroupName", name); err != nil {
		return BillingGroupInfo{}, err
	}
	var out BillingGroupInfo
	err := r.update(func() error {
		if b, ok := r.groups.billing[name]; ok {
			if b.Description != p.Description {
				return alreadyExists(b.ID, BillingGroupARN(name), "Billing Group %s already exists with different properties", name)
			}
			out = *b
			return nil
		}
		b := &BillingGroupInfo{Name: name, ID: newUUID(), Description: p.Description, Version: 1, Created: time.Now().UTC()}
		if r.groups.billing == nil {
			r.groups.billing = map[string]*BillingGroupInfo{}
		}
		r.groups.billing[name] = b
		r.stage(bucketBillingGroups, name, b, true)
		out = *b
		return nil
	})
	return out, err
}

// ThingType returns the thing type with the given name.
func (r *Registry) ThingType(name string) (ThingTypeInfo, bool) {
	r.mu.RLock()
	defer r.mu.RUnlock()
	t, ok := r.groups.types[name]
	if !ok {
		return ThingTypeInfo{}, false
	}
	return t.clone(), true
}

// ThingGroup returns the thing group with the given name.
func (r *Registry) ThingGroup(name string) (ThingGroupInfo, bool) {
	r.mu.RLock()
	defer r.mu.RUnlock()
	g, ok := r.groups.groups[name]
	if !ok {
		return ThingGroupInfo{}, false
	}
	return g.clone(), true
}

// BillingGroup returns the billing group with the given name.
func (r *Registry) BillingGroup(name string) (BillingGroupInfo, bool) {
	r.mu.RLock()
	defer r.mu.RUnlock()
	b, ok := r.groups.billing[name]
	if !ok {
		return BillingGroupInfo{}, false
	}
	return *b, true
}

// ThingTypes returns all thing types ordered by name.
func (r *Registry) ThingTypes() []ThingTypeInfo {
	r.mu.RLock()
	defer r.mu.RUnlock()
	return r.groupRecordsLocked().ThingTypes
}

// ThingGroups returns all thing groups ordered by name.
func (r *Registry) ThingGroups() []ThingGroupInfo {
	r.mu.RLock()
	defer r.mu.RUnlock()
	return r.groupRecordsLocked().ThingGroups
}

// BillingGroups returns all billing groups ordered by name.
func (r *Registry) BillingGroups() []BillingGroupInfo {
	r.mu.RLock()
	defer r.mu.RUnlock()
	return r.groupRecordsLocked().BillingGroups
}

// ThingsInGroup returns the names of the things that belong to a thing group, in order.
func (r *Registry) ThingsInGroup(group string) []string {
	r.mu.RLock()
	defer r.mu.RUnlock()
	var out []string
	for name, t := range r.things {
		if slices.Contains(t.ThingGroups, group) {
			out = append(out, name)
		}
	}
	slices.Sort(out)
	return out
}

// groupRecords is the persistent form of a groupStore: the lists a snapshot or the store keeps.
type groupRecords struct {
	// ThingTypes are the thing types ordered by name.
	ThingTypes []ThingTypeInfo `json:"thingTypes,omitempty"`
	// ThingGroups are the thing groups ordered by name.
	ThingGroups []ThingGroupInfo `json:"thingGroups,omitempty"`
	// BillingGroups are the billing groups ordered by name.
	BillingGroups []BillingGroupInfo `json:"billingGroups,omitempty"`
}

// groupRecordsLocked returns copies of every thing type, thing group and billing group ordered
// by name; the caller holds r.mu.
func (r *Registry) groupRecordsLocked() groupRecords {
	var g groupRecords
	for _, n := range slices.Sorted(maps.Keys(r.groups.types)) {
		g.ThingTypes = append(g.ThingTypes, r.groups.types[n].clone())
	}
	for _, n := range slices.Sorted(maps.Keys(r.groups.groups)) {
		g.ThingGroups = append(g.ThingGroups, r.groups.groups[n].clone())
	}
	for _, n := range slices.Sorted(maps.Keys(r.groups.billing)) {
		g.BillingGroups = append(g.BillingGroups, *r.groups.billing[n])
	}
	return g
}

// restoreGroups replaces the thing types, thing groups and billing groups with g, as loaded
// from a snapshot or the store; the caller holds r.mu or owns r exclusively.
func (r *Registry) restoreGroups(g groupRecords) {
	r.groups = groupStore{}
	for _, t := range g.ThingTypes {
		if r.groups.types == nil {
			r.groups.types = map[string]*ThingTypeInfo{}
		}
		t := t.clone()
		r.groups.types[t.Name] = &t
	}
	for _, gr := range g.ThingGroups {
		if r.groups.groups == nil {
			r.groups.groups = map[string]*ThingGroupInfo{}
		}
		gr := gr.clone()
		r.groups.groups[gr.Name] = &gr
	}
	for _, b := range g.BillingGroups {
		if r.groups.billing == nil {
			r.groups.billing = map[string]*BillingGroupInfo{}
		}
		r.groups.billing[b.Name] = &b
	}
}

// stageAllGroups stages every thing type, thing group and billing group, for an import into
// an empty store; the caller holds r.mu.
func (r *Registry) stageAllGroups() {
	for n, t := range r.groups.types {
		r.stage(bucketThingTypes, n, t, true)
	}
	for n, g := range r.groups.groups {
		r.stage(bucketThingGroups, n, g, true)
	}
	for n, b := range r.groups.billing {
		r.stage(bucketBillingGroups, n, b, true)
	}
}

// read loads the thing type, thing group and billing group buckets of the store into g.
func (g *groupRecords) read(tx *bolt.Tx) error {
	return errors.Join(
		readBucket(tx, bucketThingTypes, &g.ThingTypes),
		readBucket(tx, bucketThingGroups, &g.ThingGroups),
		readBucket(tx, bucketBillingGroups, &g.BillingGroups),
	)
}
