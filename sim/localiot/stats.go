package localiot

import "sync/atomic"

// Stats is a snapshot of the registry sizes and the stand-in's counters.
type Stats struct {
	// CACertificates is the number of registered CA certificates.
	CACertificates int
	// Certificates is the number of registered device certificates.
	Certificates int
	// ActiveCertificates counts device certificates in status ACTIVE.
	ActiveCertificates int
	// PendingCertificates counts device certificates in status PENDING_ACTIVATION.
	PendingCertificates int
	// Things is the number of things.
	Things int
	// Policies is the number of policies.
	Policies int
	// Registrations counts certificates auto-registered on a first connect.
	Registrations int64
	// ProvisionSuccess counts template runs that activated a certificate (ProvisionThing.Success).
	ProvisionSuccess int64
	// ProvisionClientError counts template runs failed by the template or certificate (ProvisionThing.ClientError).
	ProvisionClientError int64
	// ProvisionServerError counts template runs failed by the stand-in (ProvisionThing.ServerError).
	ProvisionServerError int64
	// ConnectsRefused counts connections closed without CONNACK, except those that auto-registered a certificate.
	ConnectsRefused int64
	// ConnectsThrottled counts the refused connections that exceeded a CONNECT limit (Config.AWSLimits).
	ConnectsThrottled int64
	// RegistrationsThrottled counts the refused first connects that exceeded the auto-registration limit.
	RegistrationsThrottled int64
	// ProvisionThrottled counts the template runs (among ProvisionServerError) that exceeded the RegisterThing limit.
	ProvisionThrottled int64
	// PolicyDenials counts connects, publishes, subscriptions and deliveries the policies (or Config.Authorizer) denied.
	PolicyDenials int64
	// ClientErrorDisconnects counts connections closed for breaking AWS IoT's MQTT rules (CLIENT_ERROR): QoS 2, payloads over 128 KB.
	ClientErrorDisconnects int64
	// ClientIDTakeovers counts connections closed because a newer one used the same client ID (DUPLICATE_CLIENTID).
	ClientIDTakeovers int64
	// PublishesThrottled counts PUBLISH packets discarded, inbound or outbound, for exceeding
	// Limits.PublishesPerConnectionPerSecond.
	PublishesThrottled int64
	// APIThrottled counts control-plane API calls refused with ThrottlingException (Limits.APIRates).
	APIThrottled int64
}

// counters are the stand-in's running totals.
type counters struct {
	registrations        atomic.Int64
	provisionSuccess     atomic.Int64
	provisionClientError atomic.Int64
	provisionServerError atomic.Int64
	connectsRefused      atomic.Int64
	connectsThrottled    atomic.Int64
	regsThrottled        atomic.Int64
	provisionThrottled   atomic.Int64
	policyDenials        atomic.Int64
	clientErrors         atomic.Int64
	takeovers            atomic.Int64
	apiThrottled         atomic.Int64
	publishesThrottled   atomic.Int64
}

// Stats returns the current registry sizes and counters.
func (s *Server) Stats() Stats {
	c := s.reg.counts()
	return Stats{
		CACertificates:       c.cas,
		Certificates:         c.certs,
		ActiveCertificates:   c.active,
		PendingCertificates:  c.pending,
		Things:               c.things,
		Policies:             c.policies,
		Registrations:        s.stats.registrations.Load(),
		ProvisionSuccess:     s.stats.provisionSuccess.Load(),
		ProvisionClientError: s.stats.provisionClientError.Load(),
		ProvisionServerError: s.stats.provisionServerError.Load(),
		ConnectsRefused:      s.stats.connectsRefused.Load(),

		ConnectsThrottled:      s.stats.connectsThrottled.Load(),
		RegistrationsThrottled: s.stats.regsThrottled.Load(),
		ProvisionThrottled:     s.stats.provisionThrottled.Load(),
		PolicyDenials:          s.stats.policyDenials.Load(),
		ClientErrorDisconnects: s.stats.clientErrors.Load(),
		ClientIDTakeovers:      s.stats.takeovers.Load(),
		APIThrottled:           s.stats.apiThrottled.Load(),
		PublishesThrottled:     s.stats.publishesThrottled.Load(),
	}
}
