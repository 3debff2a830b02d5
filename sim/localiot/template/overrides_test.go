package template

import (
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestResolve(t *testing.T) {
	existing := &ThingState{
		Attributes:   map[string]string{"version": "v0", "color": "red"},
		TypeName:     "oldType",
		Groups:       []string{"g1", "g2"},
		BillingGroup: "bill-old",
	}
	spec := func(o ThingOverrides) *ThingSpec {
		return &ThingSpec{
			Name: "t", Attributes: map[string]string{"version": "v1", "size": "L"}, TypeName: "newType",
			Groups: []string{"g2", "g3"}, BillingGroup: "bill-new", Overrides: o,
		}
	}
	tests := []struct {
		name     string
		spec     *ThingSpec
		existing *ThingState
		want     ThingState
		conflict string // property named by the ResourceConflictsException, "" for success
	}{
		{
			name: "new thing takes the template",
			spec: spec(ThingOverrides{}),
			want: ThingState{Attributes: map[string]string{"version": "v1", "size": "L"}, TypeName: "newType", Groups: []string{"g2", "g3"}, BillingGroup: "bill-new"},
		},
		{
			name: "new thing ignores FAIL", spec: spec(ThingOverrides{AttributePayload: OverrideFail, ThingTypeName: OverrideFail, ThingGroups: OverrideFail}),
			want: ThingState{Attributes: map[string]string{"version": "v1", "size": "L"}, TypeName: "newType", Groups: []string{"g2", "g3"}, BillingGroup: "bill-new"},
		},
		{
			name: "default is DO_NOTHING", spec: spec(ThingOverrides{}), existing: existing,
			want: *existing,
		},
		{
			name: "explicit DO_NOTHING", spec: spec(ThingOverrides{AttributePayload: OverrideDoNothing, ThingTypeName: OverrideDoNothing, ThingGroups: OverrideDoNothing}), existing: existing,
			want: *existing,
		},
		{
			name: "REPLACE everything", spec: spec(ThingOverrides{AttributePayload: OverrideReplace, ThingTypeName: OverrideReplace, ThingGroups: OverrideReplace}), existing: existing,
			want: ThingState{Attributes: map[string]string{"version": "v1", "size": "L"}, TypeName: "newType", Groups: []string{"g2", "g3"}, BillingGroup: "bill-old"},
		},
		{
			name: "MERGE attributes and groups", spec: spec(ThingOverrides{AttributePayload: OverrideMerge, ThingGroups: OverrideMerge}), existing: existing,
			want: ThingState{Attributes: map[string]string{"version": "v1", "color": "red", "size": "L"}, TypeName: "oldType", Groups: []string{"g1", "g2", "g3"}, BillingGroup: "bill-old"},
		},
		{
			name: "MERGE into a thing without attributes", spec: spec(ThingOverrides{AttributePayload: OverrideMerge}), existing: &ThingState{},
			want: ThingState{Attributes: map[string]string{"version": "v1", "size": "L"}, BillingGroup: "bill-new"},
		},
		{
			name: "AWS docs example settings", spec: spec(ThingOverrides{AttributePayload: OverrideMerge, ThingTypeName: OverrideReplace, ThingGroups: OverrideDoNothing}), existing: existing,
			want: ThingState{Attributes: map[string]string{"version": "v1", "color": "red", "size": "L"}, TypeName: "newType", Groups: []string{"g1", "g2"}, BillingGroup: "bill-old"},
		},
		{name: "FAIL on attributes", spec: spec(ThingOverrides{AttributePayload: OverrideFail}), existing: existing, conflict: "AttributePayload"},
		{name: "FAIL on type", spec: spec(ThingOverrides{ThingTypeName: OverrideFail}), existing: existing, conflict: "ThingTypeName"},
		{name: "FAIL on groups", spec: spec(ThingOverrides{ThingGroups: OverrideFail}), existing: existing, conflict: "ThingGroups"},
		{
			name: "FAIL on a property the template does not set", spec: &ThingSpec{Name: "t", Overrides: ThingOverrides{AttributePayload: OverrideFail, ThingGroups: OverrideFail, ThingTypeName: OverrideFail}}, existing: existing,
			want: *existing,
		},
		{
			name: "billing group set only when absent", spec: &ThingSpec{Name: "t", BillingGroup: "bill-new"}, existing: &ThingState{TypeName: "x"},
			want: ThingState{TypeName: "x", BillingGroup: "bill-new"},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := tc.spec.Resolve(tc.existing)
			if tc.conflict != "" {
				var pe *ProvisionError
				require.True(t, errors.As(err, &pe), "error %v", err)
				assert.Equal(t, ClientError, pe.Kind)
				assert.Equal(t, CodeResourceConflicts, pe.Code)
				assert.Contains(t, pe.Msg, "thing t already exists and its OverrideSettings for "+tc.conflict+" is FAIL")
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tc.want, got)
		})
	}
	// Resolve never changes the existing state it was given.
	assert.Equal(t, map[string]string{"version": "v0", "color": "red"}, existing.Attributes)
	assert.Equal(t, []string{"g1", "g2"}, existing.Groups)
}
