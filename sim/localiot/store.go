package localiot

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"strconv"
	"time"

	bolt "go.etcd.io/bbolt"
)

// StoreFile is the name of the registry's bbolt file inside Config.StateDir.
const StoreFile = "localiot.db"

// legacyRegistryFile is the JSON registry of earlier versions; it is imported once into an
// empty store and then renamed with the suffix ".imported".
const legacyRegistryFile = "registry.json"

// openTimeout bounds the wait for the store's file lock, held by another process using the directory.
const openTimeout = time.Second

// openRegistry opens (creating if needed) the store in dir and returns the registry it holds,
// writing through to the store from now on.
func openRegistry(dir string, log *slog.Logger) (*Registry, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, err
	}
	path := filepath.Join(dir, StoreFile)
	db, err := bolt.Open(path, 0o600, &bolt.Options{Timeout: openTimeout})
	if errors.Is(err, bolt.ErrTimeout) {
		return nil, fmt.Errorf("%s is in use by another process", path)
	}
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	if err := os.Chmod(path, 0o600); err != nil {
		_ = db.Close()
		return nil, err
	}
	r, empty, err := loadStore(db)
	legacy := ""
	if err == nil && empty {
		r, legacy, err = importLegacy(dir, r)
	}
	if err != nil {
		_ = db.Close()
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	r.store = newStoreWriter(db, log)
	if empty {
		r.mu.Lock()
		r.stageMeta(metaVersion, strconv.Itoa(snapshotVersion))
		r.stageAll()
		r.mu.Unlock()
		err := r.commit()
		if err == nil && legacy != "" {
			err = os.Rename(legacy, legacy+".imported")
			log.Info("imported the legacy registry into the store", "from", legacy, "to", path)
		}
		if err != nil {
			_ = r.store.close()
			return nil, err
		}
	}
	return r, nil
}

// loadStore reads every record of db into a registry; empty reports a store never written.
func loadStore(db *bolt.DB) (r *Registry, empty bool, err error) {
	var s snapshot
	err = db.View(func(tx *bolt.Tx) error {
		meta := tx.Bucket([]byte(bucketMeta))
		if meta == nil {
			empty = true
			return nil
		}
		if v := string(meta.Get([]byte(metaVersion))); v != strconv.Itoa(snapshotVersion) {
			return fmt.Errorf("store version %q, want %d", v, snapshotVersion)
		}
		s.RegCode = string(meta.Get([]byte(metaRegCode)))
		return errors.Join(
			readBucket(tx, bucketCAs, &s.CACertificates),
			readBucket(tx, bucketCerts, &s.Certificates),
			readBucket(tx, bucketThings, &s.Things),
			readBucket(tx, bucketPolicies, &s.Policies),
			s.groupRecords.read(tx),
		)
	})
	if err != nil {
		return nil, false, err
	}
	r, err = s.build()
	return r, empty, err
}

// readBucket decodes every value of bucket name into *out.
func readBucket[T any](tx *bolt.Tx, name string, out *[]T) error {
	b := tx.Bucket([]byte(name))
	if b == nil {
		return nil
	}
	return b.ForEach(func(k, v []byte) error {
		var rec T
		if err := json.Unmarshal(v, &rec); err != nil {
			return fmt.Errorf("%s/%s: %w", name, k, err)
		}
		*out = append(*out, rec)
		return nil
	})
}

// importLegacy loads dir/registry.json, if there is one, into a fresh registry and returns its
// path, so the caller renames it once the store holds it; otherwise it returns r unchanged.
func importLegacy(dir string, r *Registry) (*Registry, string, error) {
	path := filepath.Join(dir, legacyRegistryFile)
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return r, "", nil
	}
	if err != nil {
		return nil, "", err
	}
	fresh := NewRegistry()
	if err := json.Unmarshal(data, fresh); err != nil {
		return nil, "", fmt.Errorf("import %s: %w", path, err)
	}
	return fresh, path, nil
}

// closeStore writes what is still staged and closes the store; it does nothing in memory.
func (r *Registry) closeStore() error {
	if r.store == nil {
		return nil
	}
	return r.store.close()
}

// StoreStats returns the persistent store's counters; all zero for an in-memory registry.
func (r *Registry) StoreStats() StoreStats {
	if r.store == nil {
		return StoreStats{}
	}
	return r.store.statsSnapshot()
}
