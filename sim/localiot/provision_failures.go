package localiot

import (
	"errors"
	"sync"
	"time"

	"github.com/jitpsim/jitpsim/sim/localiot/template"
)

// maxProvisionFailures bounds the failures Server.ProvisionFailures remembers.
const maxProvisionFailures = 100

// ProvisionFailure is one failed template run: the certificate stays PENDING_ACTIVATION.
type ProvisionFailure struct {
	// CertificateID is the certificate whose template run failed.
	CertificateID string `json:"certificateId"`
	// Kind is ClientError (the template or certificate is at fault) or ServerError (retry later).
	Kind string `json:"kind"`
	// Code is the AWS exception when one applies, such as ResourceConflictsException, else "".
	Code string `json:"code,omitempty"`
	// Reason explains the failure.
	Reason string `json:"reason"`
	// Time is when the run failed.
	Time time.Time `json:"time"`
}

// failureLog is a ring of the most recent provisioning failures; its zero value is usable.
type failureLog struct {
	mu   sync.Mutex
	ring []ProvisionFailure
	next int
}

// add records f, dropping the oldest failure when the ring is full.
func (l *failureLog) add(f ProvisionFailure) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if len(l.ring) < maxProvisionFailures {
		l.ring = append(l.ring, f)
		return
	}
	l.ring[l.next] = f
	l.next = (l.next + 1) % maxProvisionFailures
}

// list returns the recorded failures, oldest first.
func (l *failureLog) list() []ProvisionFailure {
	l.mu.Lock()
	defer l.mu.Unlock()
	out := make([]ProvisionFailure, 0, len(l.ring))
	out = append(out, l.ring[l.next:]...)
	return append(out, l.ring[:l.next]...)
}

// ProvisionFailures returns the most recent failed template runs (at most 100), oldest first.
// The last failure of each certificate is also kept as CertificateInfo.LastProvisionError.
func (s *Server) ProvisionFailures() []ProvisionFailure { return s.failures.list() }

// provisionFailed counts a failed template run as a ClientError or ServerError, keeps its
// reason on the certificate and in ProvisionFailures, and logs it.
func (s *Server) provisionFailed(certID string, err error) {
	f := ProvisionFailure{CertificateID: certID, Kind: template.ServerError, Reason: err.Error(), Time: time.Now().UTC()}
	var pe *template.ProvisionError
	if errors.As(err, &pe) {
		f.Kind, f.Code, f.Reason = pe.Kind, pe.Code, pe.Msg
	}
	if f.Kind == template.ClientError {
		s.stats.provisionClientError.Add(1)
	} else {
		s.stats.provisionServerError.Add(1)
	}
	s.reg.recordProvisionError(certID, err.Error())
	s.failures.add(f)
	s.log.Warn("provisioning failed; certificate stays PENDING_ACTIVATION", "cert", certID, "kind", f.Kind, "code", f.Code, "reason", f.Reason)
}
