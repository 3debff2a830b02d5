package template

// Kinds of provisioning errors, named after AWS's JITP CloudWatch metrics
// ProvisionThing.ClientError and ProvisionThing.ServerError.
const (
	// ClientError means the template or the certificate is at fault, e.g. a missing subject field.
	ClientError = "ClientError"
	// ServerError means the service failed; AWS says the device may retry later.
	ServerError = "ServerError"
)

// CodeResourceConflicts is the AWS exception a FAIL OverrideSettings raises for an existing thing.
const CodeResourceConflicts = "ResourceConflictsException"

// invalidPrefix starts every template validation message, as in AWS's InvalidRequestException.
const invalidPrefix = "Invalid registration template. "

// InvalidTemplateError reports a template that Parse rejects; the control-plane API maps it
// to InvalidRequestException with Error() as the message.
type InvalidTemplateError struct {
	// Msg is the detail after AWS's "Invalid registration template. " prefix.
	Msg string
}

// Error returns the message in AWS's wording.
func (e *InvalidTemplateError) Error() string { return invalidPrefix + e.Msg }

// invalid builds an InvalidTemplateError.
func invalid(msg string) error { return &InvalidTemplateError{Msg: msg} }

// formatError builds an InvalidTemplateError worded "Template format error: ...".
func formatError(msg string) error { return invalid("Template format error: " + msg) }

// ProvisionError reports why a template could not be resolved or applied for one certificate.
type ProvisionError struct {
	// Kind is ClientError or ServerError.
	Kind string
	// Code is the AWS exception name when one applies, such as ResourceConflictsException, else "".
	Code string
	// Msg explains the failure.
	Msg string
}

// Error returns "<Kind>: <Msg>", or "<Kind>: <Code>: <Msg>" when Code is set.
func (e *ProvisionError) Error() string {
	if e.Code != "" {
		return e.Kind + ": " + e.Code + ": " + e.Msg
	}
	return e.Kind + ": " + e.Msg
}

// clientErr builds a ProvisionError of kind ClientError.
func clientErr(msg string) error { return &ProvisionError{Kind: ClientError, Msg: msg} }

// conflictErr builds the ClientError of a FAIL OverrideSettings.
func conflictErr(msg string) error {
	return &ProvisionError{Kind: ClientError, Code: CodeResourceConflicts, Msg: msg}
}
