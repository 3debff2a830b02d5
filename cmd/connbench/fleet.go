package main

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"os"
	"runtime"
	"sync"
	"sync/atomic"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iot"
	"github.com/aws/aws-sdk-go-v2/service/iot/types"

	"github.com/jitpsim/jitpsim/sim/localiot/template"
	"github.com/jitpsim/jitpsim/sim/pki"
)

// fleet is the devices of the benchmark, all signed by one CA.
type fleet struct {
	ca  *pki.CA
	ids []*pki.Identity
}

// newFleet mints n device identities in parallel.
func newFleet(n int) (*fleet, error) {
	ca, err := pki.NewCA("connbench CA", pki.KeyEC256)
	if err != nil {
		return nil, err
	}
	f := &fleet{ca: ca, ids: make([]*pki.Identity, n)}
	var next atomic.Int64
	var wg sync.WaitGroup
	errs := make([]error, runtime.GOMAXPROCS(0))
	for w := range errs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := int(next.Add(1) - 1); i < n; i = int(next.Add(1) - 1) {
				f.ids[i], errs[w] = ca.Mint(i, pki.Subject{CommonName: fmt.Sprintf("bench-%06d", i)}, pki.KeyEC256)
				if errs[w] != nil {
					return
				}
			}
		}()
	}
	wg.Wait()
	return f, errors.Join(errs...)
}

// register registers the fleet's CA through the API with the classic template.
func (f *fleet) register(ctx context.Context, s *server) error {
	code, err := s.cli.GetRegistrationCode(ctx, &iot.GetRegistrationCodeInput{})
	if err != nil {
		return err
	}
	v, err := f.ca.Mint(-1, pki.Subject{CommonName: *code.RegistrationCode}, pki.KeyEC256)
	if err != nil {
		return err
	}
	_, err = s.cli.RegisterCACertificate(ctx, &iot.RegisterCACertificateInput{
		CaCertificate:           aws.String(string(f.ca.CertPEM)),
		VerificationCertificate: aws.String(string(v.CertPEM())),
		SetAsActive:             true,
		AllowAutoRegistration:   true,
		RegistrationConfig:      &types.RegistrationConfig{TemplateBody: aws.String(template.Classic().Body()), RoleArn: aws.String("arn:aws:iam::123456789012:role/JITPRole")},
	})
	return err
}

// provision sends every device's first CONNECT (dropped: JITP registers the certificate) and
// waits until the server reports all certificates ACTIVE.
func (f *fleet) provision(ctx context.Context, s *server, concurrency int) error {
	err := f.each(concurrency, func(id *pki.Identity) error {
		c, ok, err := dialConnect(ctx, s, id)
		if err == nil && c != nil {
			_ = c.Close()
		}
		if err == nil && ok {
			err = fmt.Errorf("%s: first connect was not dropped", id.Leaf().Subject.CommonName)
		}
		return err
	})
	if err != nil {
		return err
	}
	for deadline := time.Now().Add(5 * time.Minute); time.Now().Before(deadline); time.Sleep(500 * time.Millisecond) {
		active, err := countActive(ctx, s, f.ca)
		if err != nil {
			return err
		}
		if active == len(f.ids) {
			return nil
		}
	}
	return errors.New("devices still not ACTIVE after 5 minutes")
}

// countActive pages through ListCertificatesByCA and counts ACTIVE certificates.
func countActive(ctx context.Context, s *server, ca *pki.CA) (int, error) {
	n := 0
	p := iot.NewListCertificatesByCAPaginator(s.cli, &iot.ListCertificatesByCAInput{CaCertificateId: aws.String(pki.CertificateID(ca.Cert.Raw)), PageSize: aws.Int32(250)})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return 0, err
		}
		for _, c := range page.Certificates {
			if c.Status == types.CertificateStatusActive {
				n++
			}
		}
	}
	return n, nil
}

// connectAll connects every device and keeps the connections open.
func (f *fleet) connectAll(ctx context.Context, s *server, concurrency int) ([]*tls.Conn, error) {
	var mu sync.Mutex
	conns := make([]*tls.Conn, 0, len(f.ids))
	err := f.each(concurrency, func(id *pki.Identity) error {
		c, ok, err := dialConnect(ctx, s, id)
		if err == nil && !ok {
			err = fmt.Errorf("%s: refused", id.Leaf().Subject.CommonName)
		}
		if err != nil {
			if c != nil {
				_ = c.Close()
			}
			return err
		}
		mu.Lock()
		conns = append(conns, c)
		mu.Unlock()
		return nil
	})
	if err != nil {
		closeAll(conns)
		return nil, err
	}
	return conns, nil
}

// each runs fn for every device, concurrency at a time, and returns the first error.
func (f *fleet) each(concurrency int, fn func(*pki.Identity) error) error {
	sem := make(chan struct{}, concurrency)
	var wg sync.WaitGroup
	var first error
	var once sync.Once
	for _, id := range f.ids {
		sem <- struct{}{}
		wg.Add(1)
		go func() {
			defer func() { <-sem; wg.Done() }()
			if err := fn(id); err != nil {
				once.Do(func() { first = err })
			}
		}()
	}
	wg.Wait()
	return first
}

// dialConnect opens a TLS connection as id, sends an MQTT 3.1.1 CONNECT (keepalive 1200 s, AWS's
// maximum) and reports whether CONNACK accepted it; the connection is returned either way.
func dialConnect(ctx context.Context, s *server, id *pki.Identity) (*tls.Conn, bool, error) {
	caPEM, err := os.ReadFile(s.caFile)
	if err != nil {
		return nil, false, err
	}
	pool := x509.NewCertPool()
	pool.AppendCertsFromPEM(caPEM)
	d := &tls.Dialer{Config: &tls.Config{RootCAs: pool, ServerName: s.endpoint, Certificates: []tls.Certificate{id.TLS}}}
	dctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	nc, err := d.DialContext(dctx, "tcp", s.mqttAddr)
	if err != nil {
		return nil, false, err
	}
	c := nc.(*tls.Conn)
	cn := id.Leaf().Subject.CommonName
	vh := []byte{0, 4, 'M', 'Q', 'T', 'T', 4, 0x02, 0x04, 0xB0, 0, byte(len(cn))}
	if _, err := c.Write(append(append([]byte{0x10, byte(len(vh) + len(cn))}, vh...), cn...)); err != nil {
		return c, false, err
	}
	_ = c.SetReadDeadline(time.Now().Add(30 * time.Second))
	reply := make([]byte, 4)
	_, err = io.ReadFull(c, reply)
	_ = c.SetReadDeadline(time.Time{})
	if err != nil {
		return c, false, nil // closed without CONNACK
	}
	return c, string(reply) == "\x20\x02\x00\x00", nil
}

// closeAll closes the connections.
func closeAll(conns []*tls.Conn) {
	for _, c := range conns {
		_ = c.Close()
	}
}
