package template

import (
	"fmt"
	"regexp"
	"strings"
)

// Certificate statuses a template may set.
const (
	// StatusActive lets the certificate connect; it is the default.
	StatusActive = "ACTIVE"
	// StatusInactive registers the certificate without letting it connect.
	StatusInactive = "INACTIVE"
)

// Validation patterns from the AWS IoT API model.
var (
	thingNameRE = regexp.MustCompile(`^[a-zA-Z0-9:_-]{1,128}$`)
	attrNameRE  = regexp.MustCompile(`^[a-zA-Z0-9_.,@/:#-]{1,128}$`)
	attrValueRE = regexp.MustCompile(`^[a-zA-Z0-9_.,@/:#=\[\]-]{0,800}$`)
	policyRE    = regexp.MustCompile(`^[\w+=,.@-]{1,128}$`)
)

// normalStatus accepts ACTIVE or INACTIVE in any case and returns it upper case.
func normalStatus(s string) (string, error) {
	switch u := strings.ToUpper(s); u {
	case StatusActive, StatusInactive:
		return u, nil
	}
	return "", fmt.Errorf("certificate Status %q must be ACTIVE or INACTIVE", s)
}

// validThingName checks a thing name against AWS's pattern [a-zA-Z0-9:_-]{1,128}.
func validThingName(s string) error { return validName("thing name", s) }

// validName checks a thing, thing type, thing group or billing group name; what names the kind.
func validName(what, s string) error {
	if !thingNameRE.MatchString(s) {
		return fmt.Errorf("%s %q does not match [a-zA-Z0-9:_-]{1,128}", what, s)
	}
	return nil
}

// validAttribute checks a thing attribute name and value against AWS's patterns.
func validAttribute(name, value string) error {
	if !attrNameRE.MatchString(name) {
		return fmt.Errorf("attribute name %q does not match [a-zA-Z0-9_.,@/:#-]{1,128}", name)
	}
	if !attrValueRE.MatchString(value) {
		return fmt.Errorf("value %q of attribute %s does not match [a-zA-Z0-9_.,@/:#=\\[\\]-]{0,800}", value, name)
	}
	return nil
}

// validPolicyName checks a policy name against AWS's pattern [\w+=,.@-]{1,128}.
func validPolicyName(s string) error {
	if !policyRE.MatchString(s) {
		return fmt.Errorf("policy name %q does not match [\\w+=,.@-]{1,128}", s)
	}
	return nil
}
