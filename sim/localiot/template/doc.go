// Package template parses and runs AWS IoT Just-in-Time Provisioning (JITP)
// templates for the local AWS IoT Core stand-in.
//
// Parse accepts the three shapes people hand to RegisterCACertificate: the
// readable form ({"templateBody": {...}, "roleArn": "..."}), a bare template
// body ({"Parameters": ..., "Resources": ...}) and AWS's stringified
// registration config where templateBody, and any PolicyDocument inside it,
// are escaped JSON strings. Malformed templates fail with an
// *InvalidTemplateError worded as AWS's InvalidRequestException where the
// wording is known ("Invalid registration template. ..."). Parse checks what
// can be checked without a certificate: declared parameters behind every Ref
// and Fn::Sub variable, the shape of every function call, literal Mappings
// names, literal names against AWS's patterns, OverrideSettings values, and
// every literal PolicyDocument with the policy package. Body and
// RegistrationConfig return the form AWS keeps, with each PolicyDocument as an
// escaped string.
//
// Provision resolves a parsed template for one device certificate: the
// parameters come from the certificate subject (see SubjectParameters), and
// the result is a Plan naming the thing, the certificate status and the
// policies to create and attach. Provision never touches any state; the caller
// checks that thing types, groups, billing groups and named policies exist and
// applies the plan. ThingSpec.Resolve applies OverrideSettings to an existing
// thing.
//
// Supported: Parameters (Type String and optional Default), Mappings, Ref,
// Fn::Join, Fn::Select, Fn::Split, Fn::Sub (one- and two-argument forms, with
// ${!Literal}) and Fn::FindInMap; any other Fn:: function is rejected by Parse.
// Resources: AWS::IoT::Thing (ThingName, AttributePayload, ThingTypeName,
// ThingGroups, BillingGroup), AWS::IoT::Certificate (CertificateId, Status
// ACTIVE or INACTIVE in any case) and AWS::IoT::Policy (PolicyName or
// PolicyDocument as a string or an object; the default name is the hex SHA-256
// of the compact document). Failures at provisioning time are *ProvisionError
// values of kind ClientError: a missing parameter, Fn::Select out of range or
// on a null, a FindInMap key that is absent, a name that does not match AWS's
// pattern, or a FAIL OverrideSettings on an existing thing
// (ResourceConflictsException).
//
// Readings where AWS documents nothing: OverrideSettings default to DO_NOTHING;
// they apply only to properties the template sets (an empty AttributePayload or
// ThingGroups counts as unset); BillingGroup, which has no setting, is set only
// on a thing without one; FAIL fails whenever the thing exists. A certificate's
// OverrideSettings are accepted and never apply, because JITP registers the
// certificate itself just before the run. As AWS documents, provisioning fails
// when the certificate lacks any declared parameter that has no Default, even
// one no resource uses. A template without an AWS::IoT::Certificate resource is
// accepted and activates the certificate.
package template
