package awsiot

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"
)

// Cleanup stages of one certificate.
const (
	// StageCertificateDeleted means the certificate is gone; the things in
	// CleanupState.Things are still to delete.
	StageCertificateDeleted = "certificate-deleted"
	// StageDone means nothing is left to do.
	StageDone = "done"
)

// CleanupState is how far the cleanup of one certificate got. The caller
// keeps it (in the run file), so a later cleanup continues where an
// interrupted one stopped and skips what is done.
type CleanupState struct {
	// Stage is "" (not started), StageCertificateDeleted or StageDone.
	Stage string `json:"stage,omitempty"`
	// Things are the things still to delete once the certificate is gone.
	Things []string `json:"things,omitempty"`
	// Left says why something was left the last time, "" when nothing was.
	Left string `json:"left,omitempty"`
}

// CleanupTarget is one device certificate to remove, with its state.
type CleanupTarget struct {
	// CertificateID is the certificate to remove.
	CertificateID string
	// ARN is the certificate's ARN; "" looks it up with DescribeCertificate.
	ARN string
	// Thing is the thing the device's template names, the only thing that is
	// deleted; "" deletes every thing of the certificate that has no other
	// principal (cleanup of a whole CA).
	Thing string
	// State is read, and updated once the target is done with (never by a
	// dry run); nil starts from scratch.
	State *CleanupState
}

// CleanupCounts counts what a cleanup did, or in a dry run would do.
type CleanupCounts struct {
	// Deactivated counts certificates set INACTIVE.
	Deactivated int
	// PoliciesDetached counts policies detached from certificates.
	PoliciesDetached int
	// ThingsDetached counts things detached from certificates.
	ThingsDetached int
	// CertificatesDeleted counts certificates deleted.
	CertificatesDeleted int
	// ThingsDeleted counts things deleted.
	ThingsDeleted int
	// ThingsKept counts detached things that are not the template's thing
	// for the device, which cleanup never deletes.
	ThingsKept int
	// Absent counts certificates that were not registered (never, or removed elsewhere).
	Absent int
	// Skipped counts certificates whose cleanup was done before.
	Skipped int
	// Left counts certificates with something left; CleanupState.Left says why.
	Left int
}

// add adds o to c.
func (c *CleanupCounts) add(o CleanupCounts) {
	c.Deactivated += o.Deactivated
	c.PoliciesDetached += o.PoliciesDetached
	c.ThingsDetached += o.ThingsDetached
	c.CertificatesDeleted += o.CertificatesDeleted
	c.ThingsDeleted += o.ThingsDeleted
	c.ThingsKept += o.ThingsKept
	c.Absent += o.Absent
	c.Skipped += o.Skipped
	c.Left += o.Left
}

// CleanupOptions tune Cleanup.
type CleanupOptions struct {
	// DryRun makes only read calls and counts what would be done.
	DryRun bool
	// Workers is how many certificates are worked on at once (default DefaultWorkers).
	Workers int
	// Progress, when set, is called after each certificate with the number
	// done, while no state is being updated, so it may save the states.
	Progress func(done int)
}

// Cleanup removes each target's certificate with what JITP made for it: it
// sets the certificate INACTIVE, detaches its policies and things, deletes it,
// then deletes the template's thing once no other principal is attached.
// Targets whose state is StageDone are skipped without a call. The error is
// for ctx only; a certificate that cannot be cleaned up counts in Left.
func (c *Client) Cleanup(ctx context.Context, targets []CleanupTarget, o CleanupOptions) (CleanupCounts, error) {
	if o.Workers <= 0 {
		o.Workers = DefaultWorkers
	}
	var mu sync.Mutex
	var total CleanupCounts
	done := 0
	forEach(ctx, len(targets), o.Workers, func(i int) {
		t := targets[i]
		var st CleanupState
		if t.State != nil {
			st = *t.State
			st.Things = slices.Clone(st.Things)
		}
		n := c.cleanupOne(ctx, t, &st, o.DryRun)
		mu.Lock()
		defer mu.Unlock()
		if t.State != nil && !o.DryRun {
			*t.State = st
		}
		total.add(n)
		done++
		if o.Progress != nil {
			o.Progress(done)
		}
	})
	return total, ctx.Err()
}

// cleanupOne cleans up one certificate and its things, updating st.
func (c *Client) cleanupOne(ctx context.Context, t CleanupTarget, st *CleanupState, dry bool) CleanupCounts {
	var n CleanupCounts
	if st.Stage == StageDone {
		n.Skipped++
		return n
	}
	st.Left = ""
	if st.Stage == "" {
		things, absent, err := c.removeCertificate(ctx, &t, dry, &n)
		switch {
		case err != nil:
			st.Left = err.Error()
			n.Left++
			return n
		case absent:
			n.Absent++
			st.Stage = StageDone
			return n
		}
		st.Things, st.Stage = things, StageCertificateDeleted
	}
	var remaining, why []string
	for _, th := range st.Things {
		if err := c.removeThing(ctx, th, t.ARN, dry, &n); err != nil {
			remaining = append(remaining, th)
			why = append(why, err.Error())
		}
	}
	st.Things = remaining
	if len(why) > 0 {
		st.Left = strings.Join(why, "; ")
		n.Left++
		return n
	}
	st.Stage = StageDone
	return n
}

// removeCertificate deactivates, detaches and deletes one certificate and
// returns the detached things that are to be deleted; absent is true when
// the certificate is not registered.
func (c *Client) removeCertificate(ctx context.Context, t *CleanupTarget, dry bool, n *CleanupCounts) (deletable []string, absent bool, err error) {
	if t.ARN == "" || dry {
		cert, _, err := c.describeCertificate(ctx, t.CertificateID)
		if IsNotFound(err) {
			return nil, true, nil
		}
		if err != nil {
			return nil, false, fmt.Errorf("describe certificate %s: %w", short(t.CertificateID), err)
		}
		t.ARN = cert.ARN
	}
	if !dry {
		err := c.deactivate(ctx, t.CertificateID)
		if IsNotFound(err) {
			return nil, true, nil
		}
		if err != nil {
			return nil, false, fmt.Errorf("set certificate %s INACTIVE: %w", short(t.CertificateID), err)
		}
	}
	n.Deactivated++
	policies, err := c.policiesOf(ctx, t.ARN)
	if err != nil {
		return nil, false, fmt.Errorf("list the policies of certificate %s: %w", short(t.CertificateID), err)
	}
	for _, p := range policies {
		if !dry {
			if err := c.detachPolicy(ctx, p, t.ARN); err != nil && !IsNotFound(err) {
				return nil, false, fmt.Errorf("detach policy %s: %w", short(p), err)
			}
		}
		n.PoliciesDetached++
	}
	things, err := c.thingsOf(ctx, t.ARN)
	if err != nil {
		return nil, false, fmt.Errorf("list the things of certificate %s: %w", short(t.CertificateID), err)
	}
	for _, th := range things {
		if !dry {
			if err := c.detachThing(ctx, th, t.ARN); err != nil && !IsNotFound(err) {
				return nil, false, fmt.Errorf("detach thing %s: %w", th, err)
			}
		}
		n.ThingsDetached++
		if t.Thing == "" || th == t.Thing {
			deletable = append(deletable, th)
		} else {
			n.ThingsKept++
		}
	}
	if !dry {
		if err := c.deleteCertificate(ctx, t.CertificateID); err != nil && !IsNotFound(err) {
			return nil, false, fmt.Errorf("delete certificate %s: %w", short(t.CertificateID), err)
		}
	}
	n.CertificatesDeleted++
	return deletable, false, nil
}

// removeThing deletes a thing unless a principal other than the device's
// certificate is attached to it; a thing that is gone already is no error.
func (c *Client) removeThing(ctx context.Context, name, certARN string, dry bool, n *CleanupCounts) error {
	principals, err := c.principalsOf(ctx, name)
	if IsNotFound(err) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("list the principals of thing %s: %w", name, err)
	}
	others := slices.DeleteFunc(principals, func(p string) bool { return p == certARN })
	if len(others) > 0 {
		return fmt.Errorf("thing %s kept: %d other principal(s) attached", name, len(others))
	}
	if !dry {
		if err := c.deleteThing(ctx, name); err != nil && !IsNotFound(err) {
			return fmt.Errorf("delete thing %s: %w", name, err)
		}
	}
	n.ThingsDeleted++
	return nil
}
