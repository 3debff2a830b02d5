package localiot

import (
	"encoding/json"
	"strconv"
	"time"
)

// RegisteredEventTopicPrefix starts the topic AWS IoT publishes auto-registration events on;
// the CA certificate ID completes it.
const RegisteredEventTopicPrefix = "$aws/events/certificates/registered/"

// RegisteredEventTopic returns $aws/events/certificates/registered/<caCertificateId>.
func RegisteredEventTopic(caID string) string { return RegisteredEventTopicPrefix + caID }

// RegisteredEvent is the payload AWS IoT publishes when it auto-registers a device certificate,
// or when a device presents a certificate that is still PENDING_ACTIVATION.
type RegisteredEvent struct {
	// CertificateID is the device certificate's ID.
	CertificateID string `json:"certificateId"`
	// CACertificateID is the ID of the CA that signed it.
	CACertificateID string `json:"caCertificateId"`
	// Timestamp is when the event was published, in epoch milliseconds.
	Timestamp int64 `json:"timestamp"`
	// CertificateStatus is PENDING_ACTIVATION.
	CertificateStatus string `json:"certificateStatus"`
	// AWSAccountID is the account the certificate was registered in.
	AWSAccountID string `json:"awsAccountId"`
	// CertificateRegistrationTimestamp is when the certificate was registered, epoch milliseconds as a string.
	CertificateRegistrationTimestamp string `json:"certificateRegistrationTimestamp"`
}

// publishRegistered publishes the registration event of a certificate through the broker's inline client.
func (s *Server) publishRegistered(certID, caID string, registered time.Time) {
	ev := RegisteredEvent{
		CertificateID:                    certID,
		CACertificateID:                  caID,
		Timestamp:                        time.Now().UnixMilli(),
		CertificateStatus:                StatusPendingActivation,
		AWSAccountID:                     AccountID,
		CertificateRegistrationTimestamp: strconv.FormatInt(registered.UnixMilli(), 10),
	}
	payload, err := json.Marshal(ev)
	if err != nil {
		s.log.Warn("publish registration event", "cert", certID, "err", err)
		return
	}
	s.publishEvent(RegisteredEventTopic(caID), payload)
}

// publishEvent publishes an AWS IoT event (QoS 0, not retained) through the broker's inline
// client; a failure is logged. mochi fans the message out in the calling goroutine but never
// waits for a subscriber: each delivery is queued on the subscriber's write queue, or dropped
// when that queue is full (Capabilities.MaximumClientWritesPending).
func (s *Server) publishEvent(topic string, payload []byte) {
	if err := s.broker.Publish(topic, payload, false, 0); err != nil {
		s.log.Warn("publish event", "topic", topic, "err", err)
	}
}
