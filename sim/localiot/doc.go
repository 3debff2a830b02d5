// Package localiot is a local stand-in for AWS IoT Core that load tests of Just-in-Time
// Provisioning (JITP) can run against without an AWS account.
//
// A Server is an in-process MQTT 3.1.1/5 broker (mochi-mqtt) behind mutual TLS, plus a
// Registry of CA certificates, device certificates, things and policies. The server presents
// a certificate from its own CA (see RootCAs, ServerCAPEM and ServerName); clients must
// present a certificate, which crypto/tls does not verify: the registry decides when CONNECT
// arrives, as AWS IoT does:
//
//   - A known ACTIVE certificate whose CA is ACTIVE is accepted (CONNACK success) when the
//     policies attached to it allow iot:Connect on client/<clientId>; otherwise the socket is
//     closed without CONNACK, as AWS does.
//   - An unknown certificate signed (checked by signature, not by name alone) by an ACTIVE CA
//     with auto-registration is registered PENDING_ACTIVATION exactly once, the event
//     $aws/events/certificates/registered/<caCertificateId> is published, the CA's template is
//     scheduled to run after Config.ProvisionDelay, and the socket is closed without CONNACK.
//     A CA without a template behaves like JITR: the certificate stays PENDING_ACTIVATION.
//   - Everything else (a PENDING_ACTIVATION, INACTIVE or REVOKED certificate, an unknown or
//     inactive CA, a CA without auto-registration, an expired certificate) is closed without
//     CONNACK and counted in Stats.ConnectsRefused. A PENDING_ACTIVATION certificate re-publishes
//     the registered event. A client that sends no certificate at all fails the TLS handshake.
//   - A socket that completes TLS but never sends CONNECT registers nothing and is closed after
//     Config.ConnectTimeout.
//
// The template run follows AWS's documented JITP workflow in one registry lock section: create
// the thing, or update an existing one as its OverrideSettings say, create the policy if absent,
// attach the policy to the certificate, attach the certificate to the thing, and set the
// certificate's status. Thing types, thing groups and billing groups the template names must
// exist (Registry.CreateThingType, CreateThingGroup, CreateBillingGroup), and so must a policy
// named by PolicyName. If the template fails (a parameter the certificate subject lacks, an
// unknown thing type or group, a missing policy, an invalid thing name, OverrideSettings FAIL on
// an existing thing), nothing is created, the certificate stays PENDING_ACTIVATION, the failure
// is counted as a ClientError or ServerError (Stats), logged, kept on the certificate
// (CertificateInfo.LastProvisionError) and in Server.ProvisionFailures.
//
// Policies: every request of an accepted connection is authorized against the AWS IoT policies
// attached to its certificate (package policy), unless Config.Authorizer replaces them
// (AllowAll{} allows everything): iot:Connect on client/<clientId>, iot:Publish (and
// iot:RetainPublish for a retained message) on topic/<topic>, iot:Subscribe on
// topicfilter/<filter> per filter, iot:Receive on topic/<topic> before each delivery. Each
// policy version is parsed once (cached in the registry); the policy variables of a connection
// (client ID, source IP, certificate subject and issuer, and the thing named by the client ID
// when the certificate is attached to it) are computed once at CONNECT. An MQTT 5 client gets
// PUBACK 0x87 for a denied QoS 1 PUBLISH (a QoS 0 one is dropped) and SUBACK 0x87 for a denied
// filter; an MQTT 3.1.1 client that publishes or subscribes without permission is disconnected,
// as AWS does. A denied Receive is not delivered. Denials are counted in Stats.PolicyDenials.
//
// MQTT rules, as AWS applies them: keepalive is clamped to 30-1200 s (0 means 1200; an MQTT 5
// client is told through Server Keep Alive in CONNACK) and a silent client is closed after 1.5
// times it; a PUBLISH or SUBSCRIBE with QoS 2, or a CONNECT whose will has QoS 2, closes the
// connection without any acknowledgement, and so does a payload over 128 KB (MQTT 5 clients past
// CONNECT get DISCONNECT 0x9B or 0x95 first; both count in Stats.ClientErrorDisconnects); a new
// connection with the client ID of a connected one closes the older one (MQTT 5: DISCONNECT
// 0x8E; Stats.ClientIDTakeovers). CONNECTs per client ID are limited to one per second only with
// Config.AWSLimits (Limits.ConnectsPerClientIDPerSecond; a throttled CONNECT is closed without
// CONNACK and counted in Stats.ConnectsThrottled): the zero Config leaves the limit off, because
// the harness's devices reconnect after a JITP drop (backoffs as low as 20 ms in tests) and its
// idempotency probe reconnects right after a session, both faster than AWS allows; jitpsim
// serve --aws-limits turns it on.
//
// Connections: TLS 1.2 and 1.3; the client certificate is requested and the chain may be the
// leaf alone or the leaf and its CA. The SNI host name and TLS version of every connection are
// logged at CONNECT and listed by Server.Connections. A CA registered in SNI_ONLY certificate
// mode (and every certificate registered under it) requires SNI: without it the connection is
// closed without CONNACK and nothing is registered. Moving a certificate out of ACTIVE with
// Server.UpdateCertificate closes its connections.
//
// Control plane: the Registry methods named after AWS IoT operations (RegisterCACertificate,
// DescribeCertificate, CreateThing, AttachPolicy, ...) validate their input as AWS does and
// fail with *Error values carrying AWS's exception names; package api serves them over HTTP in
// AWS's REST-JSON wire format. GetRegistrationCode's code is created once per registry.
//
// Persistence: with Config.StateDir the server CA (StateDir/server-ca) and the registry
// (StateDir/localiot.db, a bbolt file, mode 0600) survive restarts, so a second run sees every
// provisioned device ACTIVE. Every mutation stages the records it changed while it holds the
// registry lock; one writer goroutine group-commits what is staged in one transaction. The JITP
// path does not wait for the disk (write-behind, durable within one commit); control-plane
// calls wait for their commit (write-through); Close flushes. A registry.json of earlier
// versions is imported once and renamed registry.json.imported. Close runs the provisioning
// still waiting for its delay first. Certificates left PENDING_ACTIVATION (a failed template, a
// CA without template, or a process that died before its template ran) stay so: template runs
// are never resumed or retried, and such devices keep being refused.
//
// AWS-like limits: Config.AWSLimits turns on Limits (DefaultLimits: a provisioning delay
// uniform in 1-3 s, 500 CONNECTs/s per account, 1 CONNECT/s per client ID, 15 certificate
// auto-registrations/s, 10 template runs/s). A throttled CONNECT is closed without CONNACK; a
// throttled auto-registration too, with nothing registered, so the device's next connect
// retries it; a throttled template run is a ServerError that leaves the certificate
// PENDING_ACTIVATION (reference §3), counted in Stats.ProvisionThrottled. The control-plane API
// limits each operation to its published rate (Limits.APIRates, DefaultAPIRates; Server.AllowAPI):
// a call beyond it gets ThrottlingException, counted in Stats.APIThrottled.
//
// Deviations from AWS IoT Core so far:
//
//   - Policy changes (attach, detach, new documents) apply to the next request at once, while
//     a connection's thing variables keep their CONNECT-time values. A statement using a policy
//     variable the request cannot resolve does not match at all. Date and IP-address condition
//     operators and the .List form of multi-valued certificate fields are not supported; a
//     stored document the policy parser rejects grants nothing.
//   - The MQTT 5 reason codes for denied PUBLISH and SUBSCRIBE (0x87) and for QoS 2 and
//     oversized packets (0x9B, 0x95) are the specification's; AWS's are not documented.
//   - One account (123456789012) in one region (us-east-1): SNI is recorded and required for
//     SNI_ONLY certificates but routes nowhere; ARNs name us-east-1 whatever region a request
//     was signed for; no ALPN on port 443.
//   - OverrideSettings default to DO_NOTHING and apply only to properties the template sets;
//     FAIL fails whenever the thing exists; BillingGroup is set only on a thing without one; a
//     certificate's OverrideSettings never apply (JITP registers it itself). AWS documents none
//     of these details. Dynamic thing groups and thing type deprecation are not modelled.
//   - Template problems AWS might only find when provisioning (an unknown Fn:: function, a
//     malformed call, an invalid policy document) are InvalidTemplateError at registration.
//   - The template runs in-process after a fixed delay (a 1-3 s distribution with AWSLimits);
//     a certificate stuck in PENDING_ACTIVATION is never re-provisioned. The control-plane API
//     is rate-limited only with AWSLimits, one token bucket per operation holding one second's
//     worth of calls; AWS does not document its buckets' burst.
//   - Any packet over 192 KB is refused before it is buffered, by closing the connection.
//   - Event timestamps are epoch milliseconds; AWS's documentation does not state the unit.
//   - Lifecycle events only for connects and disconnects (no connect_failed, subscribe or
//     unsubscribe events); the control-plane API implements the operations listed in package api.
package localiot
