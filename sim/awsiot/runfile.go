package awsiot

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"
)

// RunSchema is the schema string of a run file.
const RunSchema = "jitpsim.awsrun/v1"

// RunDir is the directory, inside a state directory, that holds run files.
const RunDir = "runs"

// Run is the record of what a run against an AWS target created: the target
// and, for every device that started, its certificate and what the template
// says it gets. Verify and cleanup work from it, so they never touch
// anything the run did not create; cleanup keeps its progress in it.
type Run struct {
	// Schema is RunSchema.
	Schema string `json:"schema"`
	// ID identifies the run; IDs sort by start time.
	ID string `json:"run_id"`
	// Scenario is the name of the scenario that ran.
	Scenario string `json:"scenario"`
	// StartedAt is when the run started.
	StartedAt time.Time `json:"started_at"`
	// Target is the account, endpoint and CA the run used.
	Target RunTarget `json:"target"`
	// Devices are the devices that started, in index order.
	Devices []RunDevice `json:"devices"`
}

// RunTarget is the account and CA of a run, enough to reopen a client.
type RunTarget struct {
	// Region is the run's AWS region.
	Region string `json:"region"`
	// Profile is the shared-config profile the run used, "" for the standard chain.
	Profile string `json:"profile,omitempty"`
	// EndpointURL is the run's control-plane override, "" for AWS.
	EndpointURL string `json:"endpoint_url,omitempty"`
	// APIRates are the run's overrides of DefaultRates.
	APIRates map[string]float64 `json:"api_rates,omitempty"`
	// CACertificateID is the ID of the CA that signed the devices' certificates.
	CACertificateID string `json:"ca_certificate_id"`
}

// Config returns the client configuration of the run's target.
func (t RunTarget) Config() Config {
	return Config{Region: t.Region, Profile: t.Profile, EndpointURL: t.EndpointURL, Rates: t.APIRates}
}

// RunDevice is one device of a run.
type RunDevice struct {
	// Index is the device's index in the fleet.
	Index int `json:"index"`
	// Outcome is how the device's session ended in the run.
	Outcome string `json:"outcome"`
	// Expectation holds its name, certificate and what the template says it gets.
	Expectation
	// Cleanup is how far cleanup got.
	Cleanup CleanupState `json:"cleanup,omitzero"`
}

// NewRunID returns a new run ID: the UTC start time and a random suffix,
// e.g. 20260102T150405Z-3fa2c1.
func NewRunID(start time.Time) string {
	var b [3]byte
	_, _ = rand.Read(b[:])
	return start.UTC().Format("20060102T150405Z") + "-" + hex.EncodeToString(b[:])
}

// RunPath returns the path of a run's file in a state directory.
func RunPath(stateDir, id string) string {
	return filepath.Join(stateDir, RunDir, id+".json")
}

// Save writes the run to path, devices in index order (via a temporary file
// and a rename, so a reader never sees half a file), creating its directory.
// It does not reorder r.Devices, so pointers into it stay valid.
func (r *Run) Save(path string) error {
	sorted := *r
	sorted.Devices = slices.Clone(r.Devices)
	slices.SortStableFunc(sorted.Devices, func(a, b RunDevice) int { return a.Index - b.Index })
	data, err := json.MarshalIndent(&sorted, "", " ")
	if err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		return err
	}
	_, werr := f.Write(append(data, '\n'))
	cerr := f.Close()
	if err := errors.Join(werr, cerr); err != nil {
		_ = os.Remove(f.Name())
		return err
	}
	if err := os.Chmod(f.Name(), 0o644); err != nil {
		_ = os.Remove(f.Name())
		return err
	}
	return os.Rename(f.Name(), path)
}

// LoadRun reads a run file.
func LoadRun(path string) (*Run, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var r Run
	if err := json.Unmarshal(data, &r); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	if r.Schema != RunSchema {
		return nil, fmt.Errorf("%s: schema %q, want %q", path, r.Schema, RunSchema)
	}
	return &r, nil
}

// FindRun returns the path of a run file: ref is a file path, or a run ID in
// stateDir/runs, or "" for the latest run there.
func FindRun(stateDir, ref string) (string, error) {
	if strings.HasSuffix(ref, ".json") || strings.ContainsRune(ref, filepath.Separator) {
		return ref, nil
	}
	if stateDir == "" {
		return "", errors.New("no --state DIR to find the run in (or give --run PATH/TO/RUN.json)")
	}
	if ref != "" {
		return RunPath(stateDir, ref), nil
	}
	entries, err := os.ReadDir(filepath.Join(stateDir, RunDir))
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return "", err
	}
	latest := ""
	for _, e := range entries {
		if name := e.Name(); !e.IsDir() && strings.HasSuffix(name, ".json") && !strings.HasPrefix(name, ".") && name > latest {
			latest = name
		}
	}
	if latest == "" {
		return "", fmt.Errorf("no run recorded in %s", filepath.Join(stateDir, RunDir))
	}
	return filepath.Join(stateDir, RunDir, latest), nil
}
