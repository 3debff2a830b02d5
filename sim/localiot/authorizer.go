package localiot

import (
	"crypto/x509"

	"github.com/jitpsim/jitpsim/sim/localiot/policy"
)

// The AWS IoT policy actions the stand-in authorizes.
const (
	// ActionConnect is checked on CONNECT against ClientResource(clientID).
	ActionConnect = "iot:Connect"
	// ActionPublish is checked on PUBLISH against TopicResource(topic).
	ActionPublish = "iot:Publish"
	// ActionRetainPublish is checked, besides ActionPublish, on a PUBLISH with the retain flag.
	ActionRetainPublish = "iot:RetainPublish"
	// ActionSubscribe is checked on SUBSCRIBE against TopicFilterResource(filter), per filter.
	ActionSubscribe = "iot:Subscribe"
	// ActionReceive is checked before delivering a message to a subscriber, against TopicResource(topic).
	ActionReceive = "iot:Receive"
)

// ClientResource returns the resource of iot:Connect, arn:aws:iot:<region>:<account>:client/<clientId>.
func ClientResource(clientID string) string { return arnPrefix + "client/" + clientID }

// TopicResource returns the resource of iot:Publish and iot:Receive, arn:aws:iot:<region>:<account>:topic/<topic>.
func TopicResource(topic string) string { return arnPrefix + "topic/" + topic }

// TopicFilterResource returns the resource of iot:Subscribe, arn:aws:iot:<region>:<account>:topicfilter/<filter>.
func TopicFilterResource(filter string) string { return arnPrefix + "topicfilter/" + filter }

// Principal identifies the device behind an MQTT connection.
type Principal struct {
	// CertificateID is the ID of the device certificate the client presented.
	CertificateID string
	// Certificate is the device certificate.
	Certificate *x509.Certificate
	// ClientID is the MQTT client ID from CONNECT.
	ClientID string
	// Vars are the connection's policy variables, computed once at CONNECT: client ID, source
	// IP, certificate subject and issuer, and the thing variables.
	Vars policy.Variables
}

// Authorizer replaces the evaluation of AWS IoT policies when set in Config.Authorizer.
type Authorizer interface {
	// Authorize reports whether p may perform action (one of the Action constants) on resource.
	Authorize(p *Principal, action, resource string) bool
}

// AllowAll is an Authorizer that allows every connect, publish, subscribe and receive,
// whatever the attached policies say.
type AllowAll struct{}

// Authorize always returns true.
func (AllowAll) Authorize(*Principal, string, string) bool { return true }

// authorize decides one request for a connection: through Config.Authorizer when one is set,
// else by evaluating the policies attached to the connection's certificate. Denials are counted.
func (s *Server) authorize(p *Principal, action, resource string) bool {
	var ok bool
	switch a := s.authz.(type) {
	case nil:
		ok = s.reg.decide(p.CertificateID, policy.Request{Action: action, Resource: resource, Vars: p.Vars}).Allowed()
	case AllowAll:
		return true
	default:
		ok = a.Authorize(p, action, resource)
	}
	if !ok {
		s.stats.policyDenials.Add(1)
		s.log.Debug("not authorized", "client", p.ClientID, "cert", p.CertificateID, "action", action, "resource", resource)
	}
	return ok
}
