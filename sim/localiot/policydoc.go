package localiot

import (
	"github.com/jitpsim/jitpsim/sim/localiot/policy"
)

// checkPolicyDocument rejects a policy document the policy parser cannot use, as CreatePolicy
// does with MalformedPolicyException.
func checkPolicyDocument(doc string) error {
	if _, err := policy.Parse([]byte(doc)); err != nil {
		return apiErr(ErrMalformedPolicy, "%v", err)
	}
	return nil
}
