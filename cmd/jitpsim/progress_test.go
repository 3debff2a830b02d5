package main

import (
	"bytes"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"

	"github.com/jitpsim/jitpsim/report"
)

func TestProgressLines(t *testing.T) {
	mid := progressSnapshot{elapsed: 10 * time.Second, started: 600, planned: 1000, completed: 500, succeeded: 490, fails: 10,
		p99: 412345 * time.Microsecond, hasP99: true}
	start := progressSnapshot{elapsed: time.Second, planned: 1000}
	tests := []struct {
		name        string
		p           progressSnapshot
		plain, live string
	}{
		{"mid-run", mid,
			"jitpsim:  10.0s started 600/1000, completed 500 (ok 490, failed 10), 49.0 ok/s, provision p99 412.3ms, ETA 10s",
			"jitpsim   10.0s  started 600/1000  provisioned 490  failed 10  49.0/s  p99 412.3ms  ETA 10s"},
		{"nothing yet", start,
			"jitpsim:   1.0s started 0/1000, completed 0 (ok 0, failed 0), 0.0 ok/s",
			"jitpsim    1.0s  started 0/1000  provisioned 0  failed 0  0.0/s  p99 -  ETA -"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.plain, plainLine(tt.p))
			assert.Equal(t, tt.live, liveLine(tt.p))
		})
	}
}

func TestLiveProgressRedrawsOneLine(t *testing.T) {
	var b bytes.Buffer
	stop := runProgress(&b, true, fakeSource{started: 3}, report.NewRecorder(), 10, time.Now())
	stop()
	out := b.String()
	assert.True(t, strings.HasPrefix(out, "\r\x1b[K"), "the line is redrawn in place: %q", out)
	assert.True(t, strings.HasSuffix(out, "\n"), "the last redraw ends the line")
	assert.Equal(t, 1, strings.Count(out, "\n"))
	assert.Contains(t, out, "started 3/10")
}

func TestQuietAndNonTerminalProgress(t *testing.T) {
	var b bytes.Buffer
	startProgress(&b, true, fakeSource{}, report.NewRecorder(), 1, time.Now())()
	assert.Empty(t, b.String())
	assert.False(t, isTerminal(&b))
	assert.False(t, isTerminal(io.Discard))
}
