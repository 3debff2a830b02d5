package template

// Kinds of provisioning errors, named after AWS's JITP CloudWatch metrics
// ProvisionThing.ClientError and ProvisionThing.ServerError.
const (
	// ClientError means the template or the certificate is at fault, e.g. a missing subject field.
	ClientError = "ClientError"
	// ServerError means the service failed; AWS says the device may retry later.
	ServerError = "ServerError"
)

// invalidPrefix starts every template validation message, as in AWS's InvalidRequestException.
const invalidPrefix = "Invalid registration template. "

// InvalidTemplateError reports a template that Parse rejects; the future
// control-plane API maps it to InvalidRequestException.
type InvalidTemplateError struct {
	// Msg is the detail after AWS's "Invalid registration template. " prefix.
	Msg string
}

// Error returns the message in AWS's wording.
func (e *InvalidTemplateError) Error() string { return invalidPrefix + e.Msg }

// invalid builds an InvalidTemplateError.
func invalid(msg string) error { return &InvalidTemplateError{Msg: msg} }

// ProvisionError reports why a template could not be resolved for one certificate.
type ProvisionError struct {
	// Kind is ClientError or ServerError.
	Kind string
	// Msg explains the failure.
	Msg string
}

// Error returns "<Kind>: <Msg>".
func (e *ProvisionError) Error() string { return e.Kind + ": " + e.Msg }

// clientErr builds a ProvisionError of kind ClientError.
func clientErr(msg string) error { return &ProvisionError{Kind: ClientError, Msg: msg} }
