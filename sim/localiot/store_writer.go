package localiot

import (
	"errors"
	"log/slog"
	"sync"
	"time"

	bolt "go.etcd.io/bbolt"
)

// op is one staged change of the store: value under key in bucket, or a deletion when value is nil.
type op struct {
	bucket string
	key    string
	value  []byte
}

// storeWriter writes staged changes to the bbolt file on one goroutine, group-committing
// everything staged since the previous commit in one transaction (one fsync). Changes are
// staged while the registry's lock is held, so the queue's order is the order of the changes.
type storeWriter struct {
	db  *bolt.DB
	log *slog.Logger

	mu        sync.Mutex
	cond      *sync.Cond // broadcast when committed advances or the writer stops
	queue     []op
	staged    uint64 // sequence number of the last staged op
	committed uint64 // sequence number of the last op written
	err       error  // first write error; sticky
	stopped   bool
	stats     StoreStats

	kick     chan struct{} // wakes the writer; capacity 1
	stop     chan struct{}
	stopOnce sync.Once
	done     chan struct{}
}

// StoreStats describes the work of the persistent store since the server started.
type StoreStats struct {
	// Commits counts write transactions (each ends with one fsync).
	Commits int64
	// Ops counts the records written or deleted.
	Ops int64
	// CommitTime is the total time spent in write transactions.
	CommitTime time.Duration
}

// errStoreClosed is returned by commit after the store was closed.
var errStoreClosed = errors.New("localiot: store closed")

// newStoreWriter starts the writer goroutine for db.
func newStoreWriter(db *bolt.DB, log *slog.Logger) *storeWriter {
	w := &storeWriter{db: db, log: log, kick: make(chan struct{}, 1), stop: make(chan struct{}), done: make(chan struct{})}
	w.cond = sync.NewCond(&w.mu)
	go w.run()
	return w
}

// stage queues ops and returns the sequence number to wait for; it never blocks on I/O.
func (w *storeWriter) stage(ops ...op) uint64 {
	w.mu.Lock()
	w.queue = append(w.queue, ops...)
	w.staged += uint64(len(ops))
	seq := w.staged
	w.mu.Unlock()
	select {
	case w.kick <- struct{}{}:
	default:
	}
	return seq
}

// wait blocks until every op up to seq is written and returns the first write error, if any.
func (w *storeWriter) wait(seq uint64) error {
	w.mu.Lock()
	defer w.mu.Unlock()
	for w.committed < seq && !w.stopped {
		w.cond.Wait()
	}
	if w.err != nil {
		return w.err
	}
	if w.committed < seq {
		return errStoreClosed
	}
	return nil
}

// sync blocks until everything staged so far is written.
func (w *storeWriter) sync() error {
	w.mu.Lock()
	seq := w.staged
	w.mu.Unlock()
	return w.wait(seq)
}

// run commits staged ops until close.
func (w *storeWriter) run() {
	defer close(w.done)
	for {
		select {
		case <-w.kick:
			w.flush()
		case <-w.stop:
			w.flush()
			w.mu.Lock()
			w.stopped = true
			w.cond.Broadcast()
			w.mu.Unlock()
			return
		}
	}
}

// flush writes the queue in one transaction.
func (w *storeWriter) flush() {
	w.mu.Lock()
	ops, seq := w.queue, w.staged
	w.queue = nil
	w.mu.Unlock()
	if len(ops) == 0 {
		return
	}
	start := time.Now()
	err := w.db.Update(func(tx *bolt.Tx) error { return applyOps(tx, ops) })
	took := time.Since(start)
	if err != nil {
		w.log.Error("persist registry changes", "ops", len(ops), "err", err)
	}
	w.mu.Lock()
	w.committed = seq
	if err != nil && w.err == nil {
		w.err = err
	}
	w.stats.Commits++
	w.stats.Ops += int64(len(ops))
	w.stats.CommitTime += took
	w.cond.Broadcast()
	w.mu.Unlock()
}

// applyOps writes ops in order inside tx, skipping those a later op of the same key supersedes.
func applyOps(tx *bolt.Tx, ops []op) error {
	type key struct{ bucket, key string }
	last := make(map[key]int, len(ops))
	for i, o := range ops {
		last[key{o.bucket, o.key}] = i
	}
	for i, o := range ops {
		if last[key{o.bucket, o.key}] != i {
			continue
		}
		b, err := tx.CreateBucketIfNotExists([]byte(o.bucket))
		if err != nil {
			return err
		}
		if o.value == nil {
			err = b.Delete([]byte(o.key))
		} else {
			err = b.Put([]byte(o.key), o.value)
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// statsSnapshot returns the writer's counters.
func (w *storeWriter) statsSnapshot() StoreStats {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.stats
}

// close writes what is still queued, stops the writer and closes the file.
func (w *storeWriter) close() error {
	w.stopOnce.Do(func() { close(w.stop) })
	<-w.done
	w.mu.Lock()
	err := w.err
	w.mu.Unlock()
	if cerr := w.db.Close(); cerr != nil && !errors.Is(cerr, bolt.ErrDatabaseNotOpen) {
		err = errors.Join(err, cerr)
	}
	return err
}
