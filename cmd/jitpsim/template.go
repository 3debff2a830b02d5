package main

import (
	"flag"
	"fmt"
	"io"
	"os"

	"github.com/jitpsim/jitpsim/sim/localiot/template"
)

// templateUsage is the synopsis of the template command.
const templateUsage = "jitpsim template render FILE [--role-arn ARN]"

// templateCmd is "jitpsim template render FILE": it reads a provisioning template in any form
// the stand-in accepts (typically the readable one, with templateBody and PolicyDocument as JSON
// objects) and prints the registration config that
// "aws iot register-ca-certificate --registration-config file://x.json" takes:
// {"templateBody": "<escaped body>", "roleArn": "..."}, each PolicyDocument escaped once more
// inside the body. A template that does not parse is exit 2 with the file and AWS's message.
func templateCmd(args []string, stdout, stderr io.Writer) (int, error) {
	if len(args) == 0 || args[0] != "render" {
		return exitUsage, usagef("want: %s", templateUsage)
	}
	fs := flag.NewFlagSet("template render", flag.ContinueOnError)
	roleArn := fs.String("role-arn", "", "set or replace the roleArn of the registration config")
	pos, err := parseArgs(fs, args[1:])
	if err != nil {
		return exitUsage, err
	}
	if len(pos) != 1 {
		return exitUsage, usagef("want one template file: %s", templateUsage)
	}
	file := pos[0]
	data, err := os.ReadFile(file)
	if err != nil {
		return exitUsage, usageError{err}
	}
	t, err := template.Parse(data)
	if err != nil {
		return exitUsage, usagef("%s: %v", file, err)
	}
	if *roleArn != "" {
		t = t.WithRoleArn(*roleArn)
	}
	if t.RoleArn() == "" {
		fmt.Fprintf(stderr, "jitpsim template: %s has no roleArn; register-ca-certificate needs one (use --role-arn)\n", file)
	}
	out, err := t.RegistrationConfig()
	if err != nil {
		return exitUsage, err
	}
	if _, err := stdout.Write(out); err != nil {
		return exitUsage, err
	}
	return exitPass, nil
}
