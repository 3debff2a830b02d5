package localiot

import (
	"fmt"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/jitpsim/jitpsim/sim/localiot/template"
	"github.com/jitpsim/jitpsim/sim/pki"
)

// BenchmarkProvisionPersistence measures the registry side of one JITP provisioning (register
// the certificate PENDING_ACTIVATION, then apply the classic template's plan: thing, policy,
// attachments, ACTIVE) in memory, with the bbolt store written behind by the group-committing
// writer (what the JITP path does), and written through (waiting for the fsync of each
// mutation, what API calls do). The writes of the last iterations are flushed inside the timer.
func BenchmarkProvisionPersistence(b *testing.B) {
	for _, mode := range []string{"memory", "bbolt-write-behind", "bbolt-write-through"} {
		b.Run(mode, func(b *testing.B) {
			r := NewRegistry()
			if mode != "memory" {
				var err error
				r, err = openRegistry(b.TempDir(), discardLogger())
				require.NoError(b, err)
				b.Cleanup(func() { require.NoError(b, r.closeStore()) })
			}
			ca, err := pki.NewCA("bench CA", pki.KeyEC256)
			require.NoError(b, err)
			caID, err := r.registerCA(ca.Cert, template.Classic(), true)
			require.NoError(b, err)
			leaf, err := ca.Mint(0, pki.Subject{CommonName: "bench"}, pki.KeyEC256)
			require.NoError(b, err)
			tmpl := template.Classic()
			b.ResetTimer()
			for i := range b.N {
				id := fmt.Sprintf("%064x", i) // a distinct certificate ID per device; the leaf is shared
				params := template.SubjectParameters(leaf.Leaf(), id)
				params["AWS::IoT::Certificate::CommonName"] = fmt.Sprintf("bench-%d", i)
				if _, _, err := r.registerPending(id, caID, leaf.Leaf()); err != nil {
					b.Fatal(err)
				}
				if mode == "bbolt-write-through" {
					require.NoError(b, r.commit())
				}
				plan, err := tmpl.Provision(params)
				if err != nil {
					b.Fatal(err)
				}
				if err := r.applyPlan(id, plan); err != nil {
					b.Fatal(err)
				}
				if mode == "bbolt-write-through" {
					require.NoError(b, r.commit())
				}
			}
			require.NoError(b, r.commit())
			b.StopTimer()
			st := r.StoreStats()
			if st.Commits > 0 {
				b.ReportMetric(float64(st.Commits)/float64(b.N), "commits/op")
				b.ReportMetric(float64(st.CommitTime.Microseconds())/float64(st.Commits), "µs/commit")
			}
		})
	}
}
