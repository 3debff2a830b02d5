package awsiot

import (
	"context"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iot"

	"github.com/jitpsim/jitpsim/sim/localiot/template"
)

// CreateResources creates what a provisioning plan names and JITP expects to
// exist: the thing type, thing groups and billing group, and each policy with
// a document (JITP would create it on the first device; creating it first
// keeps that off the provisioning path). A policy named without a document
// must exist already; when it does not, that is an error saying so. It
// returns one line per resource: "ready" (created, or there with the same
// settings), or "exists" (there already, left as it is).
func (c *Client) CreateResources(ctx context.Context, plan *template.Plan) ([]string, error) {
	var done []string
	note := func(kind, name string, err error) error {
		switch {
		case err == nil:
			done = append(done, fmt.Sprintf("%s %s: ready", kind, name)) // Create* is idempotent for the same settings
		case hasCode(err, "ResourceAlreadyExistsException"):
			done = append(done, fmt.Sprintf("%s %s: exists", kind, name))
		default:
			return fmt.Errorf("create %s %s: %w", kind, name, err)
		}
		return nil
	}
	if th := plan.Thing; th != nil {
		if th.TypeName != "" {
			if err := note("thing type", th.TypeName, c.call(ctx, "CreateThingType", func(ctx context.Context) error {
				_, err := c.api.CreateThingType(ctx, &iot.CreateThingTypeInput{ThingTypeName: aws.String(th.TypeName)})
				return err
			})); err != nil {
				return done, err
			}
		}
		for _, g := range th.Groups {
			if err := note("thing group", g, c.call(ctx, "CreateThingGroup", func(ctx context.Context) error {
				_, err := c.api.CreateThingGroup(ctx, &iot.CreateThingGroupInput{ThingGroupName: aws.String(g)})
				return err
			})); err != nil {
				return done, err
			}
		}
		if b := th.BillingGroup; b != "" {
			if err := note("billing group", b, c.call(ctx, "CreateBillingGroup", func(ctx context.Context) error {
				_, err := c.api.CreateBillingGroup(ctx, &iot.CreateBillingGroupInput{BillingGroupName: aws.String(b)})
				return err
			})); err != nil {
				return done, err
			}
		}
	}
	for _, p := range plan.Policies {
		if p.Document == "" {
			err := c.call(ctx, "GetPolicy", func(ctx context.Context) error {
				_, err := c.api.GetPolicy(ctx, &iot.GetPolicyInput{PolicyName: aws.String(p.Name)})
				return err
			})
			switch {
			case IsNotFound(err):
				return done, fmt.Errorf("policy %s: the template names it without a PolicyDocument, so it must exist; create it first (aws iot create-policy)", p.Name)
			case err != nil:
				return done, fmt.Errorf("policy %s: %w", p.Name, err)
			}
			done = append(done, fmt.Sprintf("policy %s: exists", p.Name))
			continue
		}
		if err := note("policy", p.Name, c.call(ctx, "CreatePolicy", func(ctx context.Context) error {
			_, err := c.api.CreatePolicy(ctx, &iot.CreatePolicyInput{PolicyName: aws.String(p.Name), PolicyDocument: aws.String(p.Document)})
			return err
		})); err != nil {
			return done, err
		}
	}
	return done, nil
}
