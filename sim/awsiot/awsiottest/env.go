// Package awsiottest holds test helpers shared by the packages that drive the
// AWS IoT control plane in tests.
package awsiottest

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// Hermetic clears every AWS_* variable for the test and points the shared
// config files at empty files, so the standard credential chain finds nothing
// and never asks the instance metadata service.
func Hermetic(t testing.TB) {
	t.Helper()
	for _, kv := range os.Environ() {
		if k, _, _ := strings.Cut(kv, "="); strings.HasPrefix(k, "AWS_") {
			t.Setenv(k, "")
			if err := os.Unsetenv(k); err != nil {
				t.Fatal(err)
			}
		}
	}
	dir := t.TempDir()
	for _, v := range []string{"AWS_CONFIG_FILE", "AWS_SHARED_CREDENTIALS_FILE"} {
		f := filepath.Join(dir, v)
		if err := os.WriteFile(f, nil, 0o600); err != nil {
			t.Fatal(err)
		}
		t.Setenv(v, f)
	}
	t.Setenv("AWS_EC2_METADATA_DISABLED", "true")
}
