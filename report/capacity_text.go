package report

import (
	"bytes"
	"fmt"
	"strings"
	"text/tabwriter"
)

// writeCapacity writes a capacity ramp's knee and its table of steps.
func writeCapacity(b *bytes.Buffer, s *Summary) {
	c := s.Capacity
	if c == nil {
		return
	}
	b.WriteString("\ncapacity\n")
	if k := c.Knee; k != nil {
		fmt.Fprintf(b, "  knee: %.1f provisioned/s sustained within the gates (step %d, %.1f/s offered, provision p99 %sms)\n",
			k.AchievedRate, k.Step, k.OfferedRate, formatMs(k.ProvisionP99))
	} else {
		b.WriteString("  knee: none; the first step already broke the gates\n")
	}
	fmt.Fprintf(b, "  stopped: %s\n", c.Stopped)
	var table bytes.Buffer
	tw := tabwriter.NewWriter(&table, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprint(tw, "  step\toffered/s\tachieved/s\tdevices\tp50 ms\tp99 ms\terrors\t\t\n")
	for _, st := range c.Steps {
		p50, p99 := "-", "-"
		if st.Succeeded > 0 || st.ProvisionP99 > 0 {
			p50, p99 = formatMs(st.ProvisionP50), formatMs(st.ProvisionP99)
		}
		verdict := "within"
		if !st.Within {
			verdict = "OUT: " + strings.Join(st.Failures, "; ")
		}
		fmt.Fprintf(tw, "  %d\t%.1f\t%.1f\t%d\t%s\t%s\t%.1f%%\t \t%s\n", st.Step, st.OfferedRate, st.AchievedRate,
			st.Devices, p50, p99, st.ErrorPct, verdict)
	}
	_ = tw.Flush()
	writeTrimmed(b, table.String())
}

// writeTrimmed writes a tabwriter table without the padding at line ends.
func writeTrimmed(b *bytes.Buffer, table string) {
	for _, line := range strings.SplitAfter(table, "\n") {
		b.WriteString(strings.TrimRight(line, " \n"))
		if strings.HasSuffix(line, "\n") {
			b.WriteByte('\n')
		}
	}
}
