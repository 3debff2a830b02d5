package localiot

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestCreateGroups(t *testing.T) {
	tests := []struct {
		name    string
		create  func(r *Registry) error
		code    string // expected *Error code, "" for success
		message string
	}{
		{name: "thing type", create: func(r *Registry) error {
			_, err := r.CreateThingType("lightBulb-versionA", ThingTypeProperties{Description: "bulbs", SearchableAttributes: []string{"color"}})
			return err
		}},
		{name: "thing type again, same properties", create: func(r *Registry) error {
			a, err := r.CreateThingType("t", ThingTypeProperties{Description: "d"})
			require.NoError(t, err)
			b, err := r.CreateThingType("t", ThingTypeProperties{Description: "d"})
			assert.Equal(t, a, b)
			return err
		}},
		{name: "thing type again, other properties", create: func(r *Registry) error {
			_, err := r.CreateThingType("t", ThingTypeProperties{Description: "d"})
			require.NoError(t, err)
			_, err = r.CreateThingType("t", ThingTypeProperties{Description: "other"})
			return err
		}, code: ErrResourceAlreadyExists, message: "Thing Type t already exists"},
		{name: "thing type bad name", create: func(r *Registry) error {
			_, err := r.CreateThingType("a b", ThingTypeProperties{})
			return err
		}, code: ErrInvalidRequest, message: "thingTypeName"},
		{name: "thing group with parent", create: func(r *Registry) error {
			_, err := r.CreateThingGroup("root", ThingGroupProperties{})
			require.NoError(t, err)
			_, err = r.CreateThingGroup("child", ThingGroupProperties{ParentGroupName: "root", Attributes: map[string]string{"k": "v"}})
			return err
		}},
		{name: "thing group missing parent", create: func(r *Registry) error {
			_, err := r.CreateThingGroup("child", ThingGroupProperties{ParentGroupName: "nope"})
			return err
		}, code: ErrResourceNotFound, message: "Thing Group nope does not exist"},
		{name: "thing group again, other attributes", create: func(r *Registry) error {
			_, err := r.CreateThingGroup("g", ThingGroupProperties{Attributes: map[string]string{"a": "1"}})
			require.NoError(t, err)
			_, err = r.CreateThingGroup("g", ThingGroupProperties{Attributes: map[string]string{"a": "2"}})
			return err
		}, code: ErrResourceAlreadyExists, message: "Thing Group g already exists"},
		{name: "thing group bad attribute", create: func(r *Registry) error {
			_, err := r.CreateThingGroup("g", ThingGroupProperties{Attributes: map[string]string{"a b": "1"}})
			return err
		}, code: ErrInvalidRequest},
		{name: "thing group bad parent name", create: func(r *Registry) error {
			_, err := r.CreateThingGroup("g", ThingGroupProperties{ParentGroupName: "a/b"})
			return err
		}, code: ErrInvalidRequest, message: "parentGroupName"},
		{name: "billing group", create: func(r *Registry) error {
			_, err := r.CreateBillingGroup("bill", BillingGroupProperties{Description: "x"})
			return err
		}},
		{name: "billing group again, other description", create: func(r *Registry) error {
			_, err := r.CreateBillingGroup("bill", BillingGroupProperties{Description: "x"})
			require.NoError(t, err)
			_, err = r.CreateBillingGroup("bill", BillingGroupProperties{Description: "y"})
			return err
		}, code: ErrResourceAlreadyExists, message: "Billing Group bill already exists"},
		{name: "billing group bad name", create: func(r *Registry) error {
			_, err := r.CreateBillingGroup("", BillingGroupProperties{})
			return err
		}, code: ErrInvalidRequest, message: "billingGroupName"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.create(NewRegistry())
			if tc.code == "" {
				require.NoError(t, err)
				return
			}
			var e *Error
			require.ErrorAs(t, err, &e)
			assert.Equal(t, tc.code, e.Code)
			assert.Contains(t, e.Message, tc.message)
		})
	}
}

func TestGroupsListsAndARNs(t *testing.T) {
	r := NewRegistry()
	tt, err := r.CreateThingType("b-type", ThingTypeProperties{})
	require.NoError(t, err)
	_, err = r.CreateThingType("a-type", ThingTypeProperties{})
	require.NoError(t, err)
	g, err := r.CreateThingGroup("group", ThingGroupProperties{Description: "d"})
	require.NoError(t, err)
	b, err := r.CreateBillingGroup("bill", BillingGroupProperties{})
	require.NoError(t, err)

	assert.Len(t, tt.ID, 36)
	assert.Equal(t, int64(1), g.Version)
	assert.Equal(t, []string{"a-type", "b-type"}, []string{r.ThingTypes()[0].Name, r.ThingTypes()[1].Name})
	assert.Equal(t, []ThingGroupInfo{g}, r.ThingGroups())
	assert.Equal(t, []BillingGroupInfo{b}, r.BillingGroups())
	got, ok := r.ThingType("b-type")
	require.True(t, ok)
	assert.Equal(t, tt, got)
	_, ok = r.ThingGroup("group")
	assert.True(t, ok)
	_, ok = r.BillingGroup("nope")
	assert.False(t, ok)

	assert.Equal(t, "arn:aws:iot:us-east-1:123456789012:thingtype/t", ThingTypeARN("t"))
	assert.Equal(t, "arn:aws:iot:us-east-1:123456789012:thinggroup/g", ThingGroupARN("g"))
	assert.Equal(t, "arn:aws:iot:us-east-1:123456789012:billinggroup/b", BillingGroupARN("b"))

	// restoreGroups rebuilds the same registry view from the persistent form.
	r.mu.RLock()
	recs := r.groupRecordsLocked()
	r.mu.RUnlock()
	fresh := NewRegistry()
	fresh.restoreGroups(recs)
	assert.Equal(t, r.ThingTypes(), fresh.ThingTypes())
	assert.Equal(t, r.ThingGroups(), fresh.ThingGroups())
	assert.Equal(t, r.BillingGroups(), fresh.BillingGroups())
}
