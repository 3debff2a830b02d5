// Package awsiot runs the AWS IoT control-plane operations of a JITP load test
// over aws-sdk-go-v2: registering the device CA with its provisioning
// template, checking what JITP created for every device of a run, and
// removing it again. The same code talks to AWS and to the local stand-in's
// API (`jitpsim serve`), which speaks AWS IoT's wire format; only the
// endpoint differs (Config.EndpointURL).
//
// Every call goes through Client.call: a client-side limiter per operation
// paces calls to AWS's published rate for that operation (DefaultRates,
// overridable), and a throttled or transient failure is retried with
// exponential backoff and full jitter. The SDK's own retryer is switched off
// (aws.NopRetryer): its client-side retry quota gives up under sustained
// throttling ("retry quota exceeded"), and its attempts are invisible. Here
// every attempt, throttle and retry is counted per operation (Client.Stats).
//
// Verify checks, for each device of a run, that its certificate is ACTIVE
// under the run's CA, that exactly one thing is attached to it, named as the
// template says and with the template's attributes, and that the template's
// policies are attached. It lists the CA's certificates once (250 per call)
// instead of describing each, so a device costs three calls:
// ListPrincipalThings, DescribeThing and ListAttachedPolicies.
//
// Cleanup removes what JITP created for one certificate, in the order AWS
// requires: set it INACTIVE, detach its policies and things, delete it, then
// delete each detached thing that has no other principal left. Every step
// treats "not found" as already done, so a cleanup that was interrupted
// simply runs again.
package awsiot
