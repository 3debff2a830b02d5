package sim

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"syscall"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/jitpsim/jitpsim/report"
)

func TestClassify(t *testing.T) {
	tests := []struct {
		name string
		err  error
		drop bool
		want report.Outcome
	}{
		{"eof is a drop", fmt.Errorf("read: %w", io.EOF), true, report.OutcomeError},
		{"reset is a drop", &net.OpError{Op: "read", Err: os.NewSyscallError("read", syscall.ECONNRESET)}, true, report.OutcomeError},
		{"tls alert while waiting for CONNACK", errors.New("remote error: tls: bad certificate"), false, report.OutcomeRejectedTLS},
		{"deadline", fmt.Errorf("connect: %w", context.DeadlineExceeded), false, report.OutcomeTimeout},
		{"socket deadline", &net.OpError{Op: "read", Err: os.ErrDeadlineExceeded}, false, report.OutcomeTimeout},
		{"cancel", context.Canceled, false, report.OutcomeInterrupted},
		{"other", errors.New("boom"), false, report.OutcomeError},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.drop, isDrop(tt.err))
			assert.Equal(t, tt.want, classify(tt.err))
		})
	}
}
