package localiot

// apiRateUnlisted is the rate DefaultAPIRates gives operations that AWS's 2019 table does not
// list: the lowest published control-plane rate.
const apiRateUnlisted = 10

// DefaultAPIRates returns AWS IoT's published per-operation API rates in calls per second
// (reference §3, the November 2019 table) for the operations the stand-in serves; the ones the
// table does not list get 10/s, its lowest rate.
func DefaultAPIRates() map[string]float64 {
	rates := map[string]float64{
		"RegisterCACertificate": 10, "UpdateCACertificate": 10, "DescribeCACertificate": 10,
		"GetRegistrationCode": 10, "RegisterThing": 10, "RegisterCertificate": 10,
		"CreateThing": 15, "DescribeThing": 350, "DeleteThing": 15, "ListThings": 10,
		"ListThingPrincipals": 10, "AttachThingPrincipal": 15,
		"DescribeCertificate": 10, "UpdateCertificate": 10, "DeleteCertificate": 10,
		"ListCertificatesByCA": 10, "CreatePolicy": 10, "AttachPolicy": 15,
	}
	for _, op := range []string{"DeleteCACertificate", "ListCACertificates", "DescribeEndpoint",
		"DetachThingPrincipal", "ListPrincipalThings", "GetPolicy", "DetachPolicy",
		"ListAttachedPolicies", "CreateThingType", "CreateThingGroup", "CreateBillingGroup"} {
		rates[op] = apiRateUnlisted
	}
	return rates
}

// apiBuckets builds one token bucket per limited operation; each holds one second's worth.
func apiBuckets(rates map[string]float64) map[string]*tokenBucket {
	out := make(map[string]*tokenBucket, len(rates))
	for op, r := range rates {
		if r > 0 {
			out[op] = newTokenBucket(r, r)
		}
	}
	return out
}

// AllowAPI reports whether a control-plane call of the named operation is within its rate
// (Limits.APIRates, with Config.AWSLimits); a refused call counts in Stats.APIThrottled and the
// API answers it with ThrottlingException, as AWS does.
func (s *Server) AllowAPI(op string) bool {
	if s.lim == nil {
		return true
	}
	b, ok := s.lim.api[op]
	if !ok || b.allow(s.lim.now()) {
		return true
	}
	s.stats.apiThrottled.Add(1)
	return false
}
