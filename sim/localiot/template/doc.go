// Package template parses and runs AWS IoT Just-in-Time Provisioning (JITP)
// templates for the local AWS IoT Core stand-in.
//
// Parse accepts the three shapes people hand to RegisterCACertificate: the
// readable form ({"templateBody": {...}, "roleArn": "..."}), a bare template
// body ({"Parameters": ..., "Resources": ...}) and AWS's stringified
// registration config where templateBody, and any PolicyDocument inside it,
// are escaped JSON strings. Malformed templates fail with the wording AWS
// uses where it is known ("Invalid registration template. ...").
//
// Provision resolves a parsed template for one device certificate: the
// parameters come from the certificate subject (see SubjectParameters), and
// the result is a Plan naming the thing, the certificate status and the
// policies to create and attach. Provision never touches any state, so the
// caller decides how to apply the plan.
//
// Supported so far: Parameters (Type and optional Default), Ref, Fn::Join,
// and the resource types AWS::IoT::Thing (ThingName, AttributePayload),
// AWS::IoT::Certificate (CertificateId, Status) and AWS::IoT::Policy
// (PolicyName or PolicyDocument). Other intrinsic functions fail at
// provisioning time with "unsupported intrinsic function Fn::X"; the thing
// properties ThingTypeName, ThingGroups and BillingGroup are rejected by Parse.
// OverrideSettings are accepted and ignored: an existing thing is reused as is
// (DO_NOTHING), which is the stand-in's reading of the undocumented default.
//
// As AWS documents, provisioning fails with a ClientError when the certificate
// lacks any declared parameter that has no Default, even one no resource uses.
// Thing names, attributes and policy names are checked against the AWS API's
// patterns, so for example a CommonName with a space cannot name a thing. A
// template without an AWS::IoT::Certificate resource is accepted and activates
// the certificate; AWS's behaviour for such a template is not documented.
package template
