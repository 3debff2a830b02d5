package sim

import (
	"context"
	"errors"
	"io"
	"net"
	"os"
	"strings"
	"syscall"

	"github.com/jitpsim/jitpsim/report"
)

// isDrop reports whether err means the server closed the connection, the way
// AWS IoT ends a JITP first connect (no CONNACK, just a close).
func isDrop(err error) bool {
	if err == nil {
		return false
	}
	if isTLSAlert(err) {
		return false
	}
	return errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) ||
		errors.Is(err, syscall.ECONNRESET) || errors.Is(err, syscall.EPIPE) ||
		errors.Is(err, net.ErrClosed)
}

// isTLSAlert reports an alert sent by the peer. Under TLS 1.3 a server that
// rejects the client certificate sends it after the client's handshake has
// returned, so it surfaces on the first read, while waiting for CONNACK.
func isTLSAlert(err error) bool {
	// crypto/tls does not export the type of a received alert; its text is stable.
	return strings.Contains(err.Error(), "remote error: tls:")
}

// classify maps a connection error to the outcome it means.
func classify(err error) report.Outcome {
	switch {
	case errors.Is(err, context.DeadlineExceeded) || errors.Is(err, os.ErrDeadlineExceeded):
		return report.OutcomeTimeout
	case isTLSAlert(err):
		return report.OutcomeRejectedTLS
	case errors.Is(err, context.Canceled):
		return report.OutcomeInterrupted
	}
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() {
		return report.OutcomeTimeout
	}
	return report.OutcomeError
}
