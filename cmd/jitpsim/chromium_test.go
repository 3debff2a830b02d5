package main

import (
	"bytes"
	"context"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// chromiumHang only guards against a browser that never exits; the test
// asserts nothing about time.
const chromiumHang = 3 * time.Minute

// consoleProblem matches what Chromium logs for a console error, a blocked
// load or a failed resource.
var consoleProblem = regexp.MustCompile(`CONSOLE\(|Uncaught|Refused to|Failed to load|ERR_`)

// TestReportHTMLRendersInChromium renders the report of a ci-gate run in
// headless Chromium (Debian's chromium; .ci/run installs it) and checks that it
// exits cleanly, that the SVG charts are in the DOM and that nothing was logged
// to the console or refused by the page's Content-Security-Policy.
func TestReportHTMLRendersInChromium(t *testing.T) {
	browser, err := exec.LookPath("chromium")
	if err != nil {
		t.Skip("chromium is not installed (apt-get install chromium; .ci/run installs it in CI): report.html not rendered")
	}
	code, out, stdout := runCIGate(t)
	require.Equal(t, exitPass, code, stdout)
	page := filepath.Join(out, "report.html")

	ctx, cancel := context.WithTimeout(context.Background(), chromiumHang)
	defer cancel()
	cmd := exec.CommandContext(ctx, browser, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
		"--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync",
		"--user-data-dir="+t.TempDir(), "--enable-logging=stderr", "--v=0", "--dump-dom", "file://"+page)
	var dom, logs bytes.Buffer
	cmd.Stdout, cmd.Stderr = &dom, &logs
	require.NoError(t, cmd.Run(), "chromium failed:\n%s", logs.String())

	assert.GreaterOrEqual(t, strings.Count(dom.String(), "<svg "), 4, "the charts are in the rendered DOM")
	assert.Contains(t, dom.String(), "Latency by percentile, per phase")
	assert.Contains(t, dom.String(), `class="verdict pass">PASSED`)
	for _, line := range strings.Split(logs.String(), "\n") {
		assert.False(t, consoleProblem.MatchString(line), "chromium logged a page problem: %s", line)
	}
}
