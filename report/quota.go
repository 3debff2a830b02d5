package report

import (
	"bytes"
	"fmt"
	"io"
	"math"
	"slices"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"
)

// Quota is one AWS IoT rate quota of an account and how many of its
// operations onboarding one device through JITP uses.
type Quota struct {
	// Name identifies the quota on the command line, e.g. connect_per_second.
	Name string
	// Description says what AWS limits.
	Description string
	// PerSecond is the account's quota in operations per second.
	PerSecond float64
	// PerDevice is how many operations onboarding one device uses; 0 leaves the quota out.
	PerDevice float64
}

// MaxConcurrentConnections is AWS's published default for concurrent MQTT
// connections per account, which bounds a fleet that stays connected.
const MaxConcurrentConnections = 500_000

// DefaultQuotas returns the rate quotas a JITP onboarding uses, with AWS's
// published default values (the November 2019 table; the current values of an
// account are in its Service Quotas console) and the uses per device of the
// classic walkthrough: two CONNECTs (the dropped first one and the reconnect),
// one certificate auto-registration, the template's RegisterThing run with its
// CreateThing, AttachPolicy, AttachThingPrincipal and certificate activation,
// then one SUBSCRIBE and one PUBLISH.
func DefaultQuotas() []Quota {
	return []Quota{
		{"register_thing_tps", "RegisterThing API, which runs the provisioning template", 10, 1},
		{"update_certificate_tps", "UpdateCertificate API, which activates the certificate", 10, 1},
		{"certificate_registrations_per_second", "device certificates registered per second", 15, 1},
		{"create_thing_tps", "CreateThing API", 15, 1},
		{"attach_policy_tps", "AttachPolicy API", 15, 1},
		{"attach_thing_principal_tps", "AttachThingPrincipal API", 15, 1},
		{"connect_per_second", "MQTT CONNECT requests per second per account", 500, 2},
		{"subscribe_per_second", "subscriptions per second per account", 500, 1},
		{"publish_in_per_second", "inbound publish requests per second per account", 20000, 1},
	}
}

// QuotaRow is one quota's bound on the onboarding rate.
type QuotaRow struct {
	Quota
	// DevicesPerSecond is the most devices per second the quota allows.
	DevicesPerSecond float64
	// Time is how long onboarding every device takes at that rate.
	Time time.Duration
}

// QuotaEstimate says which quota binds first when onboarding a fleet.
type QuotaEstimate struct {
	// Devices is the fleet size.
	Devices int
	// Rows holds every quota that applies, tightest first.
	Rows []QuotaRow
	// Binding is the quota that binds first (Rows[0]).
	Binding QuotaRow
}

// EstimateQuotas computes, for each quota with uses per device, the onboarding
// rate it allows and the time to onboard every device; the tightest binds.
func EstimateQuotas(devices int, quotas []Quota) (QuotaEstimate, error) {
	if devices < 1 {
		return QuotaEstimate{}, fmt.Errorf("devices must be at least 1, got %d", devices)
	}
	e := QuotaEstimate{Devices: devices}
	for _, q := range quotas {
		if q.PerDevice <= 0 {
			continue
		}
		if q.PerSecond <= 0 || math.IsInf(q.PerSecond, 0) || math.IsNaN(q.PerSecond) {
			return QuotaEstimate{}, fmt.Errorf("quota %s: want a positive rate, got %g", q.Name, q.PerSecond)
		}
		rate := q.PerSecond / q.PerDevice
		secs := float64(devices) / rate
		e.Rows = append(e.Rows, QuotaRow{Quota: q, DevicesPerSecond: rate,
			Time: time.Duration(math.Min(secs, math.MaxInt64/float64(time.Second)) * float64(time.Second)).Round(time.Second)})
	}
	if len(e.Rows) == 0 {
		return QuotaEstimate{}, fmt.Errorf("no quota applies: every quota has 0 uses per device")
	}
	slices.SortStableFunc(e.Rows, func(a, b QuotaRow) int {
		return cmpFloat(a.DevicesPerSecond, b.DevicesPerSecond)
	})
	e.Binding = e.Rows[0]
	return e, nil
}

func cmpFloat(a, b float64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// WriteQuotaText writes the estimate as a table, tightest quota first, and a
// closing line naming the binding quota and the shortest onboarding time.
func WriteQuotaText(w io.Writer, e QuotaEstimate) error {
	var b bytes.Buffer
	fmt.Fprintf(&b, "AWS IoT quota estimate for onboarding %d devices with JITP\n\n", e.Devices)
	width := len("quota")
	for _, r := range e.Rows {
		width = max(width, len(r.Name))
	}
	var table bytes.Buffer
	tw := tabwriter.NewWriter(&table, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintf(tw, "%-*s\tper second\tper device\tdevices/s\ttime for all\t\n", width, "quota")
	for i, r := range e.Rows {
		mark := ""
		if i == 0 {
			mark = "  <- binds first"
		}
		fmt.Fprintf(tw, "%-*s\t%g\t%g\t%.1f\t%s\t%s\n", width, r.Name, r.PerSecond, r.PerDevice, r.DevicesPerSecond, r.Time, mark)
	}
	_ = tw.Flush()
	writeTrimmed(&b, table.String())
	fmt.Fprintf(&b, "\nbinding quota: %s (%s): at most %.1f devices/s; shortest time to onboard %d devices: %s\n",
		e.Binding.Name, e.Binding.Description, e.Binding.DevicesPerSecond, e.Devices, e.Binding.Time)
	if e.Devices > MaxConcurrentConnections {
		fmt.Fprintf(&b, "note: %d devices exceed the default of %d concurrent connections per account; they cannot all stay connected\n",
			e.Devices, MaxConcurrentConnections)
	}
	b.WriteString("defaults are AWS's published quotas (Nov 2019); check your account's Service Quotas and override with --quota name=value\n")
	_, err := w.Write(b.Bytes())
	return err
}

// ParseQuotaOverride parses name=value and applies it to quotas: the rate per
// second, or with the prefix "uses:" (uses:connect_per_second=3) the uses per device.
func ParseQuotaOverride(quotas []Quota, arg string) error {
	name, value, ok := strings.Cut(arg, "=")
	if !ok {
		return fmt.Errorf("--quota %q: want name=value, e.g. connect_per_second=3000", arg)
	}
	uses := false
	if n, found := strings.CutPrefix(name, "uses:"); found {
		name, uses = n, true
	}
	v, err := strconv.ParseFloat(value, 64)
	if err != nil || v < 0 || math.IsInf(v, 0) || math.IsNaN(v) {
		return fmt.Errorf("--quota %q: want a non-negative number after =", arg)
	}
	for i := range quotas {
		if quotas[i].Name != name {
			continue
		}
		if uses {
			quotas[i].PerDevice = v
		} else {
			quotas[i].PerSecond = v
		}
		return nil
	}
	names := make([]string, len(quotas))
	for i, q := range quotas {
		names[i] = q.Name
	}
	if s, ok := Closest(name, names); ok {
		return fmt.Errorf("--quota %q: unknown quota %q (did you mean %s?)", arg, name, s)
	}
	return fmt.Errorf("--quota %q: unknown quota %q (quotas: %s)", arg, name, strings.Join(names, ", "))
}
