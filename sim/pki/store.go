package pki

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// File names of the CA inside a state directory.
const (
	CACertFile = "ca.pem"
	CAKeyFile  = "ca.key"
)

// SaveCA writes dir/ca.pem (mode 0644) and dir/ca.key (mode 0600), creating dir with mode 0700 if needed.
// Each file is written to a temporary file, synced and renamed into place.
func SaveCA(dir string, ca *CA) error {
	if ca == nil {
		return errors.New("save ca: nil CA")
	}
	p, err := ca.prepared()
	if err != nil {
		return fmt.Errorf("save ca: %w", err)
	}
	keyPEM, err := ca.KeyPEM()
	if err != nil {
		return fmt.Errorf("save ca: %w", err)
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("save ca: %w", err)
	}
	if err := writeFileAtomic(filepath.Join(dir, CAKeyFile), keyPEM, 0o600, true); err != nil {
		return fmt.Errorf("save ca: %w", err)
	}
	if err := writeFileAtomic(filepath.Join(dir, CACertFile), p.certPEM, 0o644, true); err != nil {
		return fmt.Errorf("save ca: %w", err)
	}
	return nil
}

// LoadOrCreateCA loads dir/ca.pem and dir/ca.key if both exist; otherwise it creates a CA with NewCA(cn, kt),
// saves it with SaveCA and reports created=true. A loaded CA is returned as is, whatever cn and kt say.
func LoadOrCreateCA(dir, cn string, kt KeyType) (ca *CA, created bool, err error) {
	certPath, keyPath := filepath.Join(dir, CACertFile), filepath.Join(dir, CAKeyFile)
	haveCert, err := fileExists(certPath)
	if err != nil {
		return nil, false, fmt.Errorf("ca cert: %w", err)
	}
	haveKey, err := fileExists(keyPath)
	if err != nil {
		return nil, false, fmt.Errorf("ca key: %w", err)
	}
	switch {
	case haveCert && haveKey:
		ca, err := LoadCA(certPath, keyPath)
		return ca, false, err
	case haveCert:
		return nil, false, fmt.Errorf("state %s: found %s but not %s; restore the key or delete %s to create a new CA", dir, CACertFile, CAKeyFile, certPath)
	case haveKey:
		return nil, false, fmt.Errorf("state %s: found %s but not %s; restore the certificate or delete %s to create a new CA", dir, CAKeyFile, CACertFile, keyPath)
	}
	ca, err = NewCA(cn, kt)
	if err != nil {
		return nil, false, err
	}
	if err := SaveCA(dir, ca); err != nil {
		return nil, false, err
	}
	return ca, true, nil
}

// IdentityStore keeps identities in a directory as <name>.key (mode 0600), <name>.crt (leaf) and
// <name>-chain.crt (leaf followed by the CA).
type IdentityStore struct{ Dir string }

// identityPaths returns the key, leaf and chain file paths for name after validating it.
func (s IdentityStore) identityPaths(name string) (key, crt, chain string, err error) {
	if err := ValidateName(name); err != nil {
		return "", "", "", err
	}
	base := filepath.Join(s.Dir, name)
	return base + ".key", base + ".crt", base + "-chain.crt", nil
}

// Save writes the identity's key, leaf certificate and chain under name, creating Dir with mode 0700 if needed.
func (s IdentityStore) Save(name string, id *Identity) error {
	keyPath, crtPath, chainPath, err := s.identityPaths(name)
	if err != nil {
		return fmt.Errorf("save identity: %w", err)
	}
	if id == nil || id.Key == nil || id.leafDER() == nil {
		return fmt.Errorf("save identity %q: identity, key and certificate must be set", name)
	}
	keyPEM, err := MarshalKeyPEM(id.Key)
	if err != nil {
		return fmt.Errorf("save identity %q: %w", name, err)
	}
	certPEM, chainPEM := id.CertPEM(), id.ChainPEM()
	if err := os.MkdirAll(s.Dir, 0o700); err != nil {
		return fmt.Errorf("save identity %q: %w", name, err)
	}
	for _, f := range []struct {
		path string
		data []byte
		perm fs.FileMode
	}{
		{keyPath, keyPEM, 0o600},
		{crtPath, certPEM, 0o644},
		{chainPath, chainPEM, 0o644},
	} {
		if err := writeFileAtomic(f.path, f.data, f.perm, false); err != nil {
			return fmt.Errorf("save identity %q: %w", name, err)
		}
	}
	return nil
}

// Load returns the identity saved under name, with ok=false if nothing is saved there.
// It checks the key matches the certificate and that ca issued it, and rebuilds TLS, ID and the chain with ca.
func (s IdentityStore) Load(name string, index int, ca *CA) (id *Identity, ok bool, err error) {
	keyPath, crtPath, _, err := s.identityPaths(name)
	if err != nil {
		return nil, false, fmt.Errorf("load identity: %w", err)
	}
	if ca == nil {
		return nil, false, fmt.Errorf("load identity %q: nil CA", name)
	}
	p, err := ca.prepared()
	if err != nil {
		return nil, false, fmt.Errorf("load identity %q: %w", name, err)
	}
	keyPEM, keyErr := os.ReadFile(keyPath)
	crtPEM, crtErr := os.ReadFile(crtPath)
	keyMissing, crtMissing := errors.Is(keyErr, fs.ErrNotExist), errors.Is(crtErr, fs.ErrNotExist)
	switch {
	case keyMissing && crtMissing:
		return nil, false, nil
	case keyMissing:
		return nil, false, fmt.Errorf("load identity %q: %s exists but %s is missing; delete it to mint a new identity", name, crtPath, keyPath)
	case crtMissing:
		return nil, false, fmt.Errorf("load identity %q: %s exists but %s is missing; delete it to mint a new identity", name, keyPath, crtPath)
	case keyErr != nil:
		return nil, false, fmt.Errorf("load identity %q: %w", name, keyErr)
	case crtErr != nil:
		return nil, false, fmt.Errorf("load identity %q: %w", name, crtErr)
	}
	key, err := parseKeyPEM(keyPEM, keyPath)
	if err != nil {
		return nil, false, fmt.Errorf("load identity %q: %s: %w", name, keyPath, err)
	}
	cert, err := parseCertPEM(crtPEM, crtPath)
	if err != nil {
		return nil, false, fmt.Errorf("load identity %q: %s: %w", name, crtPath, err)
	}
	if !publicKeysEqual(cert.PublicKey, key.Public()) {
		return nil, false, fmt.Errorf("load identity %q: key %s does not match certificate %s (public keys differ); delete both to mint a new identity", name, keyPath, crtPath)
	}
	if err := cert.CheckSignatureFrom(ca.Cert); err != nil {
		return nil, false, fmt.Errorf("load identity %q: certificate %s was not issued by this CA (%v); the CA changed, so delete the identity files to mint new ones", name, crtPath, err)
	}
	return newIdentity(p, index, cert.Raw, cert, key), true, nil
}

// ValidateName reports whether name is safe to use as an identity file name: non-empty, at most
// 200 bytes of letters, digits, '.', '_', '-' or ':', not starting with '.', without "..", and not ending in "-chain".
func ValidateName(name string) error {
	switch {
	case name == "":
		return errors.New("identity name is empty")
	case len(name) > 200:
		return fmt.Errorf("identity name %.20q... is %d bytes long (max 200)", name, len(name))
	case strings.ContainsAny(name, `/\`):
		return fmt.Errorf("identity name %q contains a path separator", name)
	case strings.Contains(name, ".."):
		return fmt.Errorf("identity name %q contains \"..\"", name)
	case strings.HasPrefix(name, "."):
		return fmt.Errorf("identity name %q starts with '.'", name)
	case strings.HasSuffix(name, "-chain"):
		return fmt.Errorf("identity name %q ends in \"-chain\", which would clash with another identity's chain file", name)
	}
	for _, r := range name {
		ok := r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("._-:", r)
		if !ok {
			return fmt.Errorf("identity name %q contains %q (use letters, digits, '.', '_', '-' or ':')", name, r)
		}
	}
	return nil
}

// fileExists reports whether path exists; errors other than not-exist are returned.
func fileExists(path string) (bool, error) {
	_, err := os.Stat(path)
	switch {
	case err == nil:
		return true, nil
	case errors.Is(err, fs.ErrNotExist):
		return false, nil
	default:
		return false, err
	}
}
