package main

import (
	"flag"
	"fmt"
	"io"

	"github.com/jitpsim/jitpsim/scenario"
)

func validateCmd(args []string, stdout, _ io.Writer) (int, error) {
	fs := flag.NewFlagSet("validate", flag.ContinueOnError)
	pos, err := parseArgs(fs, args)
	if err != nil {
		return exitUsage, err
	}
	if len(pos) != 1 {
		return exitUsage, usagef("want one scenario file: jitpsim validate SCENARIO")
	}
	s, err := scenario.Load(pos[0])
	if err != nil {
		return exitUsage, usageError{err}
	}
	if _, err := loadTemplate(s); err != nil {
		return exitUsage, usageError{err}
	}
	if c := s.Capacity; c != nil {
		fmt.Fprintf(stdout, "%s: valid (capacity ramp: %d steps of %s from %g/s to %g/s, %d devices, %d gates)\n",
			pos[0], len(c.Steps(s.Devices.FirstIndex)), c.StepDuration, c.StartRate, c.MaxRate, s.Devices.Count, len(s.Gates))
		return exitPass, nil
	}
	fmt.Fprintf(stdout, "%s: valid (%d devices at %g/s, %d gates)\n", pos[0], s.Devices.Count, s.Arrival.Rate, len(s.Gates))
	return exitPass, nil
}
