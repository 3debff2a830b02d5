package sim

import (
	"context"
	"crypto"
	"errors"
	"fmt"
	"runtime"
	"sync"
	"sync/atomic"

	"github.com/jitpsim/jitpsim/scenario"
	"github.com/jitpsim/jitpsim/sim/pki"
)

// minted is one identity ready for a device, or the error that prevented it.
type minted struct {
	index int
	id    *pki.Identity
	// fresh is true when the identity was minted in this run (so JITP must
	// drop its first connect) and false when it was loaded from the store.
	fresh bool
	err   error
}

// Identities produces device identities for a fleet: loaded from a store when
// one is set and holds them, minted under the CA otherwise (and then saved).
type Identities struct {
	// CA signs new device certificates.
	CA *pki.CA
	// Scenario gives names, subject fields and the key type.
	Scenario *scenario.Scenario
	// Store, when non-nil, keeps identities across runs.
	Store *pki.IdentityStore

	poolOnce sync.Once
	pool     []crypto.Signer
	poolErr  error
}

// keyPool generates the scenario's key pool once, on every core.
func (ids *Identities) keyPool(kt pki.KeyType) ([]crypto.Signer, error) {
	ids.poolOnce.Do(func() {
		n := ids.Scenario.Devices.KeyPool
		ids.pool = make([]crypto.Signer, n)
		errs := make([]error, n)
		var wg sync.WaitGroup
		next := atomic.Int64{}
		for range min(runtime.GOMAXPROCS(0), n) {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i := int(next.Add(1) - 1); i < n; i = int(next.Add(1) - 1) {
					ids.pool[i], errs[i] = pki.GenerateKey(kt)
				}
			}()
		}
		wg.Wait()
		ids.poolErr = errors.Join(errs...)
	})
	return ids.pool, ids.poolErr
}

// get returns the identity of the device with the given index.
func (ids *Identities) get(index int) minted {
	s := ids.Scenario
	name := s.DeviceName(index)
	if ids.Store != nil {
		id, ok, err := ids.Store.Load(name, index, ids.CA)
		if err != nil {
			return minted{index: index, err: err}
		}
		if ok {
			return minted{index: index, id: id}
		}
	}
	kt, err := pki.ParseKeyType(s.Devices.KeyType)
	if err != nil {
		return minted{index: index, err: err}
	}
	subject := SubjectFor(s, index)
	var id *pki.Identity
	if s.Devices.KeyPool > 0 {
		pool, perr := ids.keyPool(kt)
		if perr != nil {
			return minted{index: index, err: fmt.Errorf("key pool: %w", perr)}
		}
		id, err = ids.CA.MintWithKey(index, subject, pool[index%len(pool)])
	} else {
		id, err = ids.CA.Mint(index, subject, kt)
	}
	if err != nil {
		return minted{index: index, err: fmt.Errorf("mint %s: %w", name, err)}
	}
	if ids.Store != nil {
		if err := ids.Store.Save(name, id); err != nil {
			return minted{index: index, err: err}
		}
	}
	return minted{index: index, id: id, fresh: true}
}

// SubjectFor returns the certificate subject of the device with the given
// index: its name as CN and the scenario's subject fields expanded.
func SubjectFor(s *scenario.Scenario, index int) pki.Subject {
	name := s.DeviceName(index)
	sub := s.Devices.Subject
	exp := func(p string) string { return scenario.Expand(p, index, name) }
	return pki.Subject{
		Country: exp(sub.Country), State: exp(sub.State), Locality: exp(sub.Locality),
		Organization: exp(sub.Organization), OrganizationalUnit: exp(sub.OrganizationalUnit),
		CommonName: name, DNQualifier: exp(sub.DNQualifier), SerialNumber: exp(sub.SerialNumber),
	}
}

// stream mints the identities for indices first, first+stride, ...
// (count of them; stride 1 for a whole fleet, the shard count for a shard) on
// every core and delivers them in index order through a bounded channel, so
// the first device starts at once and at most about `ahead` identities wait
// in memory. Workers take small batches of consecutive positions, which keeps
// the hand-offs between goroutines (and their wake-ups) far fewer than the
// identities.
func (ids *Identities) stream(ctx context.Context, first, stride, count, ahead int) <-chan minted {
	stride = max(stride, 1)
	workers := runtime.GOMAXPROCS(0)
	batch := min(max(ahead/(2*workers), 1), 16)
	out := make(chan minted, ahead)
	// One slot per batch in flight keeps the output in order while workers
	// run in parallel: the collector waits on slots in order.
	slots := make(chan chan []minted, max(ahead/batch, 1))
	jobs := make(chan job)
	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := range jobs {
				ms := make([]minted, j.n)
				for k := range ms {
					ms[k] = ids.get(first + (j.pos+k)*stride)
				}
				j.slot <- ms
			}
		}()
	}
	go func() {
		defer close(jobs)
		defer close(slots)
		for p := 0; p < count; p += batch {
			j := job{pos: p, n: min(batch, count-p), slot: make(chan []minted, 1)}
			select {
			case slots <- j.slot:
			case <-ctx.Done():
				return
			}
			select {
			case jobs <- j:
			case <-ctx.Done():
				return
			}
		}
	}()
	go func() {
		defer close(out)
		defer wg.Wait()
		// On cancel, drain the slots so the producer can close them and the
		// workers, whose slots are buffered, can finish and exit.
		defer func() {
			for range slots {
			}
		}()
		for slot := range slots {
			var ms []minted
			select {
			case ms = <-slot:
			case <-ctx.Done():
				return
			}
			for _, m := range ms {
				select {
				case out <- m:
				case <-ctx.Done():
					return
				}
			}
		}
	}()
	return out
}

// job asks a worker for the identities at positions pos..pos+n-1 of a
// stream, delivered on slot.
type job struct {
	pos, n int
	slot   chan []minted
}

// Each produces the identities of devices first..first+count-1 in index order,
// minted in parallel, and calls fn for each; it stops at the first error.
func (ids *Identities) Each(ctx context.Context, first, count int, fn func(index int, id *pki.Identity, fresh bool) error) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	for m := range ids.stream(ctx, first, 1, count, min(max(count, 1), 256)) {
		if m.err != nil {
			return m.err
		}
		if err := fn(m.index, m.id, m.fresh); err != nil {
			return err
		}
	}
	return ctx.Err()
}
