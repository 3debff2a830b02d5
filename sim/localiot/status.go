package localiot

// Certificate statuses, as AWS IoT names them.
const (
	// StatusActive lets a certificate authenticate.
	StatusActive = "ACTIVE"
	// StatusInactive refuses connections; for CA certificates it also stops auto-registration.
	StatusInactive = "INACTIVE"
	// StatusPendingActivation marks an auto-registered certificate whose provisioning has not completed.
	StatusPendingActivation = "PENDING_ACTIVATION"
	// StatusRevoked refuses connections for good.
	StatusRevoked = "REVOKED"
)

// validCertStatus reports whether s is a device certificate status the stand-in knows.
func validCertStatus(s string) bool {
	switch s {
	case StatusActive, StatusInactive, StatusPendingActivation, StatusRevoked:
		return true
	}
	return false
}
