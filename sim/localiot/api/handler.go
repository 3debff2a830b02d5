package api

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"slices"
	"sync"
	"time"

	"github.com/jitpsim/jitpsim/sim/localiot"
)

// maxBody bounds a request body; the largest legal one is a 404,600-character policy document.
const maxBody = 2 << 20

// Options configure a Handler.
type Options struct {
	// Credentials are the access key pair every request must be signed with; both are required.
	Credentials Credentials
	// Logger receives one line per request; nil discards them.
	Logger *slog.Logger
	// Now is the clock the signature's date is checked against; nil means time.Now.
	Now func() time.Time
}

// Handler serves the control-plane API of one stand-in; it is an http.Handler.
type Handler struct {
	srv   *localiot.Server
	creds Credentials
	log   *slog.Logger
	now   func() time.Time
	mux   *http.ServeMux
	ops   []string // the operations routes registered, in order

	mu      sync.Mutex
	regions map[string]int64
}

// New returns the control-plane handler of srv.
func New(srv *localiot.Server, opts Options) (*Handler, error) {
	if opts.Credentials.AccessKeyID == "" || opts.Credentials.SecretAccessKey == "" {
		return nil, errors.New("api: an access key ID and a secret access key are required")
	}
	h := &Handler{srv: srv, creds: opts.Credentials, log: opts.Logger, now: opts.Now, regions: map[string]int64{}}
	if h.log == nil {
		h.log = slog.New(slog.DiscardHandler)
	}
	if h.now == nil {
		h.now = time.Now
	}
	h.mux = http.NewServeMux()
	h.routes()
	return h, nil
}

// requestKey is the context key of the request's body.
type requestKey struct{}

// ServeHTTP authenticates the request with SigV4 and runs the operation its method and path name.
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	start := time.Now()
	reqID := newRequestID()
	w.Header().Set("X-Amzn-RequestId", reqID)
	rec := &statusRecorder{ResponseWriter: w, status: http.StatusOK}
	body, err := io.ReadAll(http.MaxBytesReader(rec, r.Body, maxBody))
	region := ""
	if err != nil {
		err = fail(localiot.ErrInvalidRequest, "could not read the request body: "+err.Error())
	} else {
		region, err = verifySigV4(r, body, h.creds, h.now())
	}
	if err != nil {
		writeError(rec, err)
	} else {
		h.recordRegion(region)
		h.mux.ServeHTTP(rec, r.WithContext(context.WithValue(r.Context(), requestKey{}, body)))
	}
	h.log.Info("api", "method", r.Method, "path", r.URL.Path, "status", rec.status, "region", region,
		"error", rec.Header().Get("X-Amzn-ErrorType"), "took", time.Since(start).Round(time.Microsecond), "request", reqID)
}

// recordRegion counts the regions requests were signed for.
func (h *Handler) recordRegion(region string) {
	h.mu.Lock()
	h.regions[region]++
	h.mu.Unlock()
}

// Regions returns the distinct regions authenticated requests were signed for, sorted.
func (h *Handler) Regions() []string {
	h.mu.Lock()
	defer h.mu.Unlock()
	out := make([]string, 0, len(h.regions))
	for r := range h.regions {
		out = append(out, r)
	}
	slices.Sort(out)
	return out
}

// statusRecorder remembers the status written, for the request log.
type statusRecorder struct {
	http.ResponseWriter
	status int
}

// WriteHeader records the status and passes it on.
func (s *statusRecorder) WriteHeader(code int) {
	s.status = code
	s.ResponseWriter.WriteHeader(code)
}

// newRequestID returns a random request ID in UUID form.
func newRequestID() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	h := hex.EncodeToString(b[:])
	return fmt.Sprintf("%s-%s-%s-%s-%s", h[:8], h[8:12], h[12:16], h[16:20], h[20:])
}

// bodyOf returns the request body read by ServeHTTP.
func bodyOf(r *http.Request) []byte {
	b, _ := r.Context().Value(requestKey{}).([]byte)
	return b
}

// op adapts an operation that returns a response value (nil for an empty body) or an error.
func op(fn func(r *http.Request) (any, error)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		out, err := fn(r)
		if err != nil {
			writeError(w, err)
			return
		}
		writeJSON(w, out)
	}
}

// unknownOperation answers requests no operation matches.
func unknownOperation(w http.ResponseWriter, r *http.Request) {
	writeError(w, fail(errUnknownOperation, fmt.Sprintf("The local AWS IoT stand-in does not implement %s %s", r.Method, r.URL.Path)))
}
