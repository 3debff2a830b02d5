package localiot

import (
	"crypto/rand"
	"encoding/hex"
)

// RegistrationCode returns the account's registration code (64 lowercase hex characters),
// creating it on the first call; later calls return the same code, as GetRegistrationCode does.
// The code is persisted with the registry.
func (r *Registry) RegistrationCode() (string, error) {
	r.mu.RLock()
	code := r.regCode
	r.mu.RUnlock()
	if code != "" {
		return code, nil
	}
	err := r.update(func() error {
		if r.regCode == "" {
			var b [32]byte
			_, _ = rand.Read(b[:]) // crypto/rand.Read never fails on supported platforms.
			r.regCode = hex.EncodeToString(b[:])
			r.stageMeta(metaRegCode, r.regCode)
		}
		code = r.regCode
		return nil
	})
	return code, err
}
