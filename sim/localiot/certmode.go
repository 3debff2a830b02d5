package localiot

import "crypto/x509"

// Certificate modes of CA and device certificates, as AWS IoT names them.
const (
	// ModeDefault certificates may connect without the SNI extension.
	ModeDefault = "DEFAULT"
	// ModeSNIOnly certificates must connect with the SNI extension; their CA needs no verification certificate.
	ModeSNIOnly = "SNI_ONLY"
)

// modeOf returns the mode of a record, DEFAULT when it was stored without one.
func modeOf(m string) string {
	if m == "" {
		return ModeDefault
	}
	return m
}

// requiresSNI reports whether a client presenting leaf (certificate ID id) must have sent SNI:
// a registered certificate in SNI_ONLY mode, or an unknown one whose issuing CA is SNI_ONLY.
func (r *Registry) requiresSNI(leaf *x509.Certificate, id string) bool {
	r.mu.RLock()
	if c, ok := r.certs[id]; ok {
		r.mu.RUnlock()
		return modeOf(c.Mode) == ModeSNIOnly
	}
	anySNIOnly := false
	for _, ca := range r.cas {
		if modeOf(ca.info.Mode) == ModeSNIOnly {
			anySNIOnly = true
			break
		}
	}
	r.mu.RUnlock()
	if !anySNIOnly { // Skip the signature checks of findIssuer on the common path.
		return false
	}
	ca, ok := r.findIssuer(leaf)
	if !ok {
		return false
	}
	info, ok := r.CACertificate(ca.id)
	return ok && modeOf(info.Mode) == ModeSNIOnly
}
