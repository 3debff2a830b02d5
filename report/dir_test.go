package report

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestWriteDirReadDirRerenders(t *testing.T) {
	dir := t.TempDir()
	s := fixedRun(t, "rate.success >= 80%", "provision.p99 < 2s")
	require.NoError(t, WriteDir(dir, s))
	for _, o := range Outputs() {
		fi, err := os.Stat(filepath.Join(dir, o.Name))
		require.NoError(t, err, o.Name)
		assert.Positive(t, fi.Size(), o.Name)
	}
	matches, err := filepath.Glob(filepath.Join(dir, "*.tmp"))
	require.NoError(t, err)
	assert.Empty(t, matches, "no temporary file left")

	back, err := ReadDir(dir)
	require.NoError(t, err)
	assert.Equal(t, string(render(t, WriteText, s)), string(render(t, WriteText, back)), "the text re-renders exactly")
	assert.Len(t, back.Timeline, len(s.Timeline))
	require.NotNil(t, back.Histogram(PhaseProvision), "histograms come back from phases.hlog")
	assert.EqualValues(t, 10, back.Histogram(PhaseProvision).TotalCount())
	html := render(t, WriteHTML, back)
	assert.True(t, bytes.Contains(html, []byte("Latency by percentile")))
	assert.False(t, bytes.Contains(html, []byte(`<text class="nd"`)), "every chart has data again")
}

func TestReadDirErrors(t *testing.T) {
	_, err := ReadDir(t.TempDir())
	assert.ErrorContains(t, err, "summary.json")

	dir := t.TempDir()
	require.NoError(t, WriteDir(dir, fixedRun(t)))
	require.NoError(t, os.WriteFile(filepath.Join(dir, FileTimeline), []byte("nonsense\n"), 0o644))
	_, err = ReadDir(dir)
	assert.ErrorContains(t, err, "timeline.csv")

	// Without the optional files the summary still reads.
	require.NoError(t, os.Remove(filepath.Join(dir, FileTimeline)))
	require.NoError(t, os.Remove(filepath.Join(dir, FileHlog)))
	s, err := ReadDir(dir)
	require.NoError(t, err)
	assert.Nil(t, s.Histogram(PhaseProvision))
}
