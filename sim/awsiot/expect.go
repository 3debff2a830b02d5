package awsiot

import (
	"github.com/jitpsim/jitpsim/sim/localiot/template"
	"github.com/jitpsim/jitpsim/sim/pki"
)

// Expect renders the template for one device certificate, as JITP does on
// its first connect: the parameters come from the certificate subject, and
// the plan names the thing, its type and attributes, and the policies.
func Expect(tmpl *template.Template, name string, id *pki.Identity) Expectation {
	e := Expectation{Device: name, CertificateID: id.ID}
	plan, err := tmpl.Provision(template.SubjectParameters(id.Leaf(), id.ID))
	if err != nil {
		e.PlanError = err.Error()
		return e
	}
	if th := plan.Thing; th != nil {
		e.Thing, e.ThingType, e.Attributes = th.Name, th.TypeName, th.Attributes
	}
	for _, p := range plan.Policies {
		e.Policies = append(e.Policies, p.Name)
	}
	return e
}
