package api

import (
	"encoding/json"
	"net/http"

	"github.com/jitpsim/jitpsim/sim/localiot"
)

// Authentication failures, as AWS names them.
const (
	errMissingToken        = "MissingAuthenticationTokenException"
	errIncompleteSignature = "IncompleteSignatureException"
	errUnrecognizedClient  = "UnrecognizedClientException"
	errInvalidSignature    = "InvalidSignatureException"
	errUnknownOperation    = "UnknownOperationException"
)

// statusOf maps an exception type to the HTTP status of AWS IoT's model; authentication
// failures are 403 and anything unknown is 500.
func statusOf(code string) int {
	switch code {
	case localiot.ErrInvalidRequest, localiot.ErrCertificateValidation, localiot.ErrRegistrationCodeInvalid,
		localiot.ErrMalformedPolicy, errThrottling:
		return http.StatusBadRequest
	case "UnauthorizedException":
		return http.StatusUnauthorized
	case errMissingToken, errIncompleteSignature, errUnrecognizedClient, errInvalidSignature:
		return http.StatusForbidden
	case localiot.ErrResourceNotFound, errUnknownOperation:
		return http.StatusNotFound
	case localiot.ErrCertificateState:
		return http.StatusNotAcceptable
	case localiot.ErrResourceAlreadyExists, localiot.ErrDeleteConflict, localiot.ErrVersionConflict:
		return http.StatusConflict
	case localiot.ErrLimitExceeded:
		return http.StatusGone
	}
	return http.StatusInternalServerError
}

// errorBody is the JSON body of an error response.
type errorBody struct {
	Message     string `json:"message"`
	ResourceID  string `json:"resourceId,omitempty"`
	ResourceARN string `json:"resourceArn,omitempty"`
}

// writeError sends err in AWS's wire format: X-Amzn-ErrorType and {"message": ...}.
func writeError(w http.ResponseWriter, err error) int {
	e := localiot.AsError(err)
	status := statusOf(e.Code)
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("X-Amzn-ErrorType", e.Code)
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(errorBody{Message: e.Message, ResourceID: e.ResourceID, ResourceARN: e.ResourceARN})
	return status
}

// fail builds an error of the given type.
func fail(code, msg string) error { return &localiot.Error{Code: code, Message: msg} }
