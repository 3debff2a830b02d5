package api

import "net/http"

// errThrottling is the exception of a call over its operation's rate.
const errThrottling = "ThrottlingException"

// limit runs next unless the stand-in's rate for the operation is exceeded (jitpsim serve
// --aws-limits, localiot.Limits.APIRates); then it answers as AWS does: ThrottlingException,
// HTTP 400 as AWS IoT's model gives it (reference §5.1), message "Rate exceeded".
func (h *Handler) limit(operation string, next http.Handler) http.Handler {
	h.ops = append(h.ops, operation)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !h.srv.AllowAPI(operation) {
			writeError(w, fail(errThrottling, "Rate exceeded"))
			return
		}
		next.ServeHTTP(w, r)
	})
}
