package localiot

import (
	"sync"
	"testing"
	"time"

	mqtt "github.com/mochi-mqtt/server/v2"
	"github.com/mochi-mqtt/server/v2/packets"
)

// TestPatchedMochiLocks guards the two fixes in the stand-in's copy of
// mochi-mqtt (sim/localiot/mochi/PATCHES.md): each read path used to take its
// read lock twice, which deadlocks once a writer queues in between. Each case
// races the reader against a writer; unpatched, it hangs within milliseconds.
func TestPatchedMochiLocks(t *testing.T) {
	const rounds = 20000
	tests := []struct {
		name string
		// setup returns a reader and a writer sharing one structure.
		setup func() (reader func(), writer func(i int))
	}{
		{"inflight NextImmediate against Set and Delete (QoS 1 fan-out)", func() (func(), func(int)) {
			in := mqtt.NewInflights()
			return func() { in.NextImmediate() }, func(i int) {
				id := uint16(i%64 + 1)
				in.Set(packets.Packet{PacketID: id, Expiry: -1})
				in.Delete(id)
			}
		}},
		{"clients GetByListener against Add and Delete (Server.Close while clients leave)", func() (func(), func(int)) {
			cls := mqtt.NewClients()
			return func() { cls.GetByListener("t1") }, func(int) {
				cls.Add(&mqtt.Client{ID: "c"})
				cls.Delete("c")
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			reader, writer := tt.setup()
			done := make(chan struct{})
			go func() {
				defer close(done)
				var wg sync.WaitGroup
				wg.Add(2)
				go func() {
					defer wg.Done()
					for range rounds {
						reader()
					}
				}()
				go func() {
					defer wg.Done()
					for i := range rounds {
						writer(i)
					}
				}()
				wg.Wait()
			}()
			select {
			case <-done:
			case <-time.After(30 * time.Second):
				t.Fatal("reader and writer deadlocked")
			}
		})
	}
}
