// Command connbench measures the memory one `jitpsim serve` needs per connected device: it starts
// the server as a child process, provisions N devices through JITP, restarts the server (so the
// registry is loaded but no provisioning garbage is left), connects all N devices at once and
// reports the server's resident memory before and after, per connection. The clients run in
// this process and the server in its own, so each stays under a 20,000 open-files limit.
//
// Usage: go run ./cmd/connbench [--jitpsim bin/jitpsim] [--devices 10000] [--concurrency 64]
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"time"
)

func main() {
	var o options
	flag.StringVar(&o.jitpsim, "jitpsim", "bin/jitpsim", "the jitpsim binary")
	flag.IntVar(&o.devices, "devices", 10000, "devices to connect")
	flag.IntVar(&o.concurrency, "concurrency", 64, "connections opened at a time")
	flag.DurationVar(&o.settle, "settle", 3*time.Second, "wait after the last connect before reading the server's memory")
	flag.Parse()
	if err := run(context.Background(), o); err != nil {
		fmt.Fprintln(os.Stderr, "connbench:", err)
		os.Exit(1)
	}
}

// options are the command's flags.
type options struct {
	jitpsim     string
	devices     int
	concurrency int
	settle      time.Duration
}

// run provisions, restarts, connects and reports.
func run(ctx context.Context, o options) error {
	data, err := os.MkdirTemp("", "connbench-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(data)

	srv, err := startServe(ctx, o.jitpsim, data)
	if err != nil {
		return err
	}
	fleet, err := newFleet(o.devices)
	if err != nil {
		return err
	}
	start := time.Now()
	if err := fleet.register(ctx, srv); err != nil {
		return err
	}
	if err := fleet.provision(ctx, srv, o.concurrency); err != nil {
		return err
	}
	fmt.Printf("provisioned %d devices in %s\n", o.devices, time.Since(start).Round(time.Millisecond))
	if err := srv.stop(); err != nil {
		return err
	}

	srv, err = startServe(ctx, o.jitpsim, data)
	if err != nil {
		return err
	}
	defer srv.stop()
	time.Sleep(o.settle)
	idle, err := srv.rss()
	if err != nil {
		return err
	}
	start = time.Now()
	conns, err := fleet.connectAll(ctx, srv, o.concurrency)
	if err != nil {
		return err
	}
	defer closeAll(conns)
	took := time.Since(start)
	time.Sleep(o.settle)
	busy, err := srv.rss()
	if err != nil {
		return err
	}
	per := float64(busy-idle) / float64(len(conns))
	fmt.Printf("connected %d devices in %s (%d at a time)\n", len(conns), took.Round(time.Millisecond), o.concurrency)
	fmt.Printf("server RSS with the registry loaded, no connections: %6.1f MiB\n", mib(idle))
	fmt.Printf("server RSS with %d connections:                 %6.1f MiB\n", len(conns), mib(busy))
	fmt.Printf("server memory per connection:                       %6.1f KiB\n", per/1024)
	return nil
}

// mib converts bytes to MiB.
func mib(b int64) float64 { return float64(b) / (1 << 20) }
