package localiot

import (
	"net"
	"runtime"
	"sync"
	"sync/atomic"
	"weak"

	mqtt "github.com/mochi-mqtt/server/v2"

	"github.com/jitpsim/jitpsim/sim/localiot/policy"
)

// session is the policy state of one accepted connection, computed once at CONNECT.
type session struct {
	principal Principal
	v5        bool

	// retain is the retain flag of the PUBLISH being processed; the connection's read
	// goroutine sets it in OnPacketRead and reads it in OnACLCheck.
	retain atomic.Bool

	// publishes is the connection's publish-rate bucket (Limits.PublishesPerConnectionPerSecond),
	// nil when that limit is off.
	publishes *tokenBucket

	// subscribing holds the decisions for the filters of the SUBSCRIBE being processed, from
	// OnSubscribe to OnSubscribed, so OnACLCheck can tell a subscribe check from a receive check.
	mu          sync.Mutex
	subscribing map[string]bool
}

// newSession computes the policy variables of an accepted connection.
func (s *Server) newSession(cl *mqtt.Client, certID string) *session {
	leaf := peerLeaf(cl)
	vars := policy.CertificateVariables(leaf)
	vars[policy.VarClientID] = cl.ID
	vars[policy.VarCertificateID] = certID
	if host, _, err := net.SplitHostPort(cl.Net.Remote); err == nil {
		vars[policy.VarSourceIP] = host
	}
	s.reg.addThingVars(certID, cl.ID, vars)
	return &session{
		principal: Principal{CertificateID: certID, Certificate: leaf, ClientID: cl.ID, Vars: vars},
		v5:        cl.Properties.ProtocolVersion >= 5,
		publishes: s.lim.newPublishBucket(),
	}
}

// subscribeDecision returns the decision OnSubscribe took for filter, if a SUBSCRIBE is being processed.
func (se *session) subscribeDecision(filter string) (allowed, found bool) {
	se.mu.Lock()
	defer se.mu.Unlock()
	allowed, found = se.subscribing[filter]
	return allowed, found
}

// setSubscribing records (or, with nil, clears) the decisions of the SUBSCRIBE being processed.
func (se *session) setSubscribing(decisions map[string]bool) {
	se.mu.Lock()
	se.subscribing = decisions
	se.mu.Unlock()
}

// sessionTable maps mochi clients to their sessions without keeping the clients alive: keys
// are weak pointers, and an entry is removed on disconnect or, should mochi drop a client
// without OnDisconnect (a failed CONNACK write), when the client is garbage collected.
type sessionTable struct {
	m sync.Map // weak.Pointer[mqtt.Client] -> *session
}

// put records the session of cl.
func (t *sessionTable) put(cl *mqtt.Client, se *session) {
	key := weak.Make(cl)
	t.m.Store(key, se)
	runtime.AddCleanup(cl, func(k weak.Pointer[mqtt.Client]) { t.m.Delete(k) }, key)
}

// get returns the session of cl.
func (t *sessionTable) get(cl *mqtt.Client) (*session, bool) {
	v, ok := t.m.Load(weak.Make(cl))
	if !ok {
		return nil, false
	}
	return v.(*session), true
}

// remove forgets the session of cl.
func (t *sessionTable) remove(cl *mqtt.Client) { t.m.Delete(weak.Make(cl)) }
