package api

// routes registers every operation at the method and path of AWS IoT's API model, each behind
// its rate limit (throttle.go).
func (h *Handler) routes() {
	m := h.mux
	m.Handle("POST /cacertificate", h.limit("RegisterCACertificate", op(h.registerCACertificate)))
	m.Handle("GET /cacertificate/{caCertificateId}", h.limit("DescribeCACertificate", op(h.describeCACertificate)))
	m.Handle("PUT /cacertificate/{caCertificateId}", h.limit("UpdateCACertificate", op(h.updateCACertificate)))
	m.Handle("DELETE /cacertificate/{caCertificateId}", h.limit("DeleteCACertificate", op(h.deleteCACertificate)))
	m.Handle("GET /cacertificates", h.limit("ListCACertificates", op(h.listCACertificates)))
	m.Handle("GET /registrationcode", h.limit("GetRegistrationCode", op(h.getRegistrationCode)))
	m.Handle("GET /endpoint", h.limit("DescribeEndpoint", op(h.describeEndpoint)))

	m.Handle("GET /certificates/{certificateId}", h.limit("DescribeCertificate", op(h.describeCertificate)))
	m.Handle("PUT /certificates/{certificateId}", h.limit("UpdateCertificate", op(h.updateCertificate)))
	m.Handle("DELETE /certificates/{certificateId}", h.limit("DeleteCertificate", op(h.deleteCertificate)))
	m.Handle("GET /certificates-by-ca/{caCertificateId}", h.limit("ListCertificatesByCA", op(h.listCertificatesByCA)))

	m.Handle("POST /things/{thingName}", h.limit("CreateThing", op(h.createThing)))
	m.Handle("GET /things/{thingName}", h.limit("DescribeThing", op(h.describeThing)))
	m.Handle("GET /things", h.limit("ListThings", op(h.listThings)))
	m.Handle("DELETE /things/{thingName}", h.limit("DeleteThing", op(h.deleteThing)))
	m.Handle("GET /things/{thingName}/principals", h.limit("ListThingPrincipals", op(h.listThingPrincipals)))
	m.Handle("PUT /things/{thingName}/principals", h.limit("AttachThingPrincipal", op(h.attachThingPrincipal)))
	m.Handle("DELETE /things/{thingName}/principals", h.limit("DetachThingPrincipal", op(h.detachThingPrincipal)))
	m.Handle("GET /principals/things", h.limit("ListPrincipalThings", op(h.listPrincipalThings)))

	m.Handle("POST /policies/{policyName}", h.limit("CreatePolicy", op(h.createPolicy)))
	m.Handle("GET /policies/{policyName}", h.limit("GetPolicy", op(h.getPolicy)))
	m.Handle("PUT /target-policies/{policyName}", h.limit("AttachPolicy", op(h.attachPolicy)))
	m.Handle("POST /target-policies/{policyName}", h.limit("DetachPolicy", op(h.detachPolicy)))
	m.Handle("POST /attached-policies/{target}", h.limit("ListAttachedPolicies", op(h.listAttachedPolicies)))

	m.Handle("POST /thing-types/{thingTypeName}", h.limit("CreateThingType", op(h.createThingType)))
	m.Handle("POST /thing-groups/{thingGroupName}", h.limit("CreateThingGroup", op(h.createThingGroup)))
	m.Handle("POST /billing-groups/{billingGroupName}", h.limit("CreateBillingGroup", op(h.createBillingGroup)))

	m.HandleFunc("/", unknownOperation)
}
