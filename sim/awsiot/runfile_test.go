package awsiot

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestRunFileRoundTrip(t *testing.T) {
	state := t.TempDir()
	start := time.Date(2026, 1, 2, 15, 4, 5, 0, time.UTC)
	r := &Run{Schema: RunSchema, ID: NewRunID(start), Scenario: "s", StartedAt: start,
		Target: RunTarget{Region: "eu-west-1", EndpointURL: "http://127.0.0.1:1", CACertificateID: "ca"},
		Devices: []RunDevice{
			{Index: 2, Outcome: "provisioned", Expectation: Expectation{Device: "d2", CertificateID: "c2", Thing: "d2", Attributes: map[string]string{"v": "1"}}},
			{Index: 1, Outcome: "timeout", Expectation: Expectation{Device: "d1", CertificateID: "c1"}, Cleanup: CleanupState{Stage: StageDone}},
		}}
	assert.Regexp(t, `^20260102T150405Z-[0-9a-f]{6}$`, r.ID)
	path := RunPath(state, r.ID)
	require.NoError(t, r.Save(path))
	info, err := os.Stat(path)
	require.NoError(t, err)
	assert.Equal(t, os.FileMode(0o644), info.Mode().Perm())

	assert.Equal(t, 2, r.Devices[0].Index, "Save leaves the run's order alone")
	got, err := LoadRun(path)
	require.NoError(t, err)
	assert.Equal(t, 1, got.Devices[0].Index, "devices are saved in index order")
	got.Devices[0], got.Devices[1] = got.Devices[1], got.Devices[0]
	assert.Equal(t, r, got)
	assert.Equal(t, Config{Region: "eu-west-1", EndpointURL: "http://127.0.0.1:1"}, got.Target.Config())
}

func TestFindRun(t *testing.T) {
	state := t.TempDir()
	for _, id := range []string{"20260102T150405Z-aaaaaa", "20260203T000000Z-bbbbbb"} {
		require.NoError(t, (&Run{Schema: RunSchema, ID: id}).Save(RunPath(state, id)))
	}
	tests := []struct {
		name, state, ref, want, wantErr string
	}{
		{"latest", state, "", RunPath(state, "20260203T000000Z-bbbbbb"), ""},
		{"by ID", state, "20260102T150405Z-aaaaaa", RunPath(state, "20260102T150405Z-aaaaaa"), ""},
		{"by path", "", "x/y.json", "x/y.json", ""},
		{"no state", "", "20260102T150405Z-aaaaaa", "", "no --state DIR"},
		{"no runs", t.TempDir(), "", "", "no run recorded in"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := FindRun(tc.state, tc.ref)
			if tc.wantErr != "" {
				require.ErrorContains(t, err, tc.wantErr)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tc.want, got)
		})
	}
	_, err := LoadRun(filepath.Join(state, "missing.json"))
	require.Error(t, err)
}
