// Package report turns device observations into latency histograms, outcome
// counts, gate verdicts and the run's output files. It knows nothing of MQTT or
// TLS: the simulator hands it one Observation per device.
package report

import "time"

// Phase names one measured interval of a device's JITP session.
type Phase int

// The measured phases, in the order a device passes through them.
const (
	// PhaseConnect is dial plus TLS handshake of the first attempt.
	PhaseConnect Phase = iota
	// PhaseDrop runs from the first dial to the expected drop of the first connection.
	PhaseDrop
	// PhaseProvision runs from the first dial to the CONNACK that succeeded.
	PhaseProvision
	// PhasePublish runs from PUBLISH to PUBACK.
	PhasePublish
	// PhaseEcho runs from PUBLISH to the device receiving its own message.
	PhaseEcho
	// PhaseTotal runs from the first dial to the clean disconnect.
	PhaseTotal
	// PhaseSchedulerLag is how late the device started against the arrival
	// schedule; a growing lag means the harness itself could not keep up.
	PhaseSchedulerLag
	// NumPhases is the number of phases.
	NumPhases
)

var phaseNames = [NumPhases]string{"connect", "drop", "provision", "publish", "echo", "total", "scheduler_lag"}

// String returns the phase's name as used in reports and gate expressions.
func (p Phase) String() string {
	if p < 0 || p >= NumPhases {
		return "unknown"
	}
	return phaseNames[p]
}

// Phases returns every phase in order.
func Phases() []Phase {
	ps := make([]Phase, NumPhases)
	for i := range ps {
		ps[i] = Phase(i)
	}
	return ps
}

// ParsePhase returns the phase with the given name.
func ParsePhase(name string) (Phase, bool) {
	for i, n := range phaseNames {
		if n == name {
			return Phase(i), true
		}
	}
	return 0, false
}

// Outcome says how a device's session ended.
type Outcome string

// Outcomes a device can end with.
const (
	// OutcomeProvisioned: dropped once as expected, then connected, published and got its echo.
	OutcomeProvisioned Outcome = "provisioned"
	// OutcomeAlreadyProvisioned: connected at once without a drop (identity provisioned before).
	OutcomeAlreadyProvisioned Outcome = "already_provisioned"
	// OutcomeNoDrop: a drop was expected on the first connect and did not come.
	OutcomeNoDrop Outcome = "no_drop"
	// OutcomeRejectedTLS: the TLS layer refused the device.
	OutcomeRejectedTLS Outcome = "rejected_tls"
	// OutcomeRejectedConnect: the broker refused CONNECT after provisioning should have finished.
	OutcomeRejectedConnect Outcome = "rejected_connect"
	// OutcomeThrottled: the target refused CONNECT for a rate or quota limit
	// (MQTT 5 CONNACK 0x97 quota exceeded or 0x9F connection rate exceeded).
	OutcomeThrottled Outcome = "throttled"
	// OutcomeTimeout: a phase did not finish within its timeout.
	OutcomeTimeout Outcome = "timeout"
	// OutcomeSubscribeDenied: SUBSCRIBE was refused.
	OutcomeSubscribeDenied Outcome = "subscribe_denied"
	// OutcomePublishDenied: PUBLISH was refused.
	OutcomePublishDenied Outcome = "publish_denied"
	// OutcomeEchoLost: PUBACK came but the device never received its own message.
	OutcomeEchoLost Outcome = "echo_lost"
	// OutcomeReconnectExhausted: every reconnect attempt after the drop failed.
	OutcomeReconnectExhausted Outcome = "reconnect_exhausted"
	// OutcomeInterrupted: the run was stopped before the device finished.
	OutcomeInterrupted Outcome = "interrupted"
	// OutcomeError: anything else; the reason says what.
	OutcomeError Outcome = "error"
)

// Outcomes lists every outcome in report order.
func Outcomes() []Outcome {
	return []Outcome{OutcomeProvisioned, OutcomeAlreadyProvisioned, OutcomeNoDrop, OutcomeRejectedTLS,
		OutcomeRejectedConnect, OutcomeThrottled, OutcomeTimeout, OutcomeSubscribeDenied, OutcomePublishDenied, OutcomeEchoLost,
		OutcomeReconnectExhausted, OutcomeInterrupted, OutcomeError}
}

// Success reports whether the outcome counts as a device that works.
func (o Outcome) Success() bool {
	return o == OutcomeProvisioned || o == OutcomeAlreadyProvisioned
}

// Observation is what one device reports at the end of its session: the
// duration of each phase it reached and how it ended.
type Observation struct {
	// Index is the device's index in the fleet.
	Index int
	// Name is the device's name (its certificate CN and client ID).
	Name string
	// Start is the wall-clock time the device started (for time series).
	Start time.Time
	// TLSVersion is the TLS version negotiated on the device's last
	// connection (tls.VersionTLS12, tls.VersionTLS13), 0 when none completed.
	TLSVersion uint16
	// Durations holds each phase's duration; Has marks the phases that were reached.
	Durations [NumPhases]time.Duration
	// Has marks which entries of Durations are set.
	Has [NumPhases]bool
	// Drops counts connections the broker closed without CONNACK.
	Drops int
	// Attempts counts connection attempts, including the idempotency probe.
	Attempts int
	// IdempotencyChecked is true when the device ran the reconnect probe.
	IdempotencyChecked bool
	// IdempotencyViolated is true when the probe reconnect was dropped or
	// refused. It does not change Outcome, which describes the main session.
	IdempotencyViolated bool
	// Outcome is how the session ended.
	Outcome Outcome
	// Reason is a short explanation for outcomes other than success.
	Reason string
}

// Set records the duration of a phase.
func (o *Observation) Set(p Phase, d time.Duration) {
	o.Durations[p] = d
	o.Has[p] = true
}
