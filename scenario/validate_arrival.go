package scenario

import (
	"fmt"
	"time"
)

// validateArrival checks the arrival model and fills its defaults.
func (d *decoder) validateArrival(a *Arrival) error {
	set := func(field string) bool { _, ok := d.pos["arrival."+field]; return ok }
	if a.Model == "" {
		a.Model = ModelOpen
	}
	switch a.Model {
	case ModelOpen:
		if a.Concurrency != 0 {
			return d.errAt("arrival.concurrency", "applies to the closed model only (set model: closed)")
		}
		shapes := 0
		for _, f := range []string{"rate", "stages", "burst"} {
			if set(f) {
				shapes++
			}
		}
		if shapes > 1 {
			return d.errAt("arrival", "set one of rate, stages or burst")
		}
		if set("start_rate") && !set("stages") {
			return d.errAt("arrival.start_rate", "applies to stages only")
		}
		if shapes == 0 {
			a.Rate = DefaultRate
		}
		if set("rate") && a.Rate <= 0 {
			return d.errAt("arrival.rate", "must be a positive number of devices per second, got %g", a.Rate)
		}
		if err := d.validateStages(a); err != nil {
			return err
		}
		if a.Burst != nil {
			if a.Burst.Size < 1 {
				return d.errAt("arrival.burst.size", "must be at least 1, got %d", a.Burst.Size)
			}
			if a.Burst.Every <= 0 {
				return d.errAt("arrival.burst.every", "must be a positive duration such as 5s")
			}
		}
		if a.MaxInFlight < 0 {
			return d.errAt("arrival.max_in_flight", "must not be negative (0 = no cap)")
		}
	case ModelClosed:
		for _, f := range []string{"rate", "stages", "burst", "start_rate", "max_in_flight"} {
			if set(f) {
				return d.errAt("arrival."+f, "applies to the open model only; the closed model uses concurrency")
			}
		}
		if a.Concurrency < 1 {
			return d.errAt("arrival.concurrency", "the closed model needs concurrency of at least 1, got %d", a.Concurrency)
		}
	default:
		return d.errAt("arrival.model", "unknown model %q (valid: open, closed)", a.Model)
	}
	return nil
}

func (d *decoder) validateStages(a *Arrival) error {
	if a.StartRate < 0 {
		return d.errAt("arrival.start_rate", "must not be negative")
	}
	var total time.Duration
	peak := a.StartRate
	for i, st := range a.Stages {
		field := fmt.Sprintf("arrival.stages[%d]", i)
		if st.Duration < 0 {
			return d.errAt(field+".duration", "must not be negative")
		}
		if st.Rate < 0 {
			return d.errAt(field+".rate", "must not be negative")
		}
		total += st.Duration
		peak = max(peak, st.Rate)
	}
	if _, ok := d.pos["arrival.stages"]; ok && (total <= 0 || peak <= 0) {
		return d.errAt("arrival.stages", "the stages start no device: give them a duration and a positive rate")
	}
	return nil
}

// validateDeviceExtras checks backoff policy, hold and TLS options.
func (d *decoder) validateDeviceExtras(b *Behaviour) error {
	if b.BackoffPolicy == "" {
		b.BackoffPolicy = BackoffConstant
	}
	switch b.BackoffPolicy {
	case BackoffConstant:
		if b.BackoffMax != 0 {
			return d.errAt("device.backoff_max", "applies to backoff_policy: exponential only")
		}
	case BackoffExponential:
		if b.BackoffMax == 0 {
			b.BackoffMax = 30 * time.Second
		}
		if b.BackoffMax < b.Backoff {
			return d.errAt("device.backoff_max", "must be at least device.backoff (%s)", b.Backoff)
		}
	default:
		return d.errAt("device.backoff_policy", "unknown policy %q (valid: constant, exponential)", b.BackoffPolicy)
	}
	if b.BackoffJitter < 0 || b.BackoffJitter > 1 {
		return d.errAt("device.backoff_jitter", "must be a fraction from 0 to 1, got %g", b.BackoffJitter)
	}
	if b.Hold.Duration < 0 {
		return d.errAt("device.hold.duration", "must not be negative")
	}
	if b.Hold.PublishEvery < 0 {
		return d.errAt("device.hold.publish_every", "must not be negative")
	}
	if b.Hold.PublishEvery > 0 && b.Hold.Duration == 0 {
		return d.errAt("device.hold.publish_every", "needs device.hold.duration")
	}
	if b.TLS.MinVersion == "" {
		b.TLS.MinVersion = "1.2"
	}
	if b.TLS.MaxVersion == "" {
		b.TLS.MaxVersion = "1.3"
	}
	minV, ok1 := TLSVersions[b.TLS.MinVersion]
	maxV, ok2 := TLSVersions[b.TLS.MaxVersion]
	if !ok1 {
		return d.errAt("device.tls.min_version", "unknown TLS version %q (valid: 1.2, 1.3)", b.TLS.MinVersion)
	}
	if !ok2 {
		return d.errAt("device.tls.max_version", "unknown TLS version %q (valid: 1.2, 1.3)", b.TLS.MaxVersion)
	}
	if minV > maxV {
		return d.errAt("device.tls", "min_version %s is above max_version %s", b.TLS.MinVersion, b.TLS.MaxVersion)
	}
	for i, c := range b.TLS.Curves {
		if _, ok := Curves[c]; !ok {
			return d.errAt(fmt.Sprintf("device.tls.curves[%d]", i), "unknown curve %q (valid: x25519mlkem768, x25519, p256, p384, p521)", c)
		}
	}
	return nil
}

// TLSVersions maps the scenario's TLS version names to crypto/tls constants
// (the values of tls.VersionTLS12 and tls.VersionTLS13).
var TLSVersions = map[string]uint16{"1.2": 0x0303, "1.3": 0x0304}

// Curves maps the scenario's curve names to crypto/tls CurveID values.
var Curves = map[string]uint16{"x25519mlkem768": 4588, "x25519": 29, "p256": 23, "p384": 24, "p521": 25}
