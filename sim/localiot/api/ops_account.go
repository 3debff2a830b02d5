package api

import (
	"net/http"
)

// endpointTypes are the endpoint types DescribeEndpoint accepts ("" means iot:Data).
var endpointTypes = map[string]bool{"": true, "iot:Data": true, "iot:Data-ATS": true, "iot:CredentialProvider": true, "iot:Jobs": true}

// getRegistrationCode is GetRegistrationCode: GET /registrationcode.
func (h *Handler) getRegistrationCode(*http.Request) (any, error) {
	code, err := h.srv.Registry().RegistrationCode()
	if err != nil {
		return nil, err
	}
	return struct {
		RegistrationCode string `json:"registrationCode"`
	}{code}, nil
}

// describeEndpoint is DescribeEndpoint: GET /endpoint?endpointType=T. Every type names the stand-in's MQTT host.
func (h *Handler) describeEndpoint(r *http.Request) (any, error) {
	t := r.URL.Query().Get("endpointType")
	if !endpointTypes[t] {
		return nil, invalid("Endpoint type " + t + " is not valid; use iot:Data, iot:Data-ATS, iot:CredentialProvider or iot:Jobs")
	}
	return struct {
		EndpointAddress string `json:"endpointAddress"`
	}{h.srv.EndpointAddress()}, nil
}
