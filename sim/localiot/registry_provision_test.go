package localiot

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/jitpsim/jitpsim/sim/localiot/template"
	"github.com/jitpsim/jitpsim/sim/pki"
)

// jitpBody is a JITP template whose thing resource has the given extra properties and
// OverrideSettings; the thing is named by the CommonName and grouped by Country.
func jitpBody(thingProps, overrides string) string {
	if overrides == "" {
		overrides = "{}"
	}
	return `{"Parameters":{
		"AWS::IoT::Certificate::CommonName":{"Type":"String"},
		"AWS::IoT::Certificate::Country":{"Type":"String","Default":"NO"},
		"AWS::IoT::Certificate::Id":{"Type":"String"}},
	"Resources":{
		"thing":{"Type":"AWS::IoT::Thing","Properties":{"ThingName":{"Ref":"AWS::IoT::Certificate::CommonName"}` + thingProps + `},"OverrideSettings":` + overrides + `},
		"certificate":{"Type":"AWS::IoT::Certificate","Properties":{"CertificateId":{"Ref":"AWS::IoT::Certificate::Id"},"Status":"ACTIVE"}},
		"policy":{"Type":"AWS::IoT::Policy","Properties":{"PolicyDocument":"{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"iot:*\",\"Resource\":\"*\"}]}"}}}}`
}

func TestApplyPlanResources(t *testing.T) {
	existing := func(r *Registry) {
		r.things["dev"] = &ThingInfo{Name: "dev", ID: "old-id", Attributes: map[string]string{"version": "v0", "color": "red"},
			ThingTypeName: "oldType", ThingGroups: []string{"old"}, Version: 4}
	}
	groups := func(r *Registry) {
		for _, n := range []string{"lightBulb-versionA", "oldType"} {
			_, err := r.CreateThingType(n, ThingTypeProperties{})
			require.NoError(t, err)
		}
		for _, n := range []string{"v1-lightbulbs", "NO", "old"} {
			_, err := r.CreateThingGroup(n, ThingGroupProperties{})
			require.NoError(t, err)
		}
		_, err := r.CreateBillingGroup("bill", BillingGroupProperties{})
		require.NoError(t, err)
	}
	const full = `,"AttributePayload":{"version":"v1"},"ThingTypeName":"lightBulb-versionA","ThingGroups":["v1-lightbulbs",{"Ref":"AWS::IoT::Certificate::Country"}],"BillingGroup":"bill"`
	tests := []struct {
		name      string
		body      string
		prepare   []func(r *Registry)
		want      ThingInfo // Name, Attributes, ThingTypeName, ThingGroups, BillingGroup, Version
		errMsg    string    // ClientError text, "" for success
		errorCode string
	}{
		{name: "new thing with type, groups and billing group", body: jitpBody(full, ""), prepare: []func(*Registry){groups},
			want: ThingInfo{Name: "dev", Attributes: map[string]string{"version": "v1"}, ThingTypeName: "lightBulb-versionA", ThingGroups: []string{"v1-lightbulbs", "NO"}, BillingGroup: "bill", Version: 1}},
		{name: "existing thing, DO_NOTHING by default", body: jitpBody(full, ""), prepare: []func(*Registry){groups, existing},
			want: ThingInfo{Name: "dev", Attributes: map[string]string{"version": "v0", "color": "red"}, ThingTypeName: "oldType", ThingGroups: []string{"old"}, BillingGroup: "bill", Version: 4}},
		{name: "existing thing, AWS docs settings", body: jitpBody(full, `{"AttributePayload":"MERGE","ThingTypeName":"REPLACE","ThingGroups":"DO_NOTHING"}`), prepare: []func(*Registry){groups, existing},
			want: ThingInfo{Name: "dev", Attributes: map[string]string{"version": "v1", "color": "red"}, ThingTypeName: "lightBulb-versionA", ThingGroups: []string{"old"}, BillingGroup: "bill", Version: 5}},
		{name: "existing thing, REPLACE and MERGE groups", body: jitpBody(full, `{"AttributePayload":"REPLACE","ThingGroups":"MERGE"}`), prepare: []func(*Registry){groups, existing},
			want: ThingInfo{Name: "dev", Attributes: map[string]string{"version": "v1"}, ThingTypeName: "oldType", ThingGroups: []string{"old", "v1-lightbulbs", "NO"}, BillingGroup: "bill", Version: 5}},
		{name: "existing thing, FAIL", body: jitpBody(full, `{"ThingGroups":"FAIL"}`), prepare: []func(*Registry){groups, existing},
			errMsg: "thing dev already exists and its OverrideSettings for ThingGroups is FAIL", errorCode: template.CodeResourceConflicts},
		{name: "unknown thing type", body: jitpBody(`,"ThingTypeName":"nope"`, ""),
			errMsg: "thing type nope does not exist"},
		{name: "unknown thing group", body: jitpBody(`,"ThingGroups":["v1-lightbulbs","nope"]`, ""), prepare: []func(*Registry){groups},
			errMsg: "thing group nope does not exist"},
		{name: "unknown billing group", body: jitpBody(`,"BillingGroup":"nope"`, ""),
			errMsg: "billing group nope does not exist"},
	}
	ca := newDeviceCA(t, "apply CA")
	dev := mint(t, ca, pki.Subject{CommonName: "dev", Country: "NO"})
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := NewRegistry()
			caID, err := r.registerCA(ca.Cert, nil, true)
			require.NoError(t, err)
			_, _, err = r.registerPending(dev.ID, caID, dev.Leaf())
			require.NoError(t, err)
			for _, p := range tc.prepare {
				p(r)
			}
			tmpl, err := template.Parse([]byte(tc.body))
			require.NoError(t, err)
			plan, err := tmpl.Provision(template.SubjectParameters(dev.Leaf(), dev.ID))
			require.NoError(t, err)
			thingsBefore, policiesBefore := r.Things(), r.Policies()

			err = r.applyPlan(dev.ID, plan)
			if tc.errMsg != "" {
				var pe *template.ProvisionError
				require.ErrorAs(t, err, &pe)
				assert.Equal(t, template.ClientError, pe.Kind)
				assert.Equal(t, tc.errorCode, pe.Code)
				assert.Contains(t, pe.Msg, tc.errMsg)
				// Nothing half-created: no thing, no policy, the certificate untouched.
				assert.Equal(t, thingsBefore, r.Things())
				assert.Equal(t, policiesBefore, r.Policies())
				c, _ := r.Certificate(dev.ID)
				assert.Equal(t, StatusPendingActivation, c.Status)
				assert.Empty(t, c.Things)
				assert.Empty(t, c.Policies)
				return
			}
			require.NoError(t, err)
			th, ok := r.Thing("dev")
			require.True(t, ok)
			got := ThingInfo{Name: th.Name, Attributes: th.Attributes, ThingTypeName: th.ThingTypeName, ThingGroups: th.ThingGroups, BillingGroup: th.BillingGroup, Version: th.Version}
			assert.Equal(t, tc.want, got)
			assert.Equal(t, []string{CertificateARN(dev.ID)}, th.Principals)
			assert.Equal(t, []string{"dev"}, r.ThingsInGroup(tc.want.ThingGroups[0]))
			c, _ := r.Certificate(dev.ID)
			assert.Equal(t, StatusActive, c.Status)
			assert.Len(t, c.Policies, 1)
		})
	}
}
