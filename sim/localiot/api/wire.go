package api

import (
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"time"
)

// epochSeconds is a timestamp in rest-json's default format: a JSON number of seconds since the
// epoch, with millisecond precision.
type epochSeconds time.Time

// MarshalJSON writes the timestamp as a number of seconds.
func (t epochSeconds) MarshalJSON() ([]byte, error) {
	return []byte(strconv.FormatFloat(float64(time.Time(t).UnixMilli())/1000, 'f', -1, 64)), nil
}

// epoch returns t for a JSON field, nil (omitted) for the zero time.
func epoch(t time.Time) *epochSeconds {
	if t.IsZero() {
		return nil
	}
	e := epochSeconds(t)
	return &e
}

// validity is CertificateValidity.
type validity struct {
	NotBefore *epochSeconds `json:"notBefore,omitempty"`
	NotAfter  *epochSeconds `json:"notAfter,omitempty"`
}

// generationID derives a stable generationId from a record's identity and last change.
func generationID(id string, modified time.Time) string {
	sum := sha256.Sum256(fmt.Appendf(nil, "%s|%d", id, modified.UnixNano()))
	return fmt.Sprintf("%x-%x-%x-%x-%x", sum[0:4], sum[4:6], sum[6:8], sum[8:10], sum[10:16])
}

// writeJSON sends a 200 response; out == nil sends an empty body (operations without output).
func writeJSON(w http.ResponseWriter, out any) {
	if out == nil {
		w.WriteHeader(http.StatusOK)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(http.StatusOK)
	_ = json.NewEncoder(w).Encode(out)
}

// empty is the {} response of operations whose output has no members.
type empty struct{}
