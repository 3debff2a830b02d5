package localiot

import (
	"crypto/tls"
	"errors"
	"time"

	mqtt "github.com/mochi-mqtt/server/v2"

	"github.com/jitpsim/jitpsim/sim/pki"
)

// ErrJITPRegistered is returned to mochi for the first connection of a newly auto-registered
// certificate, so the socket is closed without CONNACK, as AWS IoT does.
var ErrJITPRegistered = errors.New("localiot: certificate auto-registered as PENDING_ACTIVATION; connection closed")

// refusal is a reason to close a connection without CONNACK.
type refusal struct {
	reason string
}

// Error returns the refusal reason.
func (r *refusal) Error() string { return "localiot: connection refused: " + r.reason }

// admit applies AWS IoT's rules to a CONNECT: a known ACTIVE certificate of an ACTIVE CA is
// accepted; an unknown certificate of an ACTIVE CA with auto-registration is registered
// PENDING_ACTIVATION, announced, scheduled for provisioning and refused; all else is refused.
func (s *Server) admit(cl *mqtt.Client) error {
	tc, ok := cl.Net.Conn.(*tls.Conn)
	if !ok {
		return s.refuse(cl, "", "not a TLS connection")
	}
	state := tc.ConnectionState()
	if len(state.PeerCertificates) == 0 {
		return s.refuse(cl, "", "no client certificate")
	}
	leaf := state.PeerCertificates[0]
	id := pki.CertificateID(leaf.Raw)
	if now := time.Now(); now.Before(leaf.NotBefore) || now.After(leaf.NotAfter) {
		return s.refuse(cl, id, "certificate expired or not yet valid")
	}

	if st, ok := s.reg.certState(id); ok {
		return s.admitKnown(cl, id, st)
	}
	ca, ok := s.reg.findIssuer(leaf)
	switch {
	case !ok:
		return s.refuse(cl, id, "certificate not signed by a registered CA")
	case ca.status != StatusActive:
		return s.refuse(cl, id, "CA "+ca.id+" is "+ca.status)
	case !ca.autoReg:
		return s.refuse(cl, id, "CA "+ca.id+" does not allow auto-registration")
	}
	if !s.lim.allowRegistration() { // AWS: 15 registrations/s; the device retries its first connect.
		s.stats.regsThrottled.Add(1)
		return s.refuse(cl, id, "throttled: certificate auto-registration rate exceeded")
	}
	created, st, err := s.reg.registerPending(id, ca.id, leaf)
	if err != nil {
		return s.refuse(cl, id, err.Error())
	}
	if !created { // Another connection of the same certificate registered it first.
		return s.admitKnown(cl, id, st)
	}
	s.stats.registrations.Add(1)
	s.log.Info("certificate auto-registered", "cert", id, "ca", ca.id, "client", cl.ID, "sni", state.ServerName, "template", ca.tmpl != nil)
	s.publishRegistered(id, ca.id, time.Now())
	if ca.tmpl != nil {
		s.scheduleProvision(id, leaf, ca.tmpl)
	}
	return ErrJITPRegistered
}

// admitKnown decides for a certificate already in the registry.
func (s *Server) admitKnown(cl *mqtt.Client, id string, st certState) error {
	switch {
	case st.status == StatusActive && st.caStatus == StatusActive:
		return s.accept(cl, id)
	case st.status == StatusPendingActivation:
		// AWS re-publishes the registration event whenever a PENDING_ACTIVATION certificate connects.
		s.publishRegistered(id, st.caID, st.created)
		return s.refuse(cl, id, "certificate is PENDING_ACTIVATION")
	case st.status != StatusActive:
		return s.refuse(cl, id, "certificate is "+st.status)
	case st.caStatus == "":
		return s.refuse(cl, id, "CA "+st.caID+" is not registered")
	default:
		return s.refuse(cl, id, "CA "+st.caID+" is "+st.caStatus)
	}
}

// accept evaluates iot:Connect on client/<clientId> for an ACTIVE certificate (a denial closes
// the socket without CONNACK, as AWS does), computes the connection's policy variables once,
// and clamps its keepalive to AWS's range.
func (s *Server) accept(cl *mqtt.Client, id string) error {
	se := s.newSession(cl, id)
	if !s.authorize(&se.principal, ActionConnect, ClientResource(cl.ID)) {
		return s.refuse(cl, id, "not authorized: iot:Connect on "+ClientResource(cl.ID))
	}
	applyKeepAlive(cl)
	s.sessions.put(cl, se)
	s.log.Debug("client connected", "cert", id, "client", cl.ID, "keepalive", cl.State.Keepalive)
	return nil
}

// refuse counts and logs a refused connection and returns the error that makes mochi close it.
func (s *Server) refuse(cl *mqtt.Client, certID, reason string) error {
	s.stats.connectsRefused.Add(1)
	s.log.Debug("connection refused", "cert", certID, "client", cl.ID, "remote", cl.Net.Remote, "reason", reason)
	return &refusal{reason: reason}
}
