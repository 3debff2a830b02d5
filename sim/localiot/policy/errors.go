package policy

// MalformedError reports a policy document that Parse rejects; the control-plane API maps it
// to MalformedPolicyException.
type MalformedError struct {
	// Msg says what is wrong with the document.
	Msg string
}

// Error returns the message.
func (e *MalformedError) Error() string { return "malformed policy document: " + e.Msg }

// malformed builds a *MalformedError.
func malformed(msg string) error { return &MalformedError{Msg: msg} }
