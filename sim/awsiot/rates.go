package awsiot

import "github.com/jitpsim/jitpsim/scenario"

// rateUnlisted is the rate of the operations AWS's 2019 table does not list:
// its lowest published rate, to stay on the safe side.
const rateUnlisted = 10

// DefaultRates returns AWS IoT's published per-operation API rates, in calls
// per second, for the operations jitpsim calls (the November 2019 quota
// table; operations it does not list get 10/s, its lowest rate). The current
// values of an account are in its Service Quotas console.
func DefaultRates() map[string]float64 {
	rates := map[string]float64{
		"RegisterCACertificate": 10, "UpdateCACertificate": 10, "DescribeCACertificate": 10,
		"GetRegistrationCode": 10, "DescribeThing": 350, "DeleteThing": 15,
		"ListThingPrincipals": 10, "DescribeCertificate": 10, "UpdateCertificate": 10,
		"DeleteCertificate": 10, "ListCertificatesByCA": 10, "CreatePolicy": 10,
	}
	for _, op := range scenario.AWSOperations() {
		if _, ok := rates[op]; !ok {
			rates[op] = rateUnlisted
		}
	}
	return rates
}

// resolveRates applies overrides (target.api_rates) to DefaultRates: an
// operation's own entry wins, then the "default" entry; 0 means no limit.
func resolveRates(overrides map[string]float64) map[string]float64 {
	rates := DefaultRates()
	if def, ok := overrides[scenario.APIRateDefault]; ok {
		for op := range rates {
			rates[op] = def
		}
	}
	for op, r := range overrides {
		if op != scenario.APIRateDefault {
			rates[op] = r
		}
	}
	return rates
}
