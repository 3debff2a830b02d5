package localiot

import (
	"encoding/json"
	"maps"
	"slices"
	"time"
)

// CACertificateInfo describes a registered CA certificate.
type CACertificateInfo struct {
	// ID is the lowercase hex SHA-256 of the CA certificate's DER.
	ID string `json:"id"`
	// PEM is the CA certificate in PEM form.
	PEM string `json:"pem"`
	// Status is ACTIVE or INACTIVE.
	Status string `json:"status"`
	// AutoRegistration reports whether unknown device certificates it signed are registered on connect.
	AutoRegistration bool `json:"autoRegistration"`
	// Mode is the certificate mode, DEFAULT or SNI_ONLY; empty means DEFAULT.
	Mode string `json:"certificateMode,omitempty"`
	// Template is the JITP template in the readable form, or empty when the CA has none.
	Template json.RawMessage `json:"template,omitempty"`
	// Created is when the CA was first registered.
	Created time.Time `json:"created"`
	// LastModified is when the CA was last registered or updated.
	LastModified time.Time `json:"lastModified"`
}

// CertificateInfo describes a registered device certificate.
type CertificateInfo struct {
	// ID is the certificate ID: lowercase hex SHA-256 of the DER.
	ID string `json:"id"`
	// CAID is the ID of the CA certificate that signed it.
	CAID string `json:"caId"`
	// Status is ACTIVE, PENDING_ACTIVATION, INACTIVE or REVOKED.
	Status string `json:"status"`
	// Mode is the certificate mode inherited from its CA, DEFAULT or SNI_ONLY; empty means DEFAULT.
	Mode string `json:"certificateMode,omitempty"`
	// PEM is the certificate in PEM form.
	PEM string `json:"pem"`
	// Created is when the certificate was registered.
	Created time.Time `json:"created"`
	// LastModified is when the certificate's status or attachments last changed.
	LastModified time.Time `json:"lastModified"`
	// Things are the names of the things the certificate is attached to.
	Things []string `json:"things,omitempty"`
	// Policies are the names of the policies attached to the certificate.
	Policies []string `json:"policies,omitempty"`
	// LastProvisionError explains why the last template run for the certificate failed, "" if it did not.
	LastProvisionError string `json:"lastProvisionError,omitempty"`
}

// ThingInfo describes a thing.
type ThingInfo struct {
	// Name is the thing name.
	Name string `json:"name"`
	// ID is the thing ID, a random UUID.
	ID string `json:"id"`
	// Attributes are the thing's attributes.
	Attributes map[string]string `json:"attributes,omitempty"`
	// Principals are the ARNs of the certificates attached to the thing.
	Principals []string `json:"principals,omitempty"`
	// ThingTypeName is the thing's type, or "".
	ThingTypeName string `json:"thingTypeName,omitempty"`
	// ThingGroups are the static thing groups the thing belongs to.
	ThingGroups []string `json:"thingGroups,omitempty"`
	// BillingGroup is the billing group the thing belongs to, or "".
	BillingGroup string `json:"billingGroup,omitempty"`
	// Version starts at 1 and counts updates of the thing.
	Version int64 `json:"version"`
	// Created is when the thing was created.
	Created time.Time `json:"created"`
}

// PolicyInfo describes an AWS IoT policy.
type PolicyInfo struct {
	// Name is the policy name.
	Name string `json:"name"`
	// Document is the policy document as compact JSON.
	Document string `json:"document"`
	// VersionID is the default version, "1" for a policy never updated.
	VersionID string `json:"versionId"`
	// Created is when the policy was created.
	Created time.Time `json:"created"`
}

// clone returns a deep copy.
func (c CACertificateInfo) clone() CACertificateInfo {
	c.Template = slices.Clone(c.Template)
	return c
}

// clone returns a deep copy.
func (c CertificateInfo) clone() CertificateInfo {
	c.Things = slices.Clone(c.Things)
	c.Policies = slices.Clone(c.Policies)
	return c
}

// clone returns a deep copy.
func (t ThingInfo) clone() ThingInfo {
	t.Attributes = maps.Clone(t.Attributes)
	t.Principals = slices.Clone(t.Principals)
	t.ThingGroups = slices.Clone(t.ThingGroups)
	return t
}
