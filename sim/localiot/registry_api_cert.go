package localiot

import (
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/jitpsim/jitpsim/sim/pki"
)

// CertificateDescription is what DescribeCertificate returns.
type CertificateDescription struct {
	CertificateInfo
	// NotBefore and NotAfter are the certificate's validity.
	NotBefore, NotAfter time.Time
}

// Certificate statuses AWS IoT uses internally or for transfers; UpdateCertificate refuses them.
const (
	// StatusPendingTransfer marks a certificate being transferred to another account.
	StatusPendingTransfer = "PENDING_TRANSFER"
	// StatusRegisterInactive is a deprecated status of certificates registered without a CA.
	StatusRegisterInactive = "REGISTER_INACTIVE"
)

// certNotFound is the error of an operation on an unknown device certificate.
func certNotFound(id string) *Error {
	return apiErr(ErrResourceNotFound, "The certificate %s does not exist", id)
}

// DescribeCertificate returns a device certificate with its validity.
func (r *Registry) DescribeCertificate(id string) (CertificateDescription, error) {
	if err := checkCertID("certificateId", id); err != nil {
		return CertificateDescription{}, err
	}
	r.mu.RLock()
	c, ok := r.certs[strings.ToLower(id)]
	var d CertificateDescription
	if ok {
		d.CertificateInfo = c.clone()
	}
	r.mu.RUnlock()
	if !ok {
		return CertificateDescription{}, certNotFound(id)
	}
	if cert, err := pki.ParseCertificatePEM([]byte(d.PEM)); err == nil {
		d.NotBefore, d.NotAfter = cert.NotBefore, cert.NotAfter
	}
	return d, nil
}

// UpdateCertificate sets a device certificate's status to ACTIVE, INACTIVE or REVOKED; it returns
// the previous status. PENDING_TRANSFER and PENDING_ACTIVATION are AWS-internal statuses that
// UpdateCertificate refuses (CertificateStateException), and a REVOKED certificate stays revoked.
func (r *Registry) UpdateCertificate(id, status string) (previous string, err error) {
	if err := checkCertID("certificateId", id); err != nil {
		return "", err
	}
	switch status {
	case StatusActive, StatusInactive, StatusRevoked:
	case StatusPendingTransfer, StatusPendingActivation, StatusRegisterInactive:
		return "", apiErr(ErrCertificateState, "The certificate status cannot be set to %s with UpdateCertificate", status)
	default:
		return "", apiErr(ErrInvalidRequest, "1 validation error detected: Value '%s' at 'newStatus' failed to satisfy constraint: Member must satisfy enum value set: [ACTIVE, INACTIVE, REVOKED, PENDING_TRANSFER, REGISTER_INACTIVE, PENDING_ACTIVATION]", status)
	}
	id = strings.ToLower(id)
	err = r.update(func() error {
		c, ok := r.certs[id]
		if !ok {
			return certNotFound(id)
		}
		previous = c.Status
		if c.Status == StatusRevoked && status != StatusRevoked {
			return apiErr(ErrCertificateState, "The certificate %s is REVOKED and cannot be changed to %s", id, status)
		}
		if c.Status != status {
			c.Status = status
			c.LastModified = time.Now().UTC()
			r.stageCert(id)
		}
		return nil
	})
	return previous, err
}

// DeleteCertificate deletes a device certificate that is not ACTIVE and has no things attached;
// attached policies refuse the deletion too unless force is set, which detaches them.
func (r *Registry) DeleteCertificate(id string, force bool) error {
	if err := checkCertID("certificateId", id); err != nil {
		return err
	}
	id = strings.ToLower(id)
	return r.update(func() error {
		c, ok := r.certs[id]
		switch {
		case !ok:
			return certNotFound(id)
		case c.Status == StatusActive:
			return apiErr(ErrCertificateState, "Certificate must be deactivated (not ACTIVE) before deletion.")
		case len(c.Things) > 0:
			return apiErr(ErrDeleteConflict, "Things must be detached before deletion (arn: %s)", CertificateARN(id))
		case len(c.Policies) > 0 && !force:
			return apiErr(ErrDeleteConflict, "Certificate policies must be detached before deletion (arn: %s)", CertificateARN(id))
		}
		delete(r.certs, id)
		r.stageCert(id)
		return nil
	})
}

// ListCertificatesByCA returns a page of the device certificates a CA signed, ordered by
// creation date, newest first unless ascending. An unknown CA has no certificates.
func (r *Registry) ListCertificatesByCA(caID string, p Page) ([]CertificateInfo, string, error) {
	if err := checkCertID("caCertificateId", caID); err != nil {
		return nil, "", err
	}
	caID = strings.ToLower(caID)
	r.mu.RLock()
	defer r.mu.RUnlock()
	byKey := map[string]*CertificateInfo{}
	for _, c := range r.certs {
		if c.CAID == caID {
			byKey[creationKey(c.Created, c.ID)] = c
		}
	}
	keys, next, err := paginate(slices.Sorted(maps.Keys(byKey)), p)
	if err != nil {
		return nil, "", err
	}
	out := make([]CertificateInfo, 0, len(keys))
	for _, k := range keys {
		out = append(out, byKey[k].clone())
	}
	return out, next, nil
}
