package api

import (
	"net/http"
	"strconv"

	"github.com/jitpsim/jitpsim/sim/localiot"
)

// attributesOf returns a thing's attributes for the wire: always an object, {} when empty.
func attributesOf(m map[string]string) map[string]string {
	if m == nil {
		return map[string]string{}
	}
	return m
}

// createThing is CreateThing: POST /things/{thingName}.
func (h *Handler) createThing(r *http.Request) (any, error) {
	var in struct {
		ThingTypeName    string `json:"thingTypeName"`
		BillingGroupName string `json:"billingGroupName"`
		AttributePayload *struct {
			Attributes map[string]string `json:"attributes"`
		} `json:"attributePayload"`
	}
	if err := decodeBody(r, &in); err != nil {
		return nil, err
	}
	ci := localiot.CreateThingInput{ThingTypeName: in.ThingTypeName, BillingGroupName: in.BillingGroupName}
	if in.AttributePayload != nil {
		ci.Attributes = in.AttributePayload.Attributes
	}
	th, err := h.srv.Registry().CreateThing(r.PathValue("thingName"), ci)
	if err != nil {
		return nil, err
	}
	return struct {
		ThingName string `json:"thingName"`
		ThingArn  string `json:"thingArn"`
		ThingID   string `json:"thingId"`
	}{th.Name, localiot.ThingARN(th.Name), th.ID}, nil
}

// describeThing is DescribeThing: GET /things/{thingName}.
func (h *Handler) describeThing(r *http.Request) (any, error) {
	th, err := h.srv.Registry().DescribeThing(r.PathValue("thingName"))
	if err != nil {
		return nil, err
	}
	return struct {
		DefaultClientID  string            `json:"defaultClientId"`
		ThingName        string            `json:"thingName"`
		ThingID          string            `json:"thingId"`
		ThingArn         string            `json:"thingArn"`
		ThingTypeName    string            `json:"thingTypeName,omitempty"`
		Attributes       map[string]string `json:"attributes"`
		Version          int64             `json:"version"`
		BillingGroupName string            `json:"billingGroupName,omitempty"`
	}{th.Name, th.Name, th.ID, localiot.ThingARN(th.Name), th.ThingTypeName, attributesOf(th.Attributes), th.Version, th.BillingGroup}, nil
}

// listThings is ListThings: GET /things?nextToken&maxResults&attributeName&attributeValue&thingTypeName&usePrefixAttributeValue.
func (h *Handler) listThings(r *http.Request) (any, error) {
	p, err := tokenPage(r)
	if err != nil {
		return nil, err
	}
	prefix, err := queryBool(r, "usePrefixAttributeValue")
	if err != nil {
		return nil, err
	}
	q := r.URL.Query()
	things, next, err := h.srv.Registry().ListThings(localiot.ThingFilter{
		AttributeName:           q.Get("attributeName"),
		AttributeValue:          q.Get("attributeValue"),
		UsePrefixAttributeValue: prefix,
		ThingTypeName:           q.Get("thingTypeName"),
	}, p)
	if err != nil {
		return nil, err
	}
	type thing struct {
		ThingName     string            `json:"thingName"`
		ThingTypeName string            `json:"thingTypeName,omitempty"`
		ThingArn      string            `json:"thingArn"`
		Attributes    map[string]string `json:"attributes"`
		Version       int64             `json:"version"`
	}
	out := struct {
		Things    []thing `json:"things"`
		NextToken string  `json:"nextToken,omitempty"`
	}{Things: make([]thing, 0, len(things)), NextToken: next}
	for _, th := range things {
		out.Things = append(out.Things, thing{th.Name, th.ThingTypeName, localiot.ThingARN(th.Name), attributesOf(th.Attributes), th.Version})
	}
	return out, nil
}

// deleteThing is DeleteThing: DELETE /things/{thingName}?expectedVersion.
func (h *Handler) deleteThing(r *http.Request) (any, error) {
	var expected *int64
	if v := r.URL.Query().Get("expectedVersion"); v != "" {
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			return nil, invalid("Value '" + v + "' of expectedVersion is not an integer")
		}
		expected = &n
	}
	if err := h.srv.Registry().DeleteThing(r.PathValue("thingName"), expected); err != nil {
		return nil, err
	}
	return empty{}, nil
}
