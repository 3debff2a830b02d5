package policy

import "testing"

func BenchmarkEvaluate(b *testing.B) {
	p, err := Parse([]byte(samplesIoTAccess))
	if err != nil {
		b.Fatal(err)
	}
	pols := []*Policy{p}
	req := Request{Action: "iot:Publish", Resource: arn + "topic/dev-1", Vars: Variables{"iot:Certificate.Subject.CommonName": "dev-1", VarClientID: "dev-1"}}
	b.ReportAllocs()
	for b.Loop() {
		if !Evaluate(pols, req).Allowed() {
			b.Fatal("denied")
		}
	}
}
