package localiot

import (
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"time"
)

// Defaults for Config fields left zero.
const (
	// DefaultAddr listens on a random loopback port.
	DefaultAddr = "127.0.0.1:0"
	// DefaultConnectTimeout is how long an accepted socket may take to finish TLS and send CONNECT.
	DefaultConnectTimeout = 10 * time.Second
	// DefaultEndpointAddress is the MQTT host name DescribeEndpoint returns.
	DefaultEndpointAddress = "localhost"
)

// Config configures a Server; the zero value is usable.
type Config struct {
	// Addr is the listen address, default "127.0.0.1:0" (random port); it must be loopback unless AllowNonLoopback is set.
	Addr string
	// AllowNonLoopback permits listening on a non-loopback address.
	AllowNonLoopback bool
	// ProvisionDelay is the delay between a certificate's registration and its template run (default 0).
	ProvisionDelay time.Duration
	// ConnectTimeout bounds the time from accept to CONNECT so idle sockets do not pile up (default 10s).
	ConnectTimeout time.Duration
	// StateDir, when set, keeps the server CA (StateDir/server-ca) and the registry (StateDir/registry.json) across runs.
	StateDir string
	// Logger receives the stand-in's logs; nil discards them.
	Logger *slog.Logger
	// Authorizer, when set, replaces the evaluation of the AWS IoT policies attached to the
	// client's certificate (the default, nil); AllowAll{} allows everything.
	Authorizer Authorizer
	// EndpointAddress is the host name DescribeEndpoint returns and the server certificate is valid
	// for, besides localhost, 127.0.0.1 and ::1; default "localhost".
	EndpointAddress string
	// AWSLimits turns on AWS IoT Core's quotas: a provisioning delay distribution and token buckets
	// for CONNECTs, certificate auto-registrations and template runs (see Limits).
	AWSLimits bool
	// Limits overrides DefaultLimits when AWSLimits is set; nil means DefaultLimits().
	Limits *Limits
}

// withDefaults returns a copy of c with zero fields filled and the address checked.
func (c Config) withDefaults() (Config, error) {
	if c.Addr == "" {
		c.Addr = DefaultAddr
	}
	if c.ConnectTimeout <= 0 {
		c.ConnectTimeout = DefaultConnectTimeout
	}
	if c.ProvisionDelay < 0 {
		return c, errors.New("localiot: ProvisionDelay must not be negative")
	}
	if c.Logger == nil {
		c.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	if c.EndpointAddress == "" {
		c.EndpointAddress = DefaultEndpointAddress
	}
	if c.Limits != nil && c.Limits.ProvisionDelayMin < 0 {
		return c, errors.New("localiot: Limits.ProvisionDelayMin must not be negative")
	}
	if !c.AllowNonLoopback {
		if err := checkLoopback(c.Addr); err != nil {
			return c, err
		}
	}
	return c, nil
}

// checkLoopback rejects listen addresses that are not on a loopback interface.
func checkLoopback(addr string) error {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return fmt.Errorf("localiot: listen address %q: %w", addr, err)
	}
	if host == "localhost" {
		return nil
	}
	if ip := net.ParseIP(host); ip != nil && ip.IsLoopback() {
		return nil
	}
	return fmt.Errorf("localiot: listen address %q is not loopback; set AllowNonLoopback to listen on it", addr)
}
