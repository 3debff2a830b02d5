package report

import (
	"bytes"
	"encoding/json"
	"slices"
)

// OutcomeCounts counts devices by outcome. It marshals to a JSON object in
// report order (Outcomes()), followed by any other keys sorted.
type OutcomeCounts map[Outcome]int

// LatencyStats maps a phase name to its statistics. It marshals to a JSON
// object in phase order, followed by any other keys sorted.
type LatencyStats map[string]PhaseStats

// MarshalJSON writes the counts in report order.
func (c OutcomeCounts) MarshalJSON() ([]byte, error) {
	order := make([]string, 0, len(Outcomes()))
	for _, o := range Outcomes() {
		order = append(order, string(o))
	}
	return marshalOrdered(c, order)
}

// MarshalJSON writes the statistics in phase order.
func (l LatencyStats) MarshalJSON() ([]byte, error) {
	order := make([]string, 0, NumPhases)
	for _, p := range Phases() {
		order = append(order, p.String())
	}
	return marshalOrdered(l, order)
}

// marshalOrdered writes m as a JSON object with the keys in order first (those
// present in m), then the remaining keys sorted.
func marshalOrdered[K ~string, V any](m map[K]V, order []string) ([]byte, error) {
	keys := make([]K, 0, len(m))
	for _, k := range order {
		if _, ok := m[K(k)]; ok {
			keys = append(keys, K(k))
		}
	}
	var rest []K
	for k := range m {
		if !slices.Contains(order, string(k)) {
			rest = append(rest, k)
		}
	}
	slices.Sort(rest)
	keys = append(keys, rest...)

	var b bytes.Buffer
	b.WriteByte('{')
	for i, k := range keys {
		if i > 0 {
			b.WriteByte(',')
		}
		kb, err := json.Marshal(string(k))
		if err != nil {
			return nil, err
		}
		vb, err := json.Marshal(m[k])
		if err != nil {
			return nil, err
		}
		b.Write(kb)
		b.WriteByte(':')
		b.Write(vb)
	}
	b.WriteByte('}')
	return b.Bytes(), nil
}
