package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/iot"
)

// Credentials of the benchmark's server.
const (
	accessKey = "connbench"
	secretKey = "connbench-secret"
)

// server is a `jitpsim serve` child process.
type server struct {
	cmd      *exec.Cmd
	mqttAddr string
	endpoint string
	caFile   string
	cli      *iot.Client
}

// startServe starts `jitpsim serve --data dir` on random loopback ports and reads its banner.
func startServe(ctx context.Context, bin, dir string) (*server, error) {
	cmd := exec.CommandContext(ctx, bin, "serve", "--mqtt-addr", "127.0.0.1:0", "--api-addr", "127.0.0.1:0",
		"--data", dir, "--access-key-id", accessKey, "--secret-access-key", secretKey)
	cmd.Stderr = nil // the serve log: one line per API call and registration
	out, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	s := &server{cmd: cmd}
	apiURL := ""
	sc := bufio.NewScanner(out)
	for sc.Scan() && apiURL == "" {
		f := strings.Fields(sc.Text())
		switch {
		case strings.HasPrefix(sc.Text(), "  MQTT endpoint:") && len(f) > 2:
			host, port, _ := strings.Cut(f[2], ":")
			s.endpoint, s.mqttAddr = host, "127.0.0.1:"+port
		case strings.HasPrefix(sc.Text(), "  server CA:") && len(f) > 2:
			s.caFile = f[2]
		case strings.HasPrefix(sc.Text(), "  API URL:") && len(f) > 2:
			apiURL = f[2]
		}
	}
	go func() { _, _ = bufio.NewReader(out).WriteTo(discard{}) }()
	if apiURL == "" || s.mqttAddr == "" || s.caFile == "" {
		_ = cmd.Process.Kill()
		return nil, errors.New("could not read the serve banner")
	}
	s.cli = iot.New(iot.Options{
		Region:       "us-east-1",
		BaseEndpoint: aws.String(apiURL),
		Credentials:  credentials.NewStaticCredentialsProvider(accessKey, secretKey, ""),
		Retryer:      aws.NopRetryer{},
	})
	return s, nil
}

// discard swallows the rest of the banner.
type discard struct{}

func (discard) Write(p []byte) (int, error) { return len(p), nil }

// rss returns the server's resident set size in bytes, from /proc.
func (s *server) rss() (int64, error) {
	data, err := os.ReadFile(filepath.Join("/proc", strconv.Itoa(s.cmd.Process.Pid), "status"))
	if err != nil {
		return 0, err
	}
	for _, line := range strings.Split(string(data), "\n") {
		if rest, ok := strings.CutPrefix(line, "VmRSS:"); ok {
			kb, err := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 10, 64)
			return kb * 1024, err
		}
	}
	return 0, fmt.Errorf("no VmRSS in /proc/%d/status", s.cmd.Process.Pid)
}

// stop sends SIGTERM and waits for the server to persist and exit.
func (s *server) stop() error {
	if s.cmd.ProcessState != nil {
		return nil
	}
	_ = s.cmd.Process.Signal(syscall.SIGTERM)
	done := make(chan error, 1)
	go func() { done <- s.cmd.Wait() }()
	select {
	case err := <-done:
		return err
	case <-time.After(time.Minute):
		_ = s.cmd.Process.Kill()
		return errors.New("jitpsim serve did not stop within a minute")
	}
}
