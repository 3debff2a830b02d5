package main

import (
	"fmt"
	"net"
	"net/http"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/jitpsim/jitpsim/report"
)

// phaseBuckets are the upper bounds of the per-phase latency histograms:
// half a millisecond to five minutes, for phases from a PUBACK on loopback to
// a throttled JITP reconnect.
var phaseBuckets = []time.Duration{
	500 * time.Microsecond, time.Millisecond, 2500 * time.Microsecond, 5 * time.Millisecond,
	10 * time.Millisecond, 25 * time.Millisecond, 50 * time.Millisecond, 100 * time.Millisecond,
	250 * time.Millisecond, 500 * time.Millisecond, time.Second, 2500 * time.Millisecond,
	5 * time.Second, 10 * time.Second, 30 * time.Second, time.Minute, 5 * time.Minute,
}

// liveSource is what the metrics need from the devices' starter.
type liveSource interface {
	startCounter
	InFlight() int
}

// runCollector exposes a run's live counters to Prometheus. Every value is
// read from the recorder and the fleet at scrape time, so the devices' path
// pays nothing for it.
type runCollector struct {
	src     liveSource
	rec     *report.Recorder
	planned int

	started, plannedD, inFlight, completed, idemChecked, idemViolated, phase *prometheus.Desc
}

func newRunCollector(scenario string, src liveSource, rec *report.Recorder, planned int) *runCollector {
	cl := prometheus.Labels{"scenario": scenario}
	d := func(name, help string, labels ...string) *prometheus.Desc {
		return prometheus.NewDesc("jitpsim_"+name, help, labels, cl)
	}
	return &runCollector{
		src: src, rec: rec, planned: planned,
		started:      d("devices_started_total", "Devices that started their JITP session."),
		plannedD:     d("devices_planned", "Devices the run plans to start."),
		inFlight:     d("devices_in_flight", "Devices running now."),
		completed:    d("devices_completed_total", "Devices that finished, by outcome.", "outcome"),
		idemChecked:  d("idempotency_checked_total", "Idempotency probes run."),
		idemViolated: d("idempotency_violations_total", "Idempotency probes that were dropped or refused."),
		phase:        d("phase_duration_seconds", "Latency of each phase of the JITP session.", "phase"),
	}
}

// Describe sends the descriptors of every metric.
func (c *runCollector) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range []*prometheus.Desc{c.started, c.plannedD, c.inFlight, c.completed, c.idemChecked, c.idemViolated, c.phase} {
		ch <- d
	}
}

// Collect reads the live values.
func (c *runCollector) Collect(ch chan<- prometheus.Metric) {
	live := c.rec.Live()
	ch <- prometheus.MustNewConstMetric(c.started, prometheus.CounterValue, float64(c.src.Started()))
	ch <- prometheus.MustNewConstMetric(c.plannedD, prometheus.GaugeValue, float64(c.planned))
	ch <- prometheus.MustNewConstMetric(c.inFlight, prometheus.GaugeValue, float64(c.src.InFlight()))
	for _, o := range report.Outcomes() {
		ch <- prometheus.MustNewConstMetric(c.completed, prometheus.CounterValue, float64(live.Outcomes[o]), string(o))
	}
	ch <- prometheus.MustNewConstMetric(c.idemChecked, prometheus.CounterValue, float64(live.IdempotencyChecked))
	ch <- prometheus.MustNewConstMetric(c.idemViolated, prometheus.CounterValue, float64(live.IdempotencyViolations))
	for _, p := range report.Phases() {
		cum, count, sum := c.rec.Buckets(p, phaseBuckets)
		buckets := make(map[float64]uint64, len(phaseBuckets))
		for i, b := range phaseBuckets {
			buckets[b.Seconds()] = cum[i]
		}
		ch <- prometheus.MustNewConstHistogram(c.phase, count, sum.Seconds(), buckets, p.String())
	}
}

// metricsAddr completes a --metrics-addr: a bare port or ":PORT" listens on
// 127.0.0.1, so metrics stay on loopback unless a host is named.
func metricsAddr(addr string) (string, error) {
	if !strings.Contains(addr, ":") {
		addr = ":" + addr
	}
	host, port, err := net.SplitHostPort(addr)
	if err != nil || port == "" {
		return "", fmt.Errorf("--metrics-addr %q: want HOST:PORT such as 127.0.0.1:9464", addr)
	}
	if host == "" {
		host = "127.0.0.1"
	}
	return net.JoinHostPort(host, port), nil
}

// startMetrics serves Prometheus metrics of the run at http://ADDR/metrics
// until stop is called; it returns the address it listens on.
func startMetrics(addr, scenario string, src liveSource, rec *report.Recorder, planned int) (bound string, stop func(), err error) {
	addr, err = metricsAddr(addr)
	if err != nil {
		return "", nil, err
	}
	reg := prometheus.NewRegistry()
	reg.MustRegister(newRunCollector(scenario, src, rec, planned), collectors.NewGoCollector(),
		collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return "", nil, fmt.Errorf("--metrics-addr: %w", err)
	}
	mux := http.NewServeMux()
	mux.Handle("/metrics", promhttp.HandlerFor(reg, promhttp.HandlerOpts{Registry: reg}))
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 5 * time.Second}
	done := make(chan struct{})
	go func() {
		defer close(done)
		_ = srv.Serve(ln) // http.ErrServerClosed once stopped; a failed listener only ends the metrics
	}()
	return ln.Addr().String(), func() { _ = srv.Close(); <-done }, nil
}
