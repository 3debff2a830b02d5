package api

import (
	"net/http"

	"github.com/jitpsim/jitpsim/sim/localiot"
)

// registrationConfig is RegistrationConfig on the wire; templateBody is a JSON string.
type registrationConfig struct {
	TemplateBody *string `json:"templateBody,omitempty"`
	RoleArn      string  `json:"roleArn,omitempty"`
	TemplateName string  `json:"templateName,omitempty"`
}

// toLocal converts the wire form; nil stays nil.
func (rc *registrationConfig) toLocal() *localiot.RegistrationConfig {
	if rc == nil {
		return nil
	}
	return &localiot.RegistrationConfig{TemplateBody: rc.TemplateBody, RoleArn: rc.RoleArn, TemplateName: rc.TemplateName}
}

// fromLocal converts a stored config to the wire form; nil stays nil.
func fromLocal(rc *localiot.RegistrationConfig) *registrationConfig {
	if rc == nil {
		return nil
	}
	return &registrationConfig{TemplateBody: rc.TemplateBody, RoleArn: rc.RoleArn, TemplateName: rc.TemplateName}
}

// autoRegistrationStatus returns ENABLE or DISABLE.
func autoRegistrationStatus(on bool) string {
	if on {
		return localiot.AutoRegistrationEnable
	}
	return localiot.AutoRegistrationDisable
}

// registerCACertificate is RegisterCACertificate: POST /cacertificate?setAsActive&allowAutoRegistration.
func (h *Handler) registerCACertificate(r *http.Request) (any, error) {
	var in struct {
		CACertificate           string              `json:"caCertificate"`
		VerificationCertificate string              `json:"verificationCertificate"`
		RegistrationConfig      *registrationConfig `json:"registrationConfig"`
		CertificateMode         string              `json:"certificateMode"`
	}
	if err := decodeBody(r, &in); err != nil {
		return nil, err
	}
	if in.CACertificate == "" {
		return nil, invalid("1 validation error detected: Value null at 'caCertificate' failed to satisfy constraint: Member must not be null")
	}
	active, err := queryBool(r, "setAsActive")
	if err != nil {
		return nil, err
	}
	autoReg, err := queryBool(r, "allowAutoRegistration")
	if err != nil {
		return nil, err
	}
	info, err := h.srv.Registry().RegisterCACertificate(localiot.RegisterCAInput{
		CACertificatePEM:           in.CACertificate,
		VerificationCertificatePEM: in.VerificationCertificate,
		Mode:                       in.CertificateMode,
		SetAsActive:                active,
		AllowAutoRegistration:      autoReg,
		RegistrationConfig:         in.RegistrationConfig.toLocal(),
	})
	if err != nil {
		return nil, err
	}
	return struct {
		CertificateArn string `json:"certificateArn"`
		CertificateID  string `json:"certificateId"`
	}{localiot.CACertificateARN(info.ID), info.ID}, nil
}

// caDescription is CACertificateDescription.
type caDescription struct {
	CertificateArn         string        `json:"certificateArn"`
	CertificateID          string        `json:"certificateId"`
	Status                 string        `json:"status"`
	CertificatePem         string        `json:"certificatePem"`
	OwnedBy                string        `json:"ownedBy"`
	CreationDate           *epochSeconds `json:"creationDate,omitempty"`
	AutoRegistrationStatus string        `json:"autoRegistrationStatus"`
	LastModifiedDate       *epochSeconds `json:"lastModifiedDate,omitempty"`
	CustomerVersion        int           `json:"customerVersion"`
	GenerationID           string        `json:"generationId"`
	Validity               validity      `json:"validity"`
	CertificateMode        string        `json:"certificateMode"`
}

// describeCACertificate is DescribeCACertificate: GET /cacertificate/{caCertificateId}.
func (h *Handler) describeCACertificate(r *http.Request) (any, error) {
	d, err := h.srv.Registry().DescribeCACertificate(r.PathValue("caCertificateId"))
	if err != nil {
		return nil, err
	}
	mode := d.Mode
	if mode == "" {
		mode = localiot.ModeDefault
	}
	return struct {
		CertificateDescription caDescription       `json:"certificateDescription"`
		RegistrationConfig     *registrationConfig `json:"registrationConfig,omitempty"`
	}{caDescription{
		CertificateArn:         localiot.CACertificateARN(d.ID),
		CertificateID:          d.ID,
		Status:                 d.Status,
		CertificatePem:         d.PEM,
		OwnedBy:                localiot.AccountID,
		CreationDate:           epoch(d.Created),
		AutoRegistrationStatus: autoRegistrationStatus(d.AutoRegistration),
		LastModifiedDate:       epoch(d.LastModified),
		CustomerVersion:        1,
		GenerationID:           generationID(d.ID, d.LastModified),
		Validity:               validity{epoch(d.NotBefore), epoch(d.NotAfter)},
		CertificateMode:        mode,
	}, fromLocal(d.RegistrationConfig)}, nil
}

// updateCACertificate is UpdateCACertificate: PUT /cacertificate/{id}?newStatus&newAutoRegistrationStatus.
func (h *Handler) updateCACertificate(r *http.Request) (any, error) {
	var in struct {
		RegistrationConfig     *registrationConfig `json:"registrationConfig"`
		RemoveAutoRegistration bool                `json:"removeAutoRegistration"`
	}
	if err := decodeBody(r, &in); err != nil {
		return nil, err
	}
	q := r.URL.Query()
	err := h.srv.Registry().UpdateCACertificate(r.PathValue("caCertificateId"), localiot.UpdateCAInput{
		NewStatus:                 q.Get("newStatus"),
		NewAutoRegistrationStatus: q.Get("newAutoRegistrationStatus"),
		RegistrationConfig:        in.RegistrationConfig.toLocal(),
		RemoveAutoRegistration:    in.RemoveAutoRegistration,
	})
	return nil, err
}

// deleteCACertificate is DeleteCACertificate: DELETE /cacertificate/{caCertificateId}.
func (h *Handler) deleteCACertificate(r *http.Request) (any, error) {
	if err := h.srv.Registry().DeleteCACertificate(r.PathValue("caCertificateId")); err != nil {
		return nil, err
	}
	return empty{}, nil
}

// listCACertificates is ListCACertificates: GET /cacertificates?pageSize&marker&isAscendingOrder&templateName.
func (h *Handler) listCACertificates(r *http.Request) (any, error) {
	p, err := markerPage(r)
	if err != nil {
		return nil, err
	}
	cas, next, err := h.srv.Registry().ListCACertificates(p, r.URL.Query().Get("templateName"))
	if err != nil {
		return nil, err
	}
	type caSummary struct {
		CertificateArn string        `json:"certificateArn"`
		CertificateID  string        `json:"certificateId"`
		Status         string        `json:"status"`
		CreationDate   *epochSeconds `json:"creationDate,omitempty"`
	}
	out := struct {
		Certificates []caSummary `json:"certificates"`
		NextMarker   string      `json:"nextMarker,omitempty"`
	}{Certificates: make([]caSummary, 0, len(cas)), NextMarker: next}
	for _, c := range cas {
		out.Certificates = append(out.Certificates, caSummary{localiot.CACertificateARN(c.ID), c.ID, c.Status, epoch(c.Created)})
	}
	return out, nil
}
