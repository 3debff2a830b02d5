package localiot

import (
	"errors"
	"fmt"
)

// AWS IoT exception types returned by the control-plane methods (see Error).
const (
	// ErrInvalidRequest is a request AWS's validation rejects (HTTP 400).
	ErrInvalidRequest = "InvalidRequestException"
	// ErrResourceNotFound names a resource that does not exist (404).
	ErrResourceNotFound = "ResourceNotFoundException"
	// ErrResourceAlreadyExists names a resource that exists already (409).
	ErrResourceAlreadyExists = "ResourceAlreadyExistsException"
	// ErrCertificateState is an operation the certificate's status forbids (406).
	ErrCertificateState = "CertificateStateException"
	// ErrCertificateValidation is a certificate that is not valid for the operation (400).
	ErrCertificateValidation = "CertificateValidationException"
	// ErrRegistrationCodeInvalid is a verification certificate whose CN is not the registration code (400).
	ErrRegistrationCodeInvalid = "RegistrationCodeValidationException"
	// ErrDeleteConflict is a deletion refused because something is still attached (409).
	ErrDeleteConflict = "DeleteConflictException"
	// ErrVersionConflict is an expected version that does not match (409).
	ErrVersionConflict = "VersionConflictException"
	// ErrMalformedPolicy is a policy document that does not parse (400).
	ErrMalformedPolicy = "MalformedPolicyException"
	// ErrLimitExceeded is a quota such as 10 policies per certificate (410).
	ErrLimitExceeded = "LimitExceededException"
	// ErrInternalFailure is a failure of the stand-in itself, such as a store write (500).
	ErrInternalFailure = "InternalFailureException"
)

// Error is a control-plane failure named like the AWS IoT exception the real service returns;
// the HTTP API sends Code as X-Amzn-ErrorType and Message as the body's message.
type Error struct {
	// Code is the exception type, e.g. ResourceNotFoundException.
	Code string
	// Message explains the failure, in AWS's words where they are known.
	Message string
	// ResourceID and ResourceARN name the existing resource of a ResourceAlreadyExistsException.
	ResourceID, ResourceARN string
}

// Error returns "<Code>: <Message>".
func (e *Error) Error() string { return e.Code + ": " + e.Message }

// apiErr builds an Error with a formatted message.
func apiErr(code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// alreadyExists builds a ResourceAlreadyExistsException naming the existing resource.
func alreadyExists(id, arn, format string, args ...any) *Error {
	return &Error{Code: ErrResourceAlreadyExists, Message: fmt.Sprintf(format, args...), ResourceID: id, ResourceARN: arn}
}

// AsError returns err as an *Error, wrapping anything else as an InternalFailureException.
func AsError(err error) *Error {
	var e *Error
	if errors.As(err, &e) {
		return e
	}
	return &Error{Code: ErrInternalFailure, Message: err.Error()}
}
