package localiot

import (
	"bytes"
	"crypto/x509"
	"encoding/pem"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/jitpsim/jitpsim/sim/pki"
)

// maxCAsPerSubject is AWS's limit of CA certificates with the same subject per account.
const maxCAsPerSubject = 10

// RegisterCAInput holds the parameters of RegisterCACertificate.
type RegisterCAInput struct {
	// CACertificatePEM is the CA certificate.
	CACertificatePEM string
	// VerificationCertificatePEM proves possession of the CA key in DEFAULT mode: its CN is the
	// registration code and the CA signed it. It must be empty in SNI_ONLY mode.
	VerificationCertificatePEM string
	// Mode is DEFAULT (also when empty) or SNI_ONLY.
	Mode string
	// SetAsActive registers the CA ACTIVE instead of INACTIVE.
	SetAsActive bool
	// AllowAutoRegistration enables JITP/JITR for certificates the CA signed.
	AllowAutoRegistration bool
	// RegistrationConfig is the JITP template; nil for none.
	RegistrationConfig *RegistrationConfig
}

// CACertificateDescription is what DescribeCACertificate returns.
type CACertificateDescription struct {
	CACertificateInfo
	// NotBefore and NotAfter are the certificate's validity.
	NotBefore, NotAfter time.Time
	// RegistrationConfig is the CA's JITP template, nil when it has none.
	RegistrationConfig *RegistrationConfig
}

// UpdateCAInput holds the parameters of UpdateCACertificate; empty fields change nothing.
type UpdateCAInput struct {
	// NewStatus is ACTIVE or INACTIVE.
	NewStatus string
	// NewAutoRegistrationStatus is ENABLE or DISABLE.
	NewAutoRegistrationStatus string
	// RegistrationConfig replaces the JITP template when not nil.
	RegistrationConfig *RegistrationConfig
	// RemoveAutoRegistration disables auto-registration and removes the template.
	RemoveAutoRegistration bool
}

// Auto-registration statuses of a CA certificate.
const (
	// AutoRegistrationEnable lets the CA's unknown device certificates register on connect.
	AutoRegistrationEnable = "ENABLE"
	// AutoRegistrationDisable refuses the CA's unknown device certificates.
	AutoRegistrationDisable = "DISABLE"
)

// RegisterCACertificate registers a CA certificate as RegisterCACertificate does: it checks the
// certificate, the verification certificate (DEFAULT mode) and the template, and refuses a CA
// that is already registered.
func (r *Registry) RegisterCACertificate(in RegisterCAInput) (CACertificateInfo, error) {
	mode := modeOf(in.Mode)
	if mode != ModeDefault && mode != ModeSNIOnly {
		return CACertificateInfo{}, apiErr(ErrInvalidRequest, "1 validation error detected: Value '%s' at 'certificateMode' failed to satisfy constraint: Member must satisfy enum value set: [DEFAULT, SNI_ONLY]", in.Mode)
	}
	cert, err := parsePEMCertificate(in.CACertificatePEM, "CA certificate")
	if err != nil {
		return CACertificateInfo{}, err
	}
	if !cert.BasicConstraintsValid || !cert.IsCA {
		return CACertificateInfo{}, apiErr(ErrCertificateValidation, "The certificate is not a CA certificate: basicConstraints CA:TRUE is missing")
	}
	if now := time.Now(); now.Before(cert.NotBefore) || now.After(cert.NotAfter) {
		return CACertificateInfo{}, apiErr(ErrCertificateValidation, "The CA certificate is expired or not yet valid")
	}
	tmpl, raw, err := in.RegistrationConfig.parse()
	if err != nil {
		return CACertificateInfo{}, err
	}
	var verification *x509.Certificate
	switch {
	case mode == ModeSNIOnly && in.VerificationCertificatePEM != "":
		return CACertificateInfo{}, apiErr(ErrInvalidRequest, "verificationCertificate must be empty when certificateMode is SNI_ONLY")
	case mode == ModeDefault && in.VerificationCertificatePEM == "":
		return CACertificateInfo{}, apiErr(ErrInvalidRequest, "verificationCertificate is required when certificateMode is DEFAULT; use SNI_ONLY to register without one")
	case mode == ModeDefault:
		if verification, err = parsePEMCertificate(in.VerificationCertificatePEM, "verification certificate"); err != nil {
			return CACertificateInfo{}, err
		}
		if err := verification.CheckSignatureFrom(cert); err != nil {
			return CACertificateInfo{}, apiErr(ErrCertificateValidation, "The verification certificate is not signed by the CA certificate: %v", err)
		}
	}

	id := pki.CertificateID(cert.Raw)
	now := time.Now().UTC()
	var info CACertificateInfo
	err = r.update(func() error {
		if verification != nil && (r.regCode == "" || verification.Subject.CommonName != r.regCode) {
			return apiErr(ErrRegistrationCodeInvalid, "The verification certificate's common name %q is not the registration code of this account (GetRegistrationCode)", verification.Subject.CommonName)
		}
		if _, ok := r.cas[id]; ok {
			return alreadyExists(id, CACertificateARN(id), "The certificate is already provisioned or registered")
		}
		same := 0
		for _, rec := range r.cas {
			if bytes.Equal(rec.cert.RawSubject, cert.RawSubject) {
				same++
			}
		}
		if same >= maxCAsPerSubject {
			return apiErr(ErrLimitExceeded, "You can register up to %d CA certificates with the same subject", maxCAsPerSubject)
		}
		rec := &caRecord{cert: cert, tmpl: tmpl, info: CACertificateInfo{
			ID:               id,
			PEM:              string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: cert.Raw})),
			Status:           StatusInactive,
			AutoRegistration: in.AllowAutoRegistration,
			Mode:             mode,
			Template:         raw,
			Created:          now,
			LastModified:     now,
		}}
		if in.SetAsActive {
			rec.info.Status = StatusActive
		}
		r.cas[id] = rec
		r.stageCA(id)
		info = rec.info.clone()
		return nil
	})
	return info, err
}

// parsePEMCertificate parses the first certificate of a PEM text, what names it in errors.
func parsePEMCertificate(text, what string) (*x509.Certificate, error) {
	block, _ := pem.Decode([]byte(text))
	if block == nil || block.Type != "CERTIFICATE" {
		return nil, apiErr(ErrCertificateValidation, "The %s is not a PEM-encoded X.509 certificate", what)
	}
	cert, err := x509.ParseCertificate(block.Bytes)
	if err != nil {
		return nil, apiErr(ErrCertificateValidation, "The %s could not be parsed: %v", what, err)
	}
	return cert, nil
}

// DescribeCACertificate returns a CA certificate with its validity and registration config.
func (r *Registry) DescribeCACertificate(id string) (CACertificateDescription, error) {
	if err := checkCertID("certificateId", id); err != nil {
		return CACertificateDescription{}, err
	}
	r.mu.RLock()
	defer r.mu.RUnlock()
	rec, ok := r.cas[strings.ToLower(id)]
	if !ok {
		return CACertificateDescription{}, caNotFound(id)
	}
	return CACertificateDescription{
		CACertificateInfo:  rec.info.clone(),
		NotBefore:          rec.cert.NotBefore,
		NotAfter:           rec.cert.NotAfter,
		RegistrationConfig: registrationConfigOf(rec.info.Template, rec.tmpl),
	}, nil
}

// caNotFound is the error of an operation on an unknown CA certificate.
func caNotFound(id string) *Error {
	return apiErr(ErrResourceNotFound, "The CA certificate %s does not exist", id)
}

// UpdateCACertificate changes a CA certificate's status, auto-registration or template.
func (r *Registry) UpdateCACertificate(id string, in UpdateCAInput) error {
	if err := checkCertID("certificateId", id); err != nil {
		return err
	}
	switch in.NewStatus {
	case "", StatusActive, StatusInactive:
	default:
		return apiErr(ErrInvalidRequest, "1 validation error detected: Value '%s' at 'newStatus' failed to satisfy constraint: Member must satisfy enum value set: [ACTIVE, INACTIVE]", in.NewStatus)
	}
	switch in.NewAutoRegistrationStatus {
	case "", AutoRegistrationEnable, AutoRegistrationDisable:
	default:
		return apiErr(ErrInvalidRequest, "1 validation error detected: Value '%s' at 'newAutoRegistrationStatus' failed to satisfy constraint: Member must satisfy enum value set: [ENABLE, DISABLE]", in.NewAutoRegistrationStatus)
	}
	if in.RemoveAutoRegistration && (in.NewAutoRegistrationStatus == AutoRegistrationEnable || in.RegistrationConfig != nil) {
		return apiErr(ErrInvalidRequest, "removeAutoRegistration cannot be combined with newAutoRegistrationStatus ENABLE or a registrationConfig")
	}
	tmpl, raw, err := in.RegistrationConfig.parse()
	if err != nil {
		return err
	}
	id = strings.ToLower(id)
	return r.update(func() error {
		rec, ok := r.cas[id]
		if !ok {
			return caNotFound(id)
		}
		if in.NewStatus != "" {
			rec.info.Status = in.NewStatus
		}
		if in.NewAutoRegistrationStatus != "" {
			rec.info.AutoRegistration = in.NewAutoRegistrationStatus == AutoRegistrationEnable
		}
		if in.RegistrationConfig != nil {
			rec.tmpl, rec.info.Template = tmpl, raw
		}
		if in.RemoveAutoRegistration {
			rec.info.AutoRegistration = false
			rec.tmpl, rec.info.Template = nil, nil
		}
		rec.info.LastModified = time.Now().UTC()
		r.stageCA(id)
		return nil
	})
}

// DeleteCACertificate deletes an INACTIVE CA certificate; the device certificates it signed stay
// registered (and are refused on connect while their CA is missing).
func (r *Registry) DeleteCACertificate(id string) error {
	if err := checkCertID("certificateId", id); err != nil {
		return err
	}
	id = strings.ToLower(id)
	return r.update(func() error {
		rec, ok := r.cas[id]
		if !ok {
			return caNotFound(id)
		}
		if rec.info.Status == StatusActive {
			return apiErr(ErrCertificateState, "Certificate must be deactivated (not ACTIVE) before deletion.")
		}
		delete(r.cas, id)
		r.stageCA(id)
		return nil
	})
}

// ListCACertificates returns a page of CA certificates ordered by creation date, newest first
// unless ascending. templateName filters by provisioning template, which the stand-in has none of.
func (r *Registry) ListCACertificates(p Page, templateName string) ([]CACertificateInfo, string, error) {
	r.mu.RLock()
	defer r.mu.RUnlock()
	byKey := make(map[string]*caRecord, len(r.cas))
	if templateName == "" {
		for _, rec := range r.cas {
			byKey[creationKey(rec.info.Created, rec.info.ID)] = rec
		}
	}
	keys, next, err := paginate(slices.Sorted(maps.Keys(byKey)), p)
	if err != nil {
		return nil, "", err
	}
	out := make([]CACertificateInfo, 0, len(keys))
	for _, k := range keys {
		out = append(out, byKey[k].info.clone())
	}
	return out, next, nil
}

// creationKey orders records by creation time, then ID.
func creationKey(created time.Time, id string) string {
	return fmt.Sprintf("%019d|%s", created.UnixNano(), id)
}
