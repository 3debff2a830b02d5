package api

// routes registers every operation at the method and path of AWS IoT's API model.
func (h *Handler) routes() {
	m := h.mux
	m.Handle("POST /cacertificate", op(h.registerCACertificate))
	m.Handle("GET /cacertificate/{caCertificateId}", op(h.describeCACertificate))
	m.Handle("PUT /cacertificate/{caCertificateId}", op(h.updateCACertificate))
	m.Handle("DELETE /cacertificate/{caCertificateId}", op(h.deleteCACertificate))
	m.Handle("GET /cacertificates", op(h.listCACertificates))
	m.Handle("GET /registrationcode", op(h.getRegistrationCode))
	m.Handle("GET /endpoint", op(h.describeEndpoint))

	m.Handle("GET /certificates/{certificateId}", op(h.describeCertificate))
	m.Handle("PUT /certificates/{certificateId}", op(h.updateCertificate))
	m.Handle("DELETE /certificates/{certificateId}", op(h.deleteCertificate))
	m.Handle("GET /certificates-by-ca/{caCertificateId}", op(h.listCertificatesByCA))

	m.Handle("POST /things/{thingName}", op(h.createThing))
	m.Handle("GET /things/{thingName}", op(h.describeThing))
	m.Handle("GET /things", op(h.listThings))
	m.Handle("DELETE /things/{thingName}", op(h.deleteThing))
	m.Handle("GET /things/{thingName}/principals", op(h.listThingPrincipals))
	m.Handle("PUT /things/{thingName}/principals", op(h.attachThingPrincipal))
	m.Handle("DELETE /things/{thingName}/principals", op(h.detachThingPrincipal))
	m.Handle("GET /principals/things", op(h.listPrincipalThings))

	m.Handle("POST /policies/{policyName}", op(h.createPolicy))
	m.Handle("GET /policies/{policyName}", op(h.getPolicy))
	m.Handle("PUT /target-policies/{policyName}", op(h.attachPolicy))
	m.Handle("POST /target-policies/{policyName}", op(h.detachPolicy))
	m.Handle("POST /attached-policies/{target}", op(h.listAttachedPolicies))

	m.Handle("POST /thing-types/{thingTypeName}", op(h.createThingType))
	m.Handle("POST /thing-groups/{thingGroupName}", op(h.createThingGroup))
	m.Handle("POST /billing-groups/{billingGroupName}", op(h.createBillingGroup))

	m.HandleFunc("/", unknownOperation)
}
