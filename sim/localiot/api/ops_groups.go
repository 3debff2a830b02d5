package api

import (
	"net/http"

	"github.com/jitpsim/jitpsim/sim/localiot"
)

// createThingType is CreateThingType: POST /thing-types/{thingTypeName}.
func (h *Handler) createThingType(r *http.Request) (any, error) {
	var in struct {
		ThingTypeProperties struct {
			ThingTypeDescription string   `json:"thingTypeDescription"`
			SearchableAttributes []string `json:"searchableAttributes"`
		} `json:"thingTypeProperties"`
	}
	if err := decodeBody(r, &in); err != nil {
		return nil, err
	}
	t, err := h.srv.Registry().CreateThingType(r.PathValue("thingTypeName"), localiot.ThingTypeProperties{
		Description:          in.ThingTypeProperties.ThingTypeDescription,
		SearchableAttributes: in.ThingTypeProperties.SearchableAttributes,
	})
	if err != nil {
		return nil, err
	}
	return struct {
		ThingTypeName string `json:"thingTypeName"`
		ThingTypeArn  string `json:"thingTypeArn"`
		ThingTypeID   string `json:"thingTypeId"`
	}{t.Name, localiot.ThingTypeARN(t.Name), t.ID}, nil
}

// createThingGroup is CreateThingGroup: POST /thing-groups/{thingGroupName}.
func (h *Handler) createThingGroup(r *http.Request) (any, error) {
	var in struct {
		ParentGroupName      string `json:"parentGroupName"`
		ThingGroupProperties struct {
			ThingGroupDescription string `json:"thingGroupDescription"`
			AttributePayload      *struct {
				Attributes map[string]string `json:"attributes"`
			} `json:"attributePayload"`
		} `json:"thingGroupProperties"`
	}
	if err := decodeBody(r, &in); err != nil {
		return nil, err
	}
	props := localiot.ThingGroupProperties{ParentGroupName: in.ParentGroupName, Description: in.ThingGroupProperties.ThingGroupDescription}
	if ap := in.ThingGroupProperties.AttributePayload; ap != nil {
		props.Attributes = ap.Attributes
	}
	g, err := h.srv.Registry().CreateThingGroup(r.PathValue("thingGroupName"), props)
	if err != nil {
		return nil, err
	}
	return struct {
		ThingGroupName string `json:"thingGroupName"`
		ThingGroupArn  string `json:"thingGroupArn"`
		ThingGroupID   string `json:"thingGroupId"`
	}{g.Name, localiot.ThingGroupARN(g.Name), g.ID}, nil
}

// createBillingGroup is CreateBillingGroup: POST /billing-groups/{billingGroupName}.
func (h *Handler) createBillingGroup(r *http.Request) (any, error) {
	var in struct {
		BillingGroupProperties struct {
			BillingGroupDescription string `json:"billingGroupDescription"`
		} `json:"billingGroupProperties"`
	}
	if err := decodeBody(r, &in); err != nil {
		return nil, err
	}
	b, err := h.srv.Registry().CreateBillingGroup(r.PathValue("billingGroupName"), localiot.BillingGroupProperties{
		Description: in.BillingGroupProperties.BillingGroupDescription,
	})
	if err != nil {
		return nil, err
	}
	return struct {
		BillingGroupName string `json:"billingGroupName"`
		BillingGroupArn  string `json:"billingGroupArn"`
		BillingGroupID   string `json:"billingGroupId"`
	}{b.Name, localiot.BillingGroupARN(b.Name), b.ID}, nil
}
