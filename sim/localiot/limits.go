package localiot

import (
	"math/rand/v2"
	"time"

	"github.com/jitpsim/jitpsim/sim/localiot/template"
)

// errRegisterThingThrottled fails a template run that exceeds Limits.RegisterThingPerSecond.
var errRegisterThingThrottled = &template.ProvisionError{Kind: template.ServerError, Msg: "throttled: RegisterThing rate exceeded; the certificate stays PENDING_ACTIVATION"}

// Limits are the AWS IoT Core quotas the stand-in enforces when Config.AWSLimits is set. A rate
// of zero or less turns that limit off. DefaultLimits returns AWS's published defaults.
type Limits struct {
	// ProvisionDelayMin and ProvisionDelayMax bound the uniformly distributed delay between a
	// certificate's registration and its template run (AWS: "typically completes within 1-3 seconds").
	ProvisionDelayMin, ProvisionDelayMax time.Duration
	// ConnectsPerSecond is the account-wide CONNECT rate (AWS quota: 500/s; the burst is one second's worth).
	ConnectsPerSecond float64
	// ConnectsPerClientIDPerSecond limits CONNECTs with the same client ID (AWS: 1/s, not adjustable).
	ConnectsPerClientIDPerSecond float64
	// RegistrationsPerSecond limits certificate auto-registrations (AWS: 15 device certificates/s).
	RegistrationsPerSecond float64
	// RegisterThingPerSecond limits template runs (AWS: RegisterThing 10 TPS).
	RegisterThingPerSecond float64
	// PublishesPerConnectionPerSecond limits the PUBLISH packets one connection sends and receives
	// together (AWS: 100/s, not adjustable; "exceeding … will be discarded"). A discarded inbound
	// QoS 1 PUBLISH gets no PUBACK and a discarded delivery is not sent; the connection stays up.
	PublishesPerConnectionPerSecond float64
	// APIRates limits each control-plane operation, by name, to its calls per second; an
	// operation without an entry is not limited (see DefaultAPIRates and Server.AllowAPI).
	APIRates map[string]float64
}

// DefaultLimits returns AWS IoT Core's default quotas (reference §3, 2019 published values) and
// a provisioning delay uniform between 1 s and 3 s.
func DefaultLimits() Limits {
	return Limits{
		ProvisionDelayMin:               time.Second,
		ProvisionDelayMax:               3 * time.Second,
		ConnectsPerSecond:               500,
		ConnectsPerClientIDPerSecond:    1,
		RegistrationsPerSecond:          15,
		RegisterThingPerSecond:          10,
		PublishesPerConnectionPerSecond: 100,
		APIRates:                        DefaultAPIRates(),
	}
}

// limiters holds the token buckets of Limits; a nil *limiters (AWSLimits off) allows everything.
type limiters struct {
	cfg           Limits
	now           func() time.Time
	connects      *tokenBucket
	perClientID   *keyedLimiter
	registrations *tokenBucket
	registerThing *tokenBucket
	api           map[string]*tokenBucket
}

// newLimiters builds the token buckets of l.
func newLimiters(l Limits) *limiters {
	lim := &limiters{cfg: l, now: time.Now}
	if l.ConnectsPerSecond > 0 {
		lim.connects = newTokenBucket(l.ConnectsPerSecond, l.ConnectsPerSecond)
	}
	if l.ConnectsPerClientIDPerSecond > 0 {
		lim.perClientID = newKeyedLimiter(time.Duration(float64(time.Second) / l.ConnectsPerClientIDPerSecond))
	}
	if l.RegistrationsPerSecond > 0 {
		lim.registrations = newTokenBucket(l.RegistrationsPerSecond, l.RegistrationsPerSecond)
	}
	if l.RegisterThingPerSecond > 0 {
		lim.registerThing = newTokenBucket(l.RegisterThingPerSecond, l.RegisterThingPerSecond)
	}
	lim.api = apiBuckets(l.APIRates)
	return lim
}

// allowConnect applies the per-client-ID and the account-wide CONNECT limits; it returns the
// reason when the CONNECT is throttled.
func (l *limiters) allowConnect(clientID string) (reason string, ok bool) {
	if l == nil {
		return "", true
	}
	now := l.now()
	if l.perClientID != nil && !l.perClientID.allow(clientID, now) {
		return "throttled: more than one CONNECT per second for client ID " + clientID, false
	}
	if l.connects != nil && !l.connects.allow(now) {
		return "throttled: account CONNECT rate exceeded", false
	}
	return "", true
}

// newPublishBucket returns the per-connection publish bucket, or nil when that limit is off.
func (l *limiters) newPublishBucket() *tokenBucket {
	if l == nil || l.cfg.PublishesPerConnectionPerSecond <= 0 {
		return nil
	}
	r := l.cfg.PublishesPerConnectionPerSecond
	return newTokenBucket(r, r)
}

// allowPublish takes one publish from a connection's bucket; it counts and refuses a publish
// over the per-connection rate.
func (s *Server) allowPublish(se *session) bool {
	if se == nil || se.publishes == nil || se.publishes.allow(s.lim.now()) {
		return true
	}
	s.stats.publishesThrottled.Add(1)
	return false
}

// allowRegistration applies the certificate auto-registration limit.
func (l *limiters) allowRegistration() bool {
	return l == nil || l.registrations == nil || l.registrations.allow(l.now())
}

// allowRegisterThing applies the template-run (RegisterThing) limit.
func (l *limiters) allowRegisterThing() bool {
	return l == nil || l.registerThing == nil || l.registerThing.allow(l.now())
}

// provisionDelay returns the wait before a template run: Config.ProvisionDelay without limits,
// otherwise a uniform draw from [ProvisionDelayMin, ProvisionDelayMax].
func (s *Server) provisionDelay() time.Duration {
	if s.lim == nil {
		return s.cfg.ProvisionDelay
	}
	lo, hi := s.lim.cfg.ProvisionDelayMin, s.lim.cfg.ProvisionDelayMax
	if hi <= lo {
		return lo
	}
	return lo + rand.N(hi-lo+1)
}

// throttleRegisterThing returns a ServerError when the template-run limit is exceeded; AWS then
// leaves the certificate PENDING_ACTIVATION (reference §3), and so does the stand-in.
func (s *Server) throttleRegisterThing() error {
	if s.lim.allowRegisterThing() {
		return nil
	}
	s.stats.provisionThrottled.Add(1)
	return errRegisterThingThrottled
}
