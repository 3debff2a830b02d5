package awsiot

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"
	"sync"

	"github.com/aws/aws-sdk-go-v2/service/iot/types"
)

// Expectation is what the provisioning template says one device must have
// on the control plane.
type Expectation struct {
	// Device is the device's name (certificate CN, client ID).
	Device string `json:"name"`
	// CertificateID is the device certificate's ID.
	CertificateID string `json:"certificate_id"`
	// Thing is the thing the template names; "" when it names none.
	Thing string `json:"thing,omitempty"`
	// ThingType is the template's thing type; "" when it sets none.
	ThingType string `json:"thing_type,omitempty"`
	// Attributes are the template's attributes of the thing.
	Attributes map[string]string `json:"attributes,omitempty"`
	// Policies are the names of the template's policies.
	Policies []string `json:"policies,omitempty"`
	// PlanError is why the template cannot provision the device, "" when it can.
	PlanError string `json:"plan_error,omitempty"`
}

// Finding is one thing verify found wrong with a device.
type Finding struct {
	// Device is the device's name.
	Device string
	// Problem says what is wrong.
	Problem string
}

// String formats the finding as "device: problem".
func (f Finding) String() string { return f.Device + ": " + f.Problem }

// VerifyResult is what Verify found.
type VerifyResult struct {
	// Checked is the number of devices checked.
	Checked int
	// Violations is the number of devices with at least one finding.
	Violations int
	// Findings lists every finding, in device order.
	Findings []Finding
}

// Verify checks every expected device against the control plane: its
// certificate is ACTIVE under the CA, exactly one thing is attached to it,
// named as the template says, with the template's type and attributes, and
// the template's policies are attached. progress, when set, is called after
// each device. The error is for failures that stop the whole check (the CA
// cannot be listed, ctx is done); a device that cannot be checked is a
// finding.
func (c *Client) Verify(ctx context.Context, caID string, want []Expectation, workers int, progress func(done int)) (VerifyResult, error) {
	certs, err := c.CertificatesByCA(ctx, caID)
	if err != nil {
		return VerifyResult{}, fmt.Errorf("list the certificates of CA %s: %w", caID, err)
	}
	byID := make(map[string]Certificate, len(certs))
	for _, cert := range certs {
		byID[cert.ID] = cert
	}
	found := make([][]string, len(want))
	var mu sync.Mutex
	done := 0
	forEach(ctx, len(want), workers, func(i int) {
		found[i] = c.verifyOne(ctx, caID, byID, want[i])
		if progress != nil {
			mu.Lock()
			done++
			n := done
			mu.Unlock()
			progress(n)
		}
	})
	if err := ctx.Err(); err != nil {
		return VerifyResult{}, err
	}
	res := VerifyResult{Checked: len(want)}
	for i, problems := range found {
		if len(problems) > 0 {
			res.Violations++
		}
		for _, p := range problems {
			res.Findings = append(res.Findings, Finding{Device: want[i].Device, Problem: p})
		}
	}
	return res, nil
}

// verifyOne checks one device and returns its problems.
func (c *Client) verifyOne(ctx context.Context, caID string, byID map[string]Certificate, w Expectation) []string {
	if w.PlanError != "" {
		return []string{"the template cannot provision this device: " + w.PlanError}
	}
	cert, ok := byID[w.CertificateID]
	if !ok {
		return []string{c.missingCertificate(ctx, caID, w.CertificateID)}
	}
	var problems []string
	if cert.Status != string(types.CertificateStatusActive) {
		problems = append(problems, fmt.Sprintf("certificate %s is %s, want ACTIVE", short(cert.ID), cert.Status))
	}
	things, err := c.thingsOf(ctx, cert.ARN)
	if err != nil {
		return append(problems, "could not list the things of its certificate: "+err.Error())
	}
	name := w.Thing
	switch {
	case w.Thing == "" && len(things) == 0:
	case len(things) != 1:
		problems = append(problems, fmt.Sprintf("%d things attached to its certificate (%s), want exactly 1", len(things), strings.Join(things, ", ")))
	case things[0] != w.Thing:
		problems = append(problems, fmt.Sprintf("thing %s attached, but the template names %s", things[0], w.Thing))
		name = things[0]
	}
	if name != "" && len(things) > 0 {
		problems = append(problems, c.checkThing(ctx, name, w)...)
	}
	if len(w.Policies) > 0 {
		attached, err := c.policiesOf(ctx, cert.ARN)
		if err != nil {
			return append(problems, "could not list the policies of its certificate: "+err.Error())
		}
		for _, p := range w.Policies {
			if !slices.Contains(attached, p) {
				problems = append(problems, fmt.Sprintf("policy %s is not attached to its certificate", short(p)))
			}
		}
	}
	return problems
}

// checkThing compares a thing's type and attributes with the template's.
func (c *Client) checkThing(ctx context.Context, name string, w Expectation) []string {
	th, err := c.describeThing(ctx, name)
	if err != nil {
		return []string{fmt.Sprintf("could not describe thing %s: %v", name, err)}
	}
	var problems []string
	if w.ThingType != "" && th.typeName != w.ThingType {
		problems = append(problems, fmt.Sprintf("thing %s has type %q, the template says %q", name, th.typeName, w.ThingType))
	}
	for _, k := range slices.Sorted(maps.Keys(w.Attributes)) {
		got, ok := th.attributes[k]
		switch {
		case !ok:
			problems = append(problems, fmt.Sprintf("thing %s has no attribute %s (template: %q)", name, k, w.Attributes[k]))
		case got != w.Attributes[k]:
			problems = append(problems, fmt.Sprintf("thing %s attribute %s = %q, the template says %q", name, k, got, w.Attributes[k]))
		}
	}
	return problems
}

// missingCertificate explains a certificate that is not among the CA's.
func (c *Client) missingCertificate(ctx context.Context, caID, id string) string {
	_, other, err := c.describeCertificate(ctx, id)
	switch {
	case IsNotFound(err):
		return fmt.Sprintf("certificate %s is not registered", short(id))
	case err != nil:
		return fmt.Sprintf("certificate %s is not among the CA's and could not be described: %v", short(id), err)
	}
	return fmt.Sprintf("certificate %s is registered under CA %s, not the run's CA %s", short(id), short(other), short(caID))
}

// short abbreviates a 64-hex ID to its first 12 characters for messages.
func short(id string) string {
	if len(id) == 64 {
		return id[:12]
	}
	return id
}
