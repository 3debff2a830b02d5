package report

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
)

// WriteJSON writes the summary as indented JSON following SchemaV1. Every
// outcome and every phase is present, and gates is an array even when empty.
func WriteJSON(w io.Writer, s *Summary) error {
	out := s.normalized()
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	if err := enc.Encode(out); err != nil {
		return fmt.Errorf("write summary JSON: %w", err)
	}
	return nil
}

// ReadJSON reads a summary written by WriteJSON, for re-reporting. It rejects
// a document with a different schema. The result has no histograms.
func ReadJSON(r io.Reader) (*Summary, error) {
	data, err := io.ReadAll(r)
	if err != nil {
		return nil, fmt.Errorf("read summary: %w", err)
	}
	var probe struct {
		Schema *string `json:"schema"`
	}
	if err := json.Unmarshal(data, &probe); err != nil {
		return nil, fmt.Errorf("read summary: %w", err)
	}
	switch {
	case probe.Schema == nil:
		return nil, errors.New(`read summary: no "schema" field; not a jitpsim summary`)
	case *probe.Schema != SchemaV1:
		return nil, fmt.Errorf("read summary: unsupported schema %q (this version reads %q)", *probe.Schema, SchemaV1)
	}
	var s Summary
	if err := json.Unmarshal(data, &s); err != nil {
		return nil, fmt.Errorf("read summary: %w", err)
	}
	return s.normalized(), nil
}

// normalized returns a copy of s in which every outcome and phase is present
// and Gates is not nil; maps are copied, histograms are shared.
func (s *Summary) normalized() *Summary {
	out := *s
	out.Outcomes = make(OutcomeCounts, len(s.Outcomes)+len(Outcomes()))
	for _, o := range Outcomes() {
		out.Outcomes[o] = 0
	}
	for o, n := range s.Outcomes {
		out.Outcomes[o] = n
	}
	out.Latency = make(LatencyStats, len(s.Latency)+int(NumPhases))
	for _, p := range Phases() {
		out.Latency[p.String()] = PhaseStats{}
	}
	for name, ps := range s.Latency {
		out.Latency[name] = ps
	}
	if out.Gates == nil {
		out.Gates = []GateResult{}
	}
	return &out
}
