package api

import (
	"net/http"

	"github.com/jitpsim/jitpsim/sim/localiot"
)

// modeOrDefault returns a stored certificate mode, DEFAULT when unset.
func modeOrDefault(m string) string {
	if m == "" {
		return localiot.ModeDefault
	}
	return m
}

// describeCertificate is DescribeCertificate: GET /certificates/{certificateId}.
func (h *Handler) describeCertificate(r *http.Request) (any, error) {
	d, err := h.srv.Registry().DescribeCertificate(r.PathValue("certificateId"))
	if err != nil {
		return nil, err
	}
	type description struct {
		CertificateArn   string        `json:"certificateArn"`
		CertificateID    string        `json:"certificateId"`
		CACertificateID  string        `json:"caCertificateId,omitempty"`
		Status           string        `json:"status"`
		CertificatePem   string        `json:"certificatePem"`
		OwnedBy          string        `json:"ownedBy"`
		CreationDate     *epochSeconds `json:"creationDate,omitempty"`
		LastModifiedDate *epochSeconds `json:"lastModifiedDate,omitempty"`
		CustomerVersion  int           `json:"customerVersion"`
		GenerationID     string        `json:"generationId"`
		Validity         validity      `json:"validity"`
		CertificateMode  string        `json:"certificateMode"`
	}
	return struct {
		CertificateDescription description `json:"certificateDescription"`
	}{description{
		CertificateArn:   localiot.CertificateARN(d.ID),
		CertificateID:    d.ID,
		CACertificateID:  d.CAID,
		Status:           d.Status,
		CertificatePem:   d.PEM,
		OwnedBy:          localiot.AccountID,
		CreationDate:     epoch(d.Created),
		LastModifiedDate: epoch(d.LastModified),
		CustomerVersion:  1,
		GenerationID:     generationID(d.ID, d.LastModified),
		Validity:         validity{epoch(d.NotBefore), epoch(d.NotAfter)},
		CertificateMode:  modeOrDefault(d.Mode),
	}}, nil
}

// updateCertificate is UpdateCertificate: PUT /certificates/{certificateId}?newStatus=S.
func (h *Handler) updateCertificate(r *http.Request) (any, error) {
	status := r.URL.Query().Get("newStatus")
	if status == "" {
		return nil, invalid("1 validation error detected: Value null at 'newStatus' failed to satisfy constraint: Member must not be null")
	}
	return nil, h.srv.UpdateCertificate(r.PathValue("certificateId"), status)
}

// deleteCertificate is DeleteCertificate: DELETE /certificates/{certificateId}?forceDelete.
func (h *Handler) deleteCertificate(r *http.Request) (any, error) {
	force, err := queryBool(r, "forceDelete")
	if err != nil {
		return nil, err
	}
	return nil, h.srv.Registry().DeleteCertificate(r.PathValue("certificateId"), force)
}

// listCertificatesByCA is ListCertificatesByCA: GET /certificates-by-ca/{caCertificateId}?pageSize&marker&isAscendingOrder.
func (h *Handler) listCertificatesByCA(r *http.Request) (any, error) {
	p, err := markerPage(r)
	if err != nil {
		return nil, err
	}
	certs, next, err := h.srv.Registry().ListCertificatesByCA(r.PathValue("caCertificateId"), p)
	if err != nil {
		return nil, err
	}
	type summary struct {
		CertificateArn  string        `json:"certificateArn"`
		CertificateID   string        `json:"certificateId"`
		Status          string        `json:"status"`
		CertificateMode string        `json:"certificateMode"`
		CreationDate    *epochSeconds `json:"creationDate,omitempty"`
	}
	out := struct {
		Certificates []summary `json:"certificates"`
		NextMarker   string    `json:"nextMarker,omitempty"`
	}{Certificates: make([]summary, 0, len(certs)), NextMarker: next}
	for _, c := range certs {
		out.Certificates = append(out.Certificates, summary{localiot.CertificateARN(c.ID), c.ID, c.Status, modeOrDefault(c.Mode), epoch(c.Created)})
	}
	return out, nil
}
