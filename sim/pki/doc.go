// Package pki provides in-memory certificate authorities and device identities
// for AWS IoT Just-in-Time Provisioning load tests, plus a small on-disk store
// so a later run can reuse the same CA and devices.
package pki
