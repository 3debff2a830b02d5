package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"
	"time"

	"github.com/jitpsim/jitpsim/sim/localiot"
	"github.com/jitpsim/jitpsim/sim/localiot/api"
)

// Defaults of `jitpsim serve`.
const (
	defaultMQTTAddr  = "127.0.0.1:8883" // AWS IoT's MQTT-over-TLS port
	defaultAPIAddr   = "127.0.0.1:4580"
	defaultAccessKey = "jitpsim"
	defaultSecretKey = "jitpsim-secret"
	// serverCAFile is the server CA certificate serve writes, the AmazonRootCA1.pem of a local setup.
	serverCAFile = "server-ca.pem"
	// shutdownGrace bounds the wait for API requests in flight at shutdown.
	shutdownGrace = 5 * time.Second
)

// serveOptions are the flags of `jitpsim serve`.
type serveOptions struct {
	mqttAddr, apiAddr    string
	data                 string
	accessKey, secretKey string
	provisionDelay       time.Duration
	delaySet             bool // --provision-delay was given
	awsLimits            bool
	allowRemote          bool
	// ready, when set (tests), receives the addresses once both listeners are up.
	ready func(serveInfo)
	// limits, when set (tests), turns AWS-like limits on with these values.
	limits *localiot.Limits
}

// serveInfo is where a running `jitpsim serve` can be reached.
type serveInfo struct {
	MQTTAddr     string // host:port bound by the MQTT listener
	Endpoint     string // the host name DescribeEndpoint returns
	APIURL       string // http://host:port of the control-plane API
	ServerCAFile string // the server CA certificate (PEM)
}

func serveCmd(args []string, stdout, stderr io.Writer) (int, error) {
	o := serveOptions{}
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	fs.StringVar(&o.mqttAddr, "mqtt-addr", defaultMQTTAddr, "MQTT over TLS listen address")
	fs.StringVar(&o.apiAddr, "api-addr", defaultAPIAddr, "control-plane API (HTTP) listen address")
	fs.StringVar(&o.data, "data", "", "keep CAs, certificates, things and policies in DIR/localiot.db across restarts (default: in memory)")
	fs.StringVar(&o.accessKey, "access-key-id", defaultAccessKey, "access key ID API requests must be signed with")
	fs.StringVar(&o.secretKey, "secret-access-key", defaultSecretKey, "secret access key API requests must be signed with")
	fs.DurationVar(&o.provisionDelay, "provision-delay", 0, "wait between a certificate's registration and its template run")
	fs.BoolVar(&o.awsLimits, "aws-limits", false, "enforce AWS IoT's quotas: provisioning delay 1-3 s, CONNECT, registration and RegisterThing rates, per-operation API rates")
	fs.BoolVar(&o.allowRemote, "allow-remote", false, "allow listening on non-loopback addresses")
	pos, err := parseArgs(fs, args)
	if err != nil {
		return exitUsage, err
	}
	if len(pos) > 0 {
		return exitUsage, usagef("serve takes no arguments, got %q", pos[0])
	}
	fs.Visit(func(f *flag.Flag) { o.delaySet = o.delaySet || f.Name == "provision-delay" })
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	return serve(ctx, o, stdout, stderr)
}

// serve runs the stand-in and its API until ctx is done, then stops both and persists the
// registry; it returns the exit code.
func serve(ctx context.Context, o serveOptions, stdout, stderr io.Writer) (int, error) {
	if err := o.check(); err != nil {
		return exitUsage, err
	}
	caDir := o.data
	if caDir == "" {
		tmp, err := os.MkdirTemp("", "jitpsim-serve-")
		if err != nil {
			return exitUsage, err
		}
		defer os.RemoveAll(tmp)
		caDir = tmp
	}
	log := slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: slog.LevelInfo}))
	srv, err := localiot.New(o.config(log))
	if err != nil {
		return exitUsage, err
	}
	if err := srv.Start(); err != nil {
		_ = srv.Close()
		return exitUsage, err
	}
	code, err := serveAPI(ctx, srv, o, caDir, log, stdout)
	if cerr := srv.Close(); cerr != nil {
		err = errors.Join(err, fmt.Errorf("stop the stand-in: %w", cerr))
	}
	if err == nil {
		fmt.Fprintln(stdout, "jitpsim serve: stopped")
	}
	return code, err
}

// serveAPI writes the server CA, serves the API until ctx is done and shuts it down.
func serveAPI(ctx context.Context, srv *localiot.Server, o serveOptions, caDir string, log *slog.Logger, stdout io.Writer) (int, error) {
	caFile := filepath.Join(caDir, serverCAFile)
	if err := os.WriteFile(caFile, srv.ServerCAPEM(), 0o644); err != nil {
		return exitUsage, err
	}
	h, err := api.New(srv, api.Options{Credentials: api.Credentials{AccessKeyID: o.accessKey, SecretAccessKey: o.secretKey}, Logger: log})
	if err != nil {
		return exitUsage, usageError{err}
	}
	ln, err := net.Listen("tcp", o.apiAddr)
	if err != nil {
		return exitUsage, fmt.Errorf("api: %w", err)
	}
	hs := &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second}
	served := make(chan error, 1)
	go func() { served <- hs.Serve(ln) }()

	_, port, _ := net.SplitHostPort(srv.Addr())
	info := serveInfo{MQTTAddr: srv.Addr(), Endpoint: srv.EndpointAddress(), APIURL: "http://" + ln.Addr().String(), ServerCAFile: caFile}
	printBanner(stdout, o, info, port)
	if o.ready != nil {
		o.ready(info)
	}

	select {
	case <-ctx.Done():
	case err := <-served:
		return exitUsage, fmt.Errorf("api: %w", err)
	}
	sctx, cancel := context.WithTimeout(context.Background(), shutdownGrace)
	defer cancel()
	_ = hs.Shutdown(sctx)
	return exitPass, nil
}

// config returns the stand-in's configuration for the options.
func (o serveOptions) config(log *slog.Logger) localiot.Config {
	cfg := localiot.Config{
		Addr:             o.mqttAddr,
		AllowNonLoopback: o.allowRemote,
		StateDir:         o.data,
		ProvisionDelay:   o.provisionDelay,
		Logger:           log,
	}
	if host, _, err := net.SplitHostPort(o.mqttAddr); err == nil && !isLoopback(host) && !net.ParseIP(host).IsUnspecified() {
		cfg.EndpointAddress = host
	}
	if o.awsLimits {
		useAWSLimits(&cfg, o.provisionDelay, o.delaySet)
	}
	if o.limits != nil {
		l := *o.limits
		cfg.AWSLimits, cfg.Limits = true, &l
	}
	return cfg
}

// check validates the options: durations, credentials and loopback addresses.
func (o serveOptions) check() error {
	if o.provisionDelay < 0 {
		return usagef("--provision-delay must not be negative")
	}
	if o.accessKey == "" || o.secretKey == "" {
		return usagef("--access-key-id and --secret-access-key must not be empty")
	}
	for flagName, addr := range map[string]string{"--mqtt-addr": o.mqttAddr, "--api-addr": o.apiAddr} {
		host, _, err := net.SplitHostPort(addr)
		if err != nil {
			return usagef("%s %q: %v", flagName, addr, err)
		}
		if !o.allowRemote && !isLoopback(host) {
			return usagef("%s %q is not a loopback address; add --allow-remote to listen on it", flagName, addr)
		}
	}
	return nil
}

// isLoopback reports whether host is localhost or a loopback IP.
func isLoopback(host string) bool {
	ip := net.ParseIP(host)
	return host == "localhost" || (ip != nil && ip.IsLoopback())
}

// printBanner tells the user where everything is and how to try it.
func printBanner(w io.Writer, o serveOptions, info serveInfo, port string) {
	data := "in memory (add --data DIR to keep it)"
	if o.data != "" {
		data = filepath.Join(o.data, localiot.StoreFile)
	}
	limits := "off (add --aws-limits for AWS's quotas and a 1-3 s provisioning delay)"
	if o.awsLimits {
		limits = "on: CONNECT 500/s per account and 1/s per client ID, 15 registrations/s, RegisterThing 10/s,\n" +
			"                 control-plane API at AWS's per-operation rates (ThrottlingException beyond them)"
	}
	env := fmt.Sprintf("AWS_ACCESS_KEY_ID=%s AWS_SECRET_ACCESS_KEY=%s AWS_DEFAULT_REGION=us-east-1", o.accessKey, o.secretKey)
	fmt.Fprintf(w, `jitpsim serve: local AWS IoT Core stand-in
  MQTT endpoint: %s:%s (MQTT 3.1.1/5 over TLS 1.2/1.3, client certificate required)
  server CA:     %s (use it as AmazonRootCA1.pem, e.g. mosquitto_pub --cafile)
  API URL:       %s (AWS IoT control plane, REST-JSON, SigV4 for service "iot", any region)
  credentials:   AWS_ACCESS_KEY_ID=%s AWS_SECRET_ACCESS_KEY=%s
  registry:      %s
  AWS limits:    %s

Try:
  %s aws --endpoint-url %s iot describe-endpoint --endpoint-type iot:Data-ATS
  %s aws --endpoint-url %s iot get-registration-code

Ctrl-C stops the stand-in.
`, info.Endpoint, port, info.ServerCAFile, info.APIURL, o.accessKey, o.secretKey, data, limits, env, info.APIURL, env, info.APIURL)
}
