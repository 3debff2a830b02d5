// Package localiot is a local stand-in for AWS IoT Core that load tests of Just-in-Time
// Provisioning (JITP) can run against without an AWS account.
//
// A Server is an in-process MQTT 3.1.1/5 broker (mochi-mqtt) behind mutual TLS, plus a
// Registry of CA certificates, device certificates, things and policies. The server presents
// a certificate from its own CA (see RootCAs, ServerCAPEM and ServerName); clients must
// present a certificate, which crypto/tls does not verify: the registry decides when CONNECT
// arrives, as AWS IoT does:
//
//   - A known ACTIVE certificate whose CA is ACTIVE is accepted (CONNACK success).
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
// the thing if absent, create the policy if absent, attach the policy to the certificate, attach
// the certificate to the thing, and set the certificate ACTIVE. If the template fails (for
// example a parameter the certificate subject lacks), nothing is created, the certificate stays
// PENDING_ACTIVATION, the failure is counted as a ClientError or ServerError (Stats) and logged.
//
// With Config.StateDir the server CA and the registry (registry.json, written atomically with
// mode 0600 on Close) survive restarts, so a second run sees every provisioned device ACTIVE.
// Close runs the provisioning still waiting for its delay before saving. Certificates that are
// PENDING_ACTIVATION in the saved registry (a failed template, a CA without template, or a
// process that died without Close) stay PENDING_ACTIVATION: template runs are never resumed or
// retried, and such devices keep being refused.
//
// Deviations from AWS IoT Core so far:
//
//   - No policy enforcement: every ACTIVE certificate may connect, publish, subscribe and
//     receive. The Authorizer interface is the seam for policy evaluation.
//   - One account (123456789012) in one region (us-east-1); no SNI routing, no certificate
//     modes (SNI_ONLY), no ALPN on port 443, no verification certificate for CAs.
//   - OverrideSettings are ignored: an existing thing is reused as is (DO_NOTHING).
//   - The template runs in-process after a fixed delay; no throttling or token buckets, and a
//     certificate stuck in PENDING_ACTIVATION is never re-provisioned.
//   - Only Ref and Fn::Join among the intrinsic functions; no thing types, groups or billing groups.
//   - The MQTT limits of AWS (keepalive clamp, 128 KB payload, client-ID takeover rules, per-client
//     rates) are mochi's defaults, except QoS is capped at 1 and the limits set in capabilities.
//   - Event timestamps are epoch milliseconds; AWS's documentation does not state the unit.
//   - No control-plane HTTP API and no lifecycle events yet.
package localiot
