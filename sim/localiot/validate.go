package localiot

import (
	"fmt"
	"regexp"
	"strings"
)

// Validation patterns of the AWS IoT API model.
var (
	thingNameRE = regexp.MustCompile(`^[a-zA-Z0-9:_-]{1,128}$`)
	attrNameRE  = regexp.MustCompile(`^[a-zA-Z0-9_.,@/:#-]{1,128}$`)
	attrValueRE = regexp.MustCompile(`^[a-zA-Z0-9_.,@/:#=\[\]-]{0,800}$`)
	policyRE    = regexp.MustCompile(`^[\w+=,.@-]{1,128}$`)
	certIDRE    = regexp.MustCompile(`^(0x)?[a-fA-F0-9]+$`)
)

// validationErr builds the InvalidRequestException AWS returns for a value failing its pattern.
func validationErr(field, value, pattern string) *Error {
	return apiErr(ErrInvalidRequest, "1 validation error detected: Value '%s' at '%s' failed to satisfy constraint: Member must satisfy regular expression pattern: %s", value, field, pattern)
}

// checkThingName validates a thing name, thing type name or billing group name in field.
func checkThingName(field, name string) error {
	if !thingNameRE.MatchString(name) {
		return validationErr(field, name, "[a-zA-Z0-9:_-]+")
	}
	return nil
}

// checkPolicyName validates a policy name.
func checkPolicyName(name string) error {
	if !policyRE.MatchString(name) {
		return validationErr("policyName", name, `[\w+=,.@-]+`)
	}
	return nil
}

// checkCertID validates a certificate ID in field.
func checkCertID(field, id string) error {
	if len(id) != 64 || !certIDRE.MatchString(id) {
		return validationErr(field, id, "(0x)?[a-fA-F0-9]+")
	}
	return nil
}

// checkAttributes validates thing attribute names and values.
func checkAttributes(attrs map[string]string) error {
	for k, v := range attrs {
		if !attrNameRE.MatchString(k) {
			return validationErr("attributePayload.attributes", k, "[a-zA-Z0-9_.,@/:#-]+")
		}
		if !attrValueRE.MatchString(v) {
			return validationErr(fmt.Sprintf("attributePayload.attributes.%s", k), v, `[a-zA-Z0-9_.,@/:#=\[\]-]*`)
		}
	}
	return nil
}

// normalID returns a certificate ID as the registry keys it: lower case.
func normalID(id string) string { return strings.ToLower(id) }
