package main

import (
	"bufio"
	"bytes"
	"io"
	"net/http"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/jitpsim/jitpsim/report"
)

// lineWatcher is an io.Writer that hands every line that matches re to a channel.
type lineWatcher struct {
	mu    sync.Mutex
	re    *regexp.Regexp
	found chan []string
	buf   []byte
}

func (w *lineWatcher) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.buf = append(w.buf, p...)
	for {
		i := bytes.IndexByte(w.buf, '\n')
		if i < 0 {
			return len(p), nil
		}
		if m := w.re.FindStringSubmatch(string(w.buf[:i])); m != nil {
			select {
			case w.found <- m:
			default:
			}
		}
		w.buf = w.buf[i+1:]
	}
}

func scrape(t *testing.T, url string) string {
	t.Helper()
	resp, err := http.Get(url)
	require.NoError(t, err)
	defer resp.Body.Close()
	require.Equal(t, http.StatusOK, resp.StatusCode)
	body, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return string(body)
}

func TestMetricsScrapedDuringRun(t *testing.T) {
	dir := t.TempDir()
	path := writeScenario(t, dir, "")
	stderr := &lineWatcher{re: regexp.MustCompile(`metrics at (http://127\.0\.0\.1:\d+/metrics)`), found: make(chan []string, 1)}
	done := make(chan int)
	go func() {
		done <- realMain([]string{"run", path, "--devices", "20", "--rate", "10", "--metrics-addr", "127.0.0.1:0",
			"--out", filepath.Join(dir, "out")}, io.Discard, stderr)
	}()
	var url string
	select {
	case m := <-stderr.found:
		url = m[1]
	case code := <-done:
		t.Fatalf("run ended (exit %d) before announcing its metrics", code)
	}
	body := scrape(t, url)
	for _, want := range []string{
		`jitpsim_devices_planned{scenario="cli-test"} 20`,
		`# TYPE jitpsim_devices_started_total counter`,
		`# TYPE jitpsim_devices_in_flight gauge`,
		`jitpsim_devices_completed_total{outcome="provisioned",scenario="cli-test"}`,
		`jitpsim_devices_completed_total{outcome="timeout",scenario="cli-test"} 0`,
		`# TYPE jitpsim_phase_duration_seconds histogram`,
		`jitpsim_phase_duration_seconds_bucket{phase="provision",scenario="cli-test",le="0.5"}`,
		`jitpsim_phase_duration_seconds_count{phase="echo",scenario="cli-test"}`,
		`go_goroutines`,
	} {
		assert.Contains(t, body, want)
	}
	assert.Equal(t, exitPass, <-done)
}

func TestMetricsCollector(t *testing.T) {
	rec := report.NewRecorder()
	for i := 1; i <= 4; i++ {
		o := report.Observation{Outcome: report.OutcomeProvisioned}
		o.Set(report.PhaseProvision, time.Duration(i)*200*time.Millisecond)
		rec.Record(o)
	}
	rec.Record(report.Observation{Outcome: report.OutcomeRejectedTLS})
	addr, stop, err := startMetrics("127.0.0.1:0", "unit", fakeSource{started: 7, inFlight: 2}, rec, 10)
	require.NoError(t, err)
	defer stop()
	body := scrape(t, "http://"+addr+"/metrics")
	sc := bufio.NewScanner(strings.NewReader(body))
	lines := map[string]bool{}
	for sc.Scan() {
		lines[sc.Text()] = true
	}
	for _, want := range []string{
		`jitpsim_devices_started_total{scenario="unit"} 7`,
		`jitpsim_devices_in_flight{scenario="unit"} 2`,
		`jitpsim_devices_planned{scenario="unit"} 10`,
		`jitpsim_devices_completed_total{outcome="provisioned",scenario="unit"} 4`,
		`jitpsim_devices_completed_total{outcome="rejected_tls",scenario="unit"} 1`,
		`jitpsim_phase_duration_seconds_bucket{phase="provision",scenario="unit",le="0.25"} 1`,
		`jitpsim_phase_duration_seconds_bucket{phase="provision",scenario="unit",le="0.5"} 2`,
		`jitpsim_phase_duration_seconds_bucket{phase="provision",scenario="unit",le="1"} 4`,
		`jitpsim_phase_duration_seconds_bucket{phase="provision",scenario="unit",le="+Inf"} 4`,
		`jitpsim_phase_duration_seconds_sum{phase="provision",scenario="unit"} 2`,
		`jitpsim_phase_duration_seconds_count{phase="provision",scenario="unit"} 4`,
	} {
		assert.True(t, lines[want], "missing line %q in:\n%s", want, body)
	}
}

func TestMetricsAddr(t *testing.T) {
	tests := []struct{ in, want, err string }{
		{"9464", "127.0.0.1:9464", ""},
		{":9464", "127.0.0.1:9464", ""},
		{"127.0.0.1:0", "127.0.0.1:0", ""},
		{"0.0.0.0:9464", "0.0.0.0:9464", ""},
		{"[::1]:9464", "[::1]:9464", ""},
		{"host:", "", "want HOST:PORT"},
		{"a:b:c", "", "want HOST:PORT"},
	}
	for _, tt := range tests {
		got, err := metricsAddr(tt.in)
		if tt.err != "" {
			assert.ErrorContains(t, err, tt.err, tt.in)
			continue
		}
		require.NoError(t, err, tt.in)
		assert.Equal(t, tt.want, got, tt.in)
	}
}

type fakeSource struct{ started, inFlight int }

func (f fakeSource) Started() int  { return f.started }
func (f fakeSource) InFlight() int { return f.inFlight }
