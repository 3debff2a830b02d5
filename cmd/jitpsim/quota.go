package main

import (
	"flag"
	"io"
	"strings"

	"github.com/jitpsim/jitpsim/report"
)

// quotaFlag collects repeated --quota name=value overrides.
type quotaFlag []string

func (q *quotaFlag) String() string     { return strings.Join(*q, ",") }
func (q *quotaFlag) Set(v string) error { *q = append(*q, v); return nil }

// quotaCmd estimates which AWS IoT quota binds first when onboarding N
// devices through JITP, and the shortest time to onboard them all.
func quotaCmd(args []string, stdout, _ io.Writer) (int, error) {
	fs := flag.NewFlagSet("quota", flag.ContinueOnError)
	devices := fs.Int("devices", 0, "number of devices to onboard")
	var overrides quotaFlag
	fs.Var(&overrides, "quota", "override a quota: name=per-second, or uses:name=per-device (repeatable)")
	pos, err := parseArgs(fs, args)
	if err != nil {
		return exitUsage, err
	}
	if len(pos) != 0 || *devices < 1 {
		return exitUsage, usagef("want --devices N (at least 1): jitpsim quota --devices N [--quota name=value ...]")
	}
	quotas := report.DefaultQuotas()
	for _, o := range overrides {
		if err := report.ParseQuotaOverride(quotas, o); err != nil {
			return exitUsage, usageError{err}
		}
	}
	e, err := report.EstimateQuotas(*devices, quotas)
	if err != nil {
		return exitUsage, usageError{err}
	}
	return exitPass, report.WriteQuotaText(stdout, e)
}
