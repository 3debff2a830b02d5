package awsiot

import (
	"context"
	"errors"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/iot"
)

// Config says which account, and which endpoint, a Client talks to.
type Config struct {
	// Region is the AWS region, e.g. us-east-1.
	Region string
	// Profile names a profile of the shared config files; "" follows the
	// standard chain (environment, AWS_PROFILE or default, SSO, IMDS, ...).
	Profile string
	// EndpointURL replaces AWS's control-plane endpoint, e.g. the API URL of
	// `jitpsim serve`; "" is AWS's own.
	EndpointURL string
	// Rates overrides DefaultRates (see NewClient).
	Rates map[string]float64
}

// RealAccount reports whether the client talks to AWS itself rather than to
// an endpoint override.
func (c Config) RealAccount() bool { return c.EndpointURL == "" }

// ConfigError is a problem with the AWS configuration found before any call:
// no credentials, an unknown profile. Its message is one line saying what is
// missing.
type ConfigError struct {
	// Msg says what is missing and how to provide it.
	Msg string
}

// Error returns the message.
func (e *ConfigError) Error() string { return e.Msg }

// Open loads the AWS configuration and credentials from the standard chain
// with c's region and profile, checks that credentials are there, and returns
// a client for c's endpoint. Missing credentials are a *ConfigError.
func Open(ctx context.Context, c Config) (*Client, error) {
	opts := []func(*config.LoadOptions) error{config.WithRegion(c.Region)}
	if c.Profile != "" {
		opts = append(opts, config.WithSharedConfigProfile(c.Profile))
	}
	cfg, err := config.LoadDefaultConfig(ctx, opts...)
	if err != nil {
		var missing config.SharedConfigProfileNotExistError
		if errors.As(err, &missing) {
			return nil, &ConfigError{fmt.Sprintf("AWS profile %q (target.profile or AWS_PROFILE) is not in the shared config files (~/.aws/config, ~/.aws/credentials)", c.Profile)}
		}
		return nil, &ConfigError{fmt.Sprintf("AWS configuration: %v", err)}
	}
	if cfg.Credentials == nil {
		return nil, noCredentials(c)
	}
	if _, err := cfg.Credentials.Retrieve(ctx); err != nil {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		return nil, noCredentials(c)
	}
	tracker := &connTracker{}
	api := iot.NewFromConfig(cfg, func(o *iot.Options) {
		// After the SDK's own transport settings, which replace the dialer.
		if b, ok := o.HTTPClient.(*awshttp.BuildableClient); ok {
			o.HTTPClient = b.WithTransportOptions(tracker.transportOption)
		}
		o.Retryer = aws.NopRetryer{}
		if c.EndpointURL != "" {
			o.BaseEndpoint = aws.String(c.EndpointURL)
		}
	})
	client := NewClient(api, c.Rates)
	client.closeConns = tracker.closeAll
	return client, nil
}

// noCredentials says which credentials are missing and how to provide them.
func noCredentials(c Config) error {
	where := "the standard chain"
	if c.Profile != "" {
		where = fmt.Sprintf("profile %q", c.Profile)
	}
	return &ConfigError{fmt.Sprintf("no AWS credentials found (%s, region %s): set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, "+
		"or AWS_PROFILE (or target.profile) to a profile with credentials, or run aws sso login", where, c.Region)}
}
