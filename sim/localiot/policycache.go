package localiot

import (
	"sync"

	"github.com/jitpsim/jitpsim/sim/localiot/policy"
)

// policyCache keeps every policy document parsed once per version, so that authorizing a
// PUBLISH costs map look-ups, not JSON parsing. Its zero value is empty; it is safe for
// concurrent use, including under Registry.mu's read lock.
type policyCache struct {
	m sync.Map // policy name -> *parsedPolicy
}

// parsedPolicy is one cached parse of a policy's default version.
type parsedPolicy struct {
	version string
	doc     string
	p       *policy.Policy
	err     error
}

// get returns the parsed document of info, parsing it when the cache holds another version
// (or none). A document that does not parse (one created before validation existed, for
// example) returns the parse error, every time, without being parsed again.
func (c *policyCache) get(info *PolicyInfo) (*policy.Policy, error) {
	if v, ok := c.m.Load(info.Name); ok {
		if pp := v.(*parsedPolicy); pp.version == info.VersionID && pp.doc == info.Document {
			return pp.p, pp.err
		}
	}
	p, err := policy.Parse([]byte(info.Document))
	c.m.Store(info.Name, &parsedPolicy{version: info.VersionID, doc: info.Document, p: p, err: err})
	return p, err
}
