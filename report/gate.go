package report

import (
	"errors"
	"fmt"
	"math"
	"math/big"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Gate is a parsed threshold expression such as "provision.p99 < 2s". Its
// Threshold is in the metric's base unit: milliseconds for latencies, a ratio
// 0..1 for rate.*, a plain count otherwise.
type Gate struct {
	// Expr is the expression as written, without surrounding whitespace.
	Expr string `json:"expr"`
	// Metric is the metric's name, such as provision.p99.
	Metric string `json:"metric"`
	// Op is one of <, <=, >, >=, == and !=.
	Op string `json:"op"`
	// Threshold is the value the metric is compared with, in the metric's base unit.
	Threshold float64 `json:"threshold"`
}

// gateOps lists the comparison operators a gate may use.
var gateOps = []string{"<", "<=", ">", ">=", "==", "!="}

const opChars = "<>=!"

// ParseGate parses "<metric> <op> <value>[unit]", for example
// "provision.p99 < 2s", "rate.success >= 99.5%" or "outcome.timeout == 0".
func ParseGate(expr string) (Gate, error) {
	e := strings.TrimSpace(expr)
	if e == "" {
		return Gate{}, errors.New("empty gate expression")
	}
	i := strings.IndexAny(e, opChars)
	if i < 0 {
		return Gate{}, fmt.Errorf("gate %q: missing comparison operator (want one of %s)", e, opList())
	}
	j := i
	for j < len(e) && strings.IndexByte(opChars, e[j]) >= 0 {
		j++
	}
	g := Gate{Expr: e, Metric: strings.TrimSpace(e[:i]), Op: e[i:j]}
	value := strings.TrimSpace(e[j:])

	if g.Metric == "" {
		return Gate{}, fmt.Errorf("gate %q: missing metric before %q", e, g.Op)
	}
	kind, ok := metricKinds[g.Metric]
	if !ok {
		return Gate{}, fmt.Errorf("gate %q: %w", e, unknownMetricError(g.Metric))
	}
	if !validOp(g.Op) {
		hint := ""
		if g.Op == "=" {
			hint = "; did you mean ==?"
		}
		return Gate{}, fmt.Errorf("gate %q: unknown operator %q (want one of %s)%s", e, g.Op, opList(), hint)
	}
	if value == "" {
		return Gate{}, fmt.Errorf("gate %q: missing threshold after %q", e, g.Op)
	}
	t, err := parseThreshold(g.Metric, kind, value)
	if err != nil {
		return Gate{}, fmt.Errorf("gate %q: %w", e, err)
	}
	g.Threshold = t
	return g, nil
}

// ParseGates parses every expression and returns the gates in order, or all
// the errors joined.
func ParseGates(exprs []string) ([]Gate, error) {
	gates := make([]Gate, 0, len(exprs))
	var errs []error
	for _, e := range exprs {
		g, err := ParseGate(e)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		gates = append(gates, g)
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	return gates, nil
}

func validOp(op string) bool {
	for _, o := range gateOps {
		if o == op {
			return true
		}
	}
	return false
}

func opList() string {
	return strings.Join(gateOps, ", ")
}

// unknownMetricError explains an unknown metric, suggesting the closest known one.
func unknownMetricError(name string) error {
	if _, isPhase := ParsePhase(name); isPhase {
		return fmt.Errorf("metric %q needs a statistic, as in %s.p99 (statistics: %s)",
			name, name, strings.Join(phaseStatNames, ", "))
	}
	if s, ok := Closest(name, metricNames); ok {
		return fmt.Errorf("unknown metric %q (did you mean %s?)", name, s)
	}
	phases := make([]string, 0, NumPhases)
	for _, p := range Phases() {
		phases = append(phases, p.String())
	}
	return fmt.Errorf("unknown metric %q; metrics are <phase>.<stat> (phases: %s; stats: %s), "+
		"outcome.<outcome>, rate.success, rate.failure, idempotency.checked, idempotency.violations, "+
		"devices.planned, devices.started, devices.completed and devices.dropped_starts",
		name, strings.Join(phases, ", "), strings.Join(phaseStatNames, ", "))
}

// parseThreshold parses a number with an optional unit and converts it to the
// metric's base unit.
func parseThreshold(metric string, kind metricKind, value string) (float64, error) {
	num, unit := splitUnit(value)
	if num == "" {
		return 0, fmt.Errorf("threshold %q has no number", value)
	}
	v, err := strconv.ParseFloat(num, 64)
	if err != nil || math.IsInf(v, 0) || math.IsNaN(v) {
		return 0, fmt.Errorf("cannot parse threshold %q as a finite number", num)
	}
	if v < 0 {
		return 0, fmt.Errorf("threshold %q is negative", value)
	}
	if v == 0 {
		v = 0 // drop the sign of -0
	}

	switch kind {
	case kindLatency:
		switch unit {
		case "", "ms":
		case "us", "µs":
			v = scale(num, v, 1, 1000)
		case "s":
			v = scale(num, v, 1000, 1)
		case "m":
			v = scale(num, v, 60000, 1)
		default:
			return 0, fmt.Errorf("latency metric %s takes us, ms, s or m (bare numbers are ms), not %q", metric, unit)
		}
	case kindRate:
		switch unit {
		case "":
			if v > 1 {
				return 0, fmt.Errorf("rate metric %s is a ratio 0..1, not %s; did you mean %s%%?", metric, num, num)
			}
		case "%":
			v = scale(num, v, 1, 100)
			if v > 1 {
				return 0, fmt.Errorf("rate threshold %s is above 100%%", value)
			}
		default:
			return 0, fmt.Errorf("rate metric %s takes a ratio (0.995) or a percentage (99.5%%), not %q", metric, unit)
		}
	default:
		if unit != "" {
			return 0, fmt.Errorf("metric %s is a count and takes no unit, got %q", metric, unit)
		}
	}
	if math.IsInf(v, 0) {
		return 0, fmt.Errorf("threshold %q is too large", value)
	}
	return v, nil
}

// splitUnit splits a threshold into its number and its trailing unit (letters or %).
func splitUnit(value string) (num, unit string) {
	i := len(value)
	for i > 0 {
		r, size := utf8.DecodeLastRuneInString(value[:i])
		if r != '%' && !unicode.IsLetter(r) {
			break
		}
		i -= size
	}
	return strings.TrimSpace(value[:i]), value[i:]
}

// scale returns v*mul/div. For plain decimals it computes exactly and rounds
// once, so that "99.9%" equals the ratio 999/1000 and "12345us" equals 12.345 ms.
func scale(num string, v float64, mul, div int64) float64 {
	if len(num) <= 40 && strings.Trim(num, "+0123456789.") == "" {
		if r, ok := new(big.Rat).SetString(num); ok {
			f, _ := r.Mul(r, big.NewRat(mul, div)).Float64()
			return f
		}
	}
	return v * float64(mul) / float64(div)
}
