package main

import (
	"encoding/csv"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/jitpsim/jitpsim/sim/pki"
)

func TestMintWritesVerifiableIdentities(t *testing.T) {
	openssl, err := exec.LookPath("openssl")
	if err != nil {
		t.Skip("openssl not installed (CI installs it)")
	}
	out := filepath.Join(t.TempDir(), "ids")
	code, stdout, stderr := runCLI(t, "mint", "--count", "25", "--out", out, "--name-pattern", "m-{index:03}",
		"--subject", "C=US,ST=Oregon,L=Portland,O=Nordic Semiconductor,OU=R&D")
	require.Equal(t, exitPass, code, stderr)
	assert.Contains(t, stdout, "minted 25 identities")

	f, err := os.Open(filepath.Join(out, "index.csv"))
	require.NoError(t, err)
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	require.NoError(t, err)
	require.Len(t, rows, 26)
	assert.Equal(t, []string{"index", "name", "certificate_id", "key", "cert", "chain"}, rows[0])
	for i, row := range rows[1:] {
		assert.Equal(t, filepath.Join("devices", row[1]+".crt"), row[4])
		if i%8 != 0 {
			continue // openssl on a sample keeps the test quick
		}
		cmd := exec.Command(openssl, "verify", "-CAfile", filepath.Join(out, "ca.pem"), filepath.Join(out, row[4]))
		res, err := cmd.CombinedOutput()
		require.NoError(t, err, "%s", res)
		assert.Contains(t, string(res), ": OK")
		fp, err := exec.Command(openssl, "x509", "-noout", "-subject", "-in", filepath.Join(out, row[4])).CombinedOutput()
		require.NoError(t, err)
		assert.Contains(t, string(fp), "O = Nordic Semiconductor")
		assert.Contains(t, string(fp), "CN = "+row[1])
		fi, err := os.Stat(filepath.Join(out, row[3]))
		require.NoError(t, err)
		assert.Equal(t, os.FileMode(0o600), fi.Mode().Perm())
	}
	fi, err := os.Stat(filepath.Join(out, pki.CAKeyFile))
	require.NoError(t, err)
	assert.Equal(t, os.FileMode(0o600), fi.Mode().Perm(), "a generated CA's key is kept, private")
}

func TestMintErrors(t *testing.T) {
	dir := t.TempDir()
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"mint", "--out", dir}, "want --count N"},
		{[]string{"mint", "--count", "3"}, "want --count N"},
		{[]string{"mint", "--count", "3", "--out", dir, "--ca-cert", "x.pem"}, "give both --ca-cert and --ca-key"},
		{[]string{"mint", "--count", "3", "--out", dir, "--key-type", "dsa"}, `unknown key type "dsa"`},
		{[]string{"mint", "--count", "3", "--out", dir, "--subject", "CN=x"}, `--subject: bad field "CN=x"`},
		{[]string{"mint", "--count", "3", "--out", dir, "--ca-cert", "/nonexistent.pem", "--ca-key", "/nonexistent.key"}, "/nonexistent.pem"},
	}
	for _, tt := range tests {
		code, _, stderr := runCLI(t, tt.args...)
		assert.Equal(t, exitUsage, code, tt.args)
		assert.Contains(t, stderr, tt.want, tt.args)
	}
}
