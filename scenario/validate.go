package scenario

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/jitpsim/jitpsim/report"
)

// Defaults applied to fields a scenario leaves out.
const (
	DefaultNamePattern    = "device-{index:06}"
	DefaultKeyType        = "ec-p256"
	DefaultCACommonName   = "jitpsim device CA"
	DefaultRate           = 50
	DefaultProvisionDelay = 100 * time.Millisecond
	DefaultBackoff        = 250 * time.Millisecond
	DefaultMaxAttempts    = 5
	DefaultTimeout        = 10 * time.Second
	DefaultKeepAlive      = 60 * time.Second
	DefaultTopic          = "jitp_test"
	DefaultPayload        = `{"success":"JITP works!"}`
	// MaxDevices bounds devices.count; larger fleets shard across processes.
	MaxDevices = 10_000_000
)

var keyTypes = []string{"ec-p256", "rsa-2048"}

// validate fills defaults and checks every field, naming the line of the first
// problem.
func (d *decoder) validate(s *Scenario) error {
	if s.Name == "" {
		s.Name = strings.TrimSuffix(filepath.Base(d.file), filepath.Ext(d.file))
		if s.Name == "" || s.Name == "." {
			s.Name = "scenario"
		}
	}
	dv := &s.Devices
	if err := d.validateCapacity(s); err != nil {
		return err
	}
	if _, ok := d.pos["devices.count"]; !ok && s.Capacity == nil {
		return d.errAt("devices.count", "missing: set the number of devices to run, e.g. devices: {count: 100}")
	}
	if dv.Count < 1 || dv.Count > MaxDevices {
		return d.errAt("devices.count", "must be between 1 and %d, got %d", MaxDevices, dv.Count)
	}
	if dv.KeyPool < 0 {
		return d.errAt("devices.key_pool", "must not be negative, got %d", dv.KeyPool)
	}
	if dv.FirstIndex < 0 {
		return d.errAt("devices.first_index", "must not be negative, got %d", dv.FirstIndex)
	}
	if dv.NamePattern == "" {
		dv.NamePattern = DefaultNamePattern
	}
	if err := CheckPattern(dv.NamePattern, false); err != nil {
		return d.errAt("devices.name_pattern", "%v", err)
	}
	if dv.Count > 1 && !strings.Contains(dv.NamePattern, "{index") {
		return d.errAt("devices.name_pattern", "%q gives every device the same name: add {index} or {index:06}", dv.NamePattern)
	}
	if err := d.keyType(&dv.KeyType, "devices.key_type"); err != nil {
		return err
	}
	for field, v := range map[string]string{
		"country": dv.Subject.Country, "state": dv.Subject.State, "locality": dv.Subject.Locality,
		"organization": dv.Subject.Organization, "organizational_unit": dv.Subject.OrganizationalUnit,
		"dn_qualifier": dv.Subject.DNQualifier, "serial_number": dv.Subject.SerialNumber,
	} {
		if err := CheckPattern(v, false); err != nil {
			return d.errAt("devices.subject."+field, "%v", err)
		}
	}
	if len(dv.Subject.Country) > 0 && len(dv.Subject.Country) != 2 {
		return d.errAt("devices.subject.country", "want a two-letter country code such as US, got %q", dv.Subject.Country)
	}

	if err := d.validateCA(s); err != nil {
		return err
	}

	if err := d.validateArrival(&s.Arrival); err != nil {
		return err
	}

	if err := d.validateTarget(s); err != nil {
		return err
	}
	_, s.Target.ProvisionDelaySet = d.pos["target.provision_delay"]
	if !s.Target.ProvisionDelaySet {
		s.Target.ProvisionDelay = DefaultProvisionDelay
	}
	if s.Target.ProvisionDelay < 0 {
		return d.errAt("target.provision_delay", "must not be negative")
	}
	for i, a := range s.Target.SourceAddresses {
		if _, err := ParseAddresses(a); err != nil {
			return d.errAt(fmt.Sprintf("target.source_addresses[%d]", i), "%v", err)
		}
	}

	if err := d.validateBehaviour(&s.Device); err != nil {
		return err
	}
	d.awsBehaviourDefaults(s)

	if s.Template.File != "" && s.Template.Inline != nil {
		return d.errAt("template", "set either file or inline, not both")
	}
	if s.Template.File != "" {
		if _, err := os.Stat(s.Path(s.Template.File)); err != nil {
			return d.errAt("template.file", "cannot read template: %v", err)
		}
	}

	s.Gates = s.Gates[:0]
	for i, expr := range s.Thresholds {
		g, err := report.ParseGate(expr)
		if err != nil {
			return d.errAt(fmt.Sprintf("thresholds[%d]", i), "%v", err)
		}
		s.Gates = append(s.Gates, g)
	}
	return nil
}

func (d *decoder) validateCA(s *Scenario) error {
	ca := &s.CA
	if ca.CommonName == "" {
		ca.CommonName = DefaultCACommonName
	}
	if err := d.keyType(&ca.KeyType, "ca.key_type"); err != nil {
		return err
	}
	if (ca.CertFile == "") != (ca.KeyFile == "") {
		return d.errAt("ca", "set both cert_file and key_file to load a CA, or neither to generate one")
	}
	for field, p := range map[string]string{"ca.cert_file": ca.CertFile, "ca.key_file": ca.KeyFile} {
		if p == "" {
			continue
		}
		if _, err := os.Stat(s.Path(p)); err != nil {
			return d.errAt(field, "cannot read %s: %v", p, err)
		}
	}
	return nil
}

func (d *decoder) validateBehaviour(b *Behaviour) error {
	set := func(field string) bool { _, ok := d.pos["device."+field]; return ok }
	if !set("backoff") {
		b.Backoff = DefaultBackoff
	}
	if b.Backoff < 0 {
		return d.errAt("device.backoff", "must not be negative")
	}
	if !set("max_attempts") {
		b.MaxAttempts = DefaultMaxAttempts
	}
	if b.MaxAttempts < 2 {
		return d.errAt("device.max_attempts", "must be at least 2 (JITP drops the first connection), got %d", b.MaxAttempts)
	}
	if !set("timeout") {
		b.Timeout = DefaultTimeout
	}
	if b.Timeout <= 0 {
		return d.errAt("device.timeout", "must be positive")
	}
	if !set("keepalive") {
		b.KeepAlive = DefaultKeepAlive
	}
	if b.KeepAlive < time.Second || b.KeepAlive > 65535*time.Second {
		return d.errAt("device.keepalive", "must be between 1s and 65535s, got %s", b.KeepAlive)
	}
	if b.Topic == "" {
		b.Topic = DefaultTopic
	}
	if err := CheckPattern(b.Topic, true); err != nil {
		return d.errAt("device.topic", "%v", err)
	}
	if strings.ContainsAny(b.Topic, "+#") {
		return d.errAt("device.topic", "%q is a filter: the device publishes to it, so no + or #", b.Topic)
	}
	if !set("payload") {
		b.Payload = DefaultPayload
	}
	return d.validateDeviceExtras(b)
}

func (d *decoder) keyType(v *string, field string) error {
	if *v == "" {
		*v = DefaultKeyType
	}
	for _, k := range keyTypes {
		if *v == k {
			return nil
		}
	}
	msg := fmt.Sprintf("unknown key type %q (valid: %s)", *v, strings.Join(keyTypes, ", "))
	if s := suggest(*v, append([]string(nil), keyTypes...)); s != "" {
		msg = fmt.Sprintf("unknown key type %q (did you mean %q?)", *v, s)
	}
	return d.errAt(field, "%s", msg)
}

// Override replaces the device count and arrival rate when they are positive,
// as the --devices and --rate flags do.
func (s *Scenario) Override(devices int, rate float64) error {
	if devices < 0 || devices > MaxDevices {
		return fmt.Errorf("--devices must be between 1 and %d, got %d", MaxDevices, devices)
	}
	if rate < 0 {
		return fmt.Errorf("--rate must be positive, got %g", rate)
	}
	if devices > 0 {
		if devices > 1 && !strings.Contains(s.Devices.NamePattern, "{index") {
			return fmt.Errorf("--devices %d: name_pattern %q has no {index}", devices, s.Devices.NamePattern)
		}
		s.Devices.Count = devices
	}
	if rate > 0 {
		if s.Arrival.Model != ModelOpen || len(s.Arrival.Stages) > 0 || s.Arrival.Burst != nil {
			return fmt.Errorf("--rate %g: the scenario's arrival is not a constant rate (stages, burst or closed model)", rate)
		}
		s.Arrival.Rate = rate
	}
	return nil
}
