package awsiot

import (
	"context"
	"net/http/httptest"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/iot"
	"github.com/stretchr/testify/require"

	"github.com/jitpsim/jitpsim/report"
	"github.com/jitpsim/jitpsim/scenario"
	"github.com/jitpsim/jitpsim/sim"
	"github.com/jitpsim/jitpsim/sim/localiot"
	"github.com/jitpsim/jitpsim/sim/localiot/api"
	"github.com/jitpsim/jitpsim/sim/localiot/template"
	"github.com/jitpsim/jitpsim/sim/pki"
)

// safetyNet bounds waits so a broken test fails instead of hanging; no test asserts on time.
const safetyNet = 60 * time.Second

const testKey, testSecret = "AKIDAWSIOTTEST", "awsiot-test-secret"

// standIn is a local AWS IoT stand-in with its control-plane API served on loopback.
type standIn struct {
	srv *localiot.Server
	url string
}

// startStandIn starts the stand-in with cfg and its API; both stop when the test ends.
func startStandIn(t *testing.T, cfg localiot.Config) *standIn {
	t.Helper()
	srv, err := localiot.New(cfg)
	require.NoError(t, err)
	require.NoError(t, srv.Start())
	h, err := api.New(srv, api.Options{Credentials: api.Credentials{AccessKeyID: testKey, SecretAccessKey: testSecret}})
	require.NoError(t, err)
	ts := httptest.NewServer(h)
	t.Cleanup(func() {
		ts.Close()
		require.NoError(t, srv.Close())
	})
	return &standIn{srv: srv, url: ts.URL}
}

// client returns a client for the stand-in's API with the given rate overrides.
func (s *standIn) client(rates map[string]float64) *Client {
	return NewClient(iot.New(iot.Options{
		Region:       "us-east-1",
		BaseEndpoint: aws.String(s.url),
		Credentials:  credentials.NewStaticCredentialsProvider(testKey, testSecret, ""),
		Retryer:      aws.NopRetryer{},
	}), rates)
}

// unlimited turns the client-side rate limits off.
var unlimited = map[string]float64{scenario.APIRateDefault: 0}

// testCtx returns a context bounded by the safety net.
func testCtx(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), safetyNet)
	t.Cleanup(cancel)
	return ctx
}

// newCA makes a device CA.
func newCA(t *testing.T) *pki.CA {
	t.Helper()
	ca, err := pki.NewCA("awsiot test CA", pki.KeyEC256)
	require.NoError(t, err)
	return ca
}

// fleetScenario is a small, fast fleet with the classic template's subject fields. Each device
// has a topic of its own: mochi v2.7.9 can deadlock (Inflight.NextImmediate takes its read lock
// twice) when devices deliver to each other under load.
func fleetScenario(t *testing.T, count int) *scenario.Scenario {
	t.Helper()
	s, err := scenario.Parse([]byte(`devices: {count: `+strconv.Itoa(count)+`, name_pattern: "aws-{index:03}", subject: {country: US}}
arrival: {rate: 500}
device: {backoff: 20ms, timeout: 10s, idempotency_probe: false, topic: "awsiot/{name}"}
`), "test.yaml")
	require.NoError(t, err)
	return s
}

// provision registers ca with the classic template through Setup and takes a fleet of count
// devices through JITP on the stand-in; it returns each device's expectation in index order.
func (s *standIn) provision(t *testing.T, c *Client, ca *pki.CA, count int) []Expectation {
	t.Helper()
	_, err := c.Setup(testCtx(t), SetupInput{CA: ca, Template: template.Classic(), Mode: "DEFAULT"})
	require.NoError(t, err)
	sc := fleetScenario(t, count)
	want := make([]Expectation, count)
	var mu sync.Mutex
	rec := report.NewRecorder()
	fleet := &sim.Fleet{
		Scenario:   sc,
		Identities: &sim.Identities{CA: ca, Scenario: sc},
		Target:     sim.Target{Addr: s.srv.Addr(), ServerName: s.srv.ServerName(), RootCAs: s.srv.RootCAs()},
		Recorder:   rec,
		OnDevice: func(id *pki.Identity, obs report.Observation) {
			mu.Lock()
			defer mu.Unlock()
			want[obs.Index] = Expect(template.Classic(), obs.Name, id)
		},
	}
	require.NoError(t, fleet.Run(testCtx(t)))
	sum := rec.Summarize(report.Meta{Planned: count})
	require.Equal(t, count, sum.Outcomes[report.OutcomeProvisioned], "reasons: %v", sum.Reasons)
	return want
}
