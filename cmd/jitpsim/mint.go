package main

import (
	"context"
	"encoding/csv"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/jitpsim/jitpsim/scenario"
	"github.com/jitpsim/jitpsim/sim"
	"github.com/jitpsim/jitpsim/sim/pki"
)

// mintOptions are the flags of `jitpsim mint`.
type mintOptions struct {
	count       int
	out         string
	keyType     string
	keyPool     int
	namePattern string
	firstIndex  int
	subject     string
	caCert      string
	caKey       string
}

func mintCmd(args []string, stdout, stderr io.Writer) (int, error) {
	var o mintOptions
	fs := flag.NewFlagSet("mint", flag.ContinueOnError)
	fs.IntVar(&o.count, "count", 0, "number of identities")
	fs.StringVar(&o.out, "out", "", "output directory")
	fs.StringVar(&o.keyType, "key-type", "ec-p256", "device key type: ec-p256 or rsa-2048")
	fs.IntVar(&o.keyPool, "key-pool", 0, "reuse this many keys round robin (never certificates)")
	fs.StringVar(&o.namePattern, "name-pattern", scenario.DefaultNamePattern, "device name (CN) pattern")
	fs.IntVar(&o.firstIndex, "first-index", 0, "index of the first device")
	fs.StringVar(&o.subject, "subject", "", `other subject fields, e.g. "C=US,ST=Oregon,L=Portland,O=Nordic Semiconductor,OU=R&D"`)
	fs.StringVar(&o.caCert, "ca-cert", "", "CA certificate PEM (with --ca-key); default: generate a CA")
	fs.StringVar(&o.caKey, "ca-key", "", "CA private key PEM (PKCS#1, PKCS#8 or SEC1)")
	pos, err := parseArgs(fs, args)
	if err != nil {
		return exitUsage, err
	}
	if len(pos) > 0 {
		return exitUsage, usagef("unexpected argument %q: jitpsim mint --count N --out DIR", pos[0])
	}
	if o.count < 1 || o.out == "" {
		return exitUsage, usagef("want --count N (at least 1) and --out DIR")
	}
	if (o.caCert == "") != (o.caKey == "") {
		return exitUsage, usagef("give both --ca-cert and --ca-key, or neither to generate a CA")
	}
	s, err := mintScenario(o)
	if err != nil {
		return exitUsage, usageError{err}
	}
	ca, err := mintCA(o)
	if err != nil {
		return exitUsage, usageError{err}
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	start := time.Now()
	n, err := mint(ctx, s, ca, o.caCert == "", o.out)
	if err != nil {
		return exitUsage, err
	}
	el := time.Since(start)
	fmt.Fprintf(stdout, "minted %d identities in %s (%.0f/s) into %s: devices/<name>.key (0600), .crt, -chain.crt; index.csv; ca.pem (and ca.key, 0600, for a generated CA)\n",
		n, el.Round(time.Millisecond), float64(n)/el.Seconds(), o.out)
	return exitPass, nil
}

// mintScenario builds the device section the minting uses from the flags,
// validated like a scenario file.
func mintScenario(o mintOptions) (*scenario.Scenario, error) {
	sub, err := parseSubject(o.subject)
	if err != nil {
		return nil, err
	}
	src := fmt.Sprintf("devices: {count: %d, name_pattern: %s, first_index: %d, key_type: %s, key_pool: %d}\n",
		o.count, strconv.Quote(o.namePattern), o.firstIndex, strconv.Quote(o.keyType), o.keyPool)
	s, err := scenario.Parse([]byte(src), "flags")
	if err != nil {
		return nil, err
	}
	s.Devices.Subject = sub
	return s, nil
}

// parseSubject reads "C=US,ST=Oregon,..." into subject fields.
func parseSubject(spec string) (scenario.Subject, error) {
	var sub scenario.Subject
	if strings.TrimSpace(spec) == "" {
		return sub, nil
	}
	fields := map[string]*string{
		"C": &sub.Country, "ST": &sub.State, "L": &sub.Locality, "O": &sub.Organization,
		"OU": &sub.OrganizationalUnit, "dnQualifier": &sub.DNQualifier, "serialNumber": &sub.SerialNumber,
	}
	for _, part := range strings.Split(strings.Trim(spec, "/"), ",") {
		k, v, ok := strings.Cut(part, "=")
		dst, known := fields[strings.TrimSpace(k)]
		if !ok || !known {
			return sub, fmt.Errorf("--subject: bad field %q (want KEY=VALUE with KEY one of C, ST, L, O, OU, dnQualifier, serialNumber; the CN comes from --name-pattern)", part)
		}
		*dst = strings.TrimSpace(v)
	}
	return sub, nil
}

// mintCA loads the CA from the flags or generates one.
func mintCA(o mintOptions) (*pki.CA, error) {
	if o.caCert != "" {
		return pki.LoadCA(o.caCert, o.caKey)
	}
	return pki.NewCA(scenario.DefaultCACommonName, pki.KeyEC256)
}

// mint writes the identities, the CA certificate (and its key, 0600, when the
// CA was generated here, since nothing else holds it) and an index into dir.
func mint(ctx context.Context, s *scenario.Scenario, ca *pki.CA, generated bool, dir string) (int, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return 0, err
	}
	if generated {
		if err := pki.SaveCA(dir, ca); err != nil {
			return 0, err
		}
	} else if err := os.WriteFile(filepath.Join(dir, pki.CACertFile), ca.CertPEM, 0o644); err != nil {
		return 0, err
	}
	store := &pki.IdentityStore{Dir: filepath.Join(dir, "devices")}
	f, err := os.Create(filepath.Join(dir, "index.csv"))
	if err != nil {
		return 0, err
	}
	defer f.Close()
	w := csv.NewWriter(f)
	_ = w.Write([]string{"index", "name", "certificate_id", "key", "cert", "chain"})
	ids := &sim.Identities{CA: ca, Scenario: s, Store: store}
	n := 0
	err = ids.Each(ctx, s.Devices.FirstIndex, s.Devices.Count, func(index int, id *pki.Identity, _ bool) error {
		name := s.DeviceName(index)
		n++
		return w.Write([]string{strconv.Itoa(index), name, id.ID,
			filepath.Join("devices", name+".key"), filepath.Join("devices", name+".crt"), filepath.Join("devices", name+"-chain.crt")})
	})
	w.Flush()
	if err == nil {
		err = w.Error()
	}
	return n, err
}
