package report

import (
	"encoding/xml"
	"fmt"
	"io"
	"strconv"
	"strings"
)

// JUnit XML as Jenkins, GitLab and GitHub test reporters read it: a
// testsuites root, one testsuite per kind of check, one testcase per check,
// and a failure element with a message for each check that failed.
type (
	junitSuites struct {
		XMLName  xml.Name     `xml:"testsuites"`
		Name     string       `xml:"name,attr"`
		Tests    int          `xml:"tests,attr"`
		Failures int          `xml:"failures,attr"`
		Errors   int          `xml:"errors,attr"`
		Time     string       `xml:"time,attr"`
		Suites   []junitSuite `xml:"testsuite"`
	}
	junitSuite struct {
		Name      string `xml:"name,attr"`
		Tests     int    `xml:"tests,attr"`
		Failures  int    `xml:"failures,attr"`
		Errors    int    `xml:"errors,attr"`
		Skipped   int    `xml:"skipped,attr"`
		Time      string `xml:"time,attr"`
		Timestamp string `xml:"timestamp,attr,omitempty"`
		// Properties say which shards the run covers, for a shard or a merge.
		Properties *junitProperties `xml:"properties,omitempty"`
		Cases      []junitCase      `xml:"testcase"`
	}
	junitProperties struct {
		Items []junitProperty `xml:"property"`
	}
	junitProperty struct {
		Name  string `xml:"name,attr"`
		Value string `xml:"value,attr"`
	}
	junitCase struct {
		Name      string        `xml:"name,attr"`
		Classname string        `xml:"classname,attr"`
		Time      string        `xml:"time,attr"`
		Failure   *junitFailure `xml:"failure,omitempty"`
		SystemOut string        `xml:"system-out,omitempty"`
	}
	junitFailure struct {
		Message string `xml:"message,attr"`
		Type    string `xml:"type,attr"`
		Text    string `xml:",chardata"`
	}
)

// WriteJUnit writes the run as JUnit XML: a testsuite "gates" with one
// testcase per gate; a testsuite "outcomes" with one testcase per failing
// outcome class that occurred; and, for an interrupted, aborted or capacity
// run, a testsuite "run" with one testcase for that. Outcome testcases fail
// only when the run failed, so the test report and the exit code agree; when
// the gates tolerated the failures they pass and say so in system-out.
func WriteJUnit(w io.Writer, s *Summary) error {
	prefix := "jitpsim"
	if s.Scenario != "" {
		prefix += "." + junitName(s.Scenario)
	}
	dur := strconv.FormatFloat(s.DurationS, 'f', 3, 64)
	stamp := ""
	if !s.StartedAt.IsZero() {
		stamp = s.StartedAt.UTC().Format("2006-01-02T15:04:05")
	}
	runFailed := !s.Passed || s.Interrupted

	gates := junitSuite{Name: prefix + ".gates", Time: dur, Timestamp: stamp}
	for _, g := range s.Gates {
		c := junitCase{Name: g.Expr, Classname: gates.Name, Time: "0"}
		detail := gateDetail(g)
		if g.Passed {
			c.SystemOut = detail
		} else {
			c.Failure = &junitFailure{Type: "gate", Message: g.Expr + ": " + detail,
				Text: fmt.Sprintf("gate %s failed: %s", g.Expr, detail)}
		}
		gates.add(c)
	}

	outcomes := junitSuite{Name: prefix + ".outcomes", Time: dur, Timestamp: stamp}
	for _, o := range Outcomes() {
		n := s.Outcomes[o]
		if o.Success() || n == 0 {
			continue
		}
		msg := fmt.Sprintf("%d of %d completed devices ended %s", n, s.Devices.Completed, o)
		text := msg
		if rs := s.Reasons[o]; len(rs) > 0 {
			text += "\nsample reasons:\n  " + strings.Join(rs, "\n  ")
		}
		c := junitCase{Name: "outcome " + string(o), Classname: outcomes.Name, Time: "0"}
		if runFailed {
			c.Failure = &junitFailure{Type: "outcome", Message: msg, Text: text}
		} else {
			c.SystemOut = text + "\n(tolerated: every gate passed)"
		}
		outcomes.add(c)
	}

	root := junitSuites{Name: prefix, Time: dur}
	var props *junitProperties
	if note := s.ShardNote(); note != "" {
		props = &junitProperties{Items: []junitProperty{{Name: "shards", Value: note}}}
	}
	gates.Properties, outcomes.Properties = props, props
	root.add(gates)
	if len(outcomes.Cases) > 0 {
		root.add(outcomes)
	}
	if run := runSuite(s, prefix, dur, stamp); len(run.Cases) > 0 {
		run.Properties = props
		root.add(run)
	}

	if _, err := io.WriteString(w, xml.Header); err != nil {
		return err
	}
	enc := xml.NewEncoder(w)
	enc.Indent("", "  ")
	if err := enc.Encode(root); err != nil {
		return fmt.Errorf("write junit.xml: %w", err)
	}
	_, err := io.WriteString(w, "\n")
	return err
}

// runSuite holds a testcase for a run that stopped early and one for the knee
// of a capacity ramp.
func runSuite(s *Summary, prefix, dur, stamp string) junitSuite {
	run := junitSuite{Name: prefix + ".run", Time: dur, Timestamp: stamp}
	if s.Interrupted {
		c := junitCase{Name: "run completed", Classname: run.Name, Time: dur}
		msg := fmt.Sprintf("interrupted: %d of %d devices completed", s.Devices.Completed, s.Devices.Planned)
		if s.Aborted != "" {
			msg = fmt.Sprintf("aborted: gate %s can no longer pass (%d of %d devices completed)",
				s.Aborted, s.Devices.Completed, s.Devices.Planned)
		}
		c.Failure = &junitFailure{Type: "run", Message: msg, Text: msg}
		run.add(c)
	}
	if c := s.Capacity; c != nil {
		tc := junitCase{Name: "capacity knee", Classname: run.Name, Time: dur}
		if c.Knee != nil {
			tc.SystemOut = fmt.Sprintf("knee at step %d: %.1f/s offered, %.1f/s achieved; %s",
				c.Knee.Step, c.Knee.OfferedRate, c.Knee.AchievedRate, c.Stopped)
		} else {
			msg := "no step stayed within the gates; " + c.Stopped
			tc.Failure = &junitFailure{Type: "capacity", Message: msg, Text: msg}
		}
		run.add(tc)
	}
	return run
}

func (st *junitSuite) add(c junitCase) {
	st.Tests++
	if c.Failure != nil {
		st.Failures++
	}
	st.Cases = append(st.Cases, c)
}

func (r *junitSuites) add(st junitSuite) {
	r.Tests += st.Tests
	r.Failures += st.Failures
	r.Suites = append(r.Suites, st)
}

// gateDetail says what a gate's metric was, or why it has no value.
func gateDetail(g GateResult) string {
	if g.Value != nil {
		return "value " + formatMetric(g.Metric, *g.Value)
	}
	if g.Reason != "" {
		return g.Reason
	}
	return "no value"
}

// junitName makes a scenario name safe as a dotted class name component.
func junitName(s string) string {
	return strings.Map(func(r rune) rune {
		if r == ' ' || r == '.' || r == '/' {
			return '_'
		}
		return r
	}, s)
}
