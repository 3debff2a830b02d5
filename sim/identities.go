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
	sub := s.Devices.Subject
	exp := func(p string) string { return scenario.Expand(p, index, name) }
	subject := pki.Subject{
		Country: exp(sub.Country), State: exp(sub.State), Locality: exp(sub.Locality),
		Organization: exp(sub.Organization), OrganizationalUnit: exp(sub.OrganizationalUnit),
		CommonName: name, DNQualifier: exp(sub.DNQualifier), SerialNumber: exp(sub.SerialNumber),
	}
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

// stream mints the identities for indices first..first+count-1 on every core
// and delivers them in index order through a bounded channel, so the first
// device starts at once and at most `ahead` identities wait in memory.
func (ids *Identities) stream(ctx context.Context, first, count, ahead int) <-chan minted {
	workers := runtime.GOMAXPROCS(0)
	out := make(chan minted, ahead)
	// One slot per index in flight keeps the output in order while workers
	// run in parallel: the collector waits on slots in index order.
	slots := make(chan chan minted, ahead)
	var wg sync.WaitGroup
	jobs := make(chan job)
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := range jobs {
				j.slot <- ids.get(j.index)
			}
		}()
	}
	go func() {
		defer close(jobs)
		defer close(slots)
		for i := first; i < first+count; i++ {
			slot := make(chan minted, 1)
			select {
			case slots <- slot:
			case <-ctx.Done():
				return
			}
			select {
			case jobs <- job{index: i, slot: slot}:
			case <-ctx.Done():
				return
			}
		}
	}()
	go func() {
		defer close(out)
		for slot := range slots {
			var m minted
			select {
			case m = <-slot:
			case <-ctx.Done():
				// Drain so workers can finish their job and exit.
				go func() {
					for range slots {
					}
				}()
				wg.Wait()
				return
			}
			select {
			case out <- m:
			case <-ctx.Done():
				go func() {
					for range slots {
					}
				}()
				wg.Wait()
				return
			}
		}
		wg.Wait()
	}()
	return out
}

type job struct {
	index int
	slot  chan minted
}

// Each produces the identities of devices first..first+count-1 in index order,
// minted in parallel, and calls fn for each; it stops at the first error.
func (ids *Identities) Each(ctx context.Context, first, count int, fn func(index int, id *pki.Identity, fresh bool) error) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	for m := range ids.stream(ctx, first, count, min(max(count, 1), 256)) {
		if m.err != nil {
			return m.err
		}
		if err := fn(m.index, m.id, m.fresh); err != nil {
			return err
		}
	}
	return ctx.Err()
}
