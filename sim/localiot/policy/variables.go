package policy

import "strings"

// Names of the policy variables and condition keys the stand-in fills in.
const (
	// VarClientID is the MQTT client ID from CONNECT.
	VarClientID = "iot:ClientId"
	// VarThingName is the name of the thing named by the client ID, when the certificate is attached to it.
	VarThingName = "iot:Connection.Thing.ThingName"
	// VarThingTypeName is the thing type of that thing, when it has one.
	VarThingTypeName = "iot:Connection.Thing.ThingTypeName"
	// VarIsAttached is "true" when the thing named by the client ID has the certificate attached, else "false".
	VarIsAttached = "iot:Connection.Thing.IsAttached"
	// VarSourceIP is the client's IP address.
	VarSourceIP = "aws:SourceIp"
	// VarCertificateID is the ID of the certificate the client presented.
	VarCertificateID = "iot:CertificateId"
)

// ThingAttributeVar returns the variable name of a thing attribute, iot:Connection.Thing.Attributes[name].
func ThingAttributeVar(name string) string { return "iot:Connection.Thing.Attributes[" + name + "]" }

// Variables maps policy variable and condition key names, such as "iot:ClientId", to their
// values for one request. Names are matched exactly first, then ignoring case.
type Variables map[string]string

// Lookup returns the value of the named variable.
func (v Variables) Lookup(name string) (string, bool) {
	if s, ok := v[name]; ok {
		return s, true
	}
	for k, s := range v {
		if strings.EqualFold(k, name) {
			return s, true
		}
	}
	return "", false
}
