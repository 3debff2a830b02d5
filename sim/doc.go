// Package sim runs simulated IoT devices through AWS IoT Just-in-Time
// Provisioning. A Device runs on a goroutine of its own, with its own
// identity and its own MQTT connections over the raw paho.golang client; in
// the optional hold phase timers drive it instead, so a held connection costs
// only paho's reader and router goroutines. A device dials and handshakes
// itself so every phase is timed, expects the first connection to be dropped
// while the target provisions it, reconnects after a backoff, subscribes,
// publishes, waits for its own message and, as an idempotency probe,
// reconnects once more expecting no drop. A Fleet starts devices on an open
// arrival schedule and hands each device's Observation to a report.Recorder.
package sim
