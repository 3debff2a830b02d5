package policy

import "testing"

func FuzzParse(f *testing.F) {
	for _, d := range []string{docConnectDenyClients, docConnectAttached, docPublishThingType, blogJITP, samplesIoTAccess, atlasJITP,
		`{"Statement":{"Effect":"Deny","NotAction":"iot:*","NotResource":"${*}${?}${$}"}}`,
		`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"ForAllValues:NumericLessThanIfExists":{"n":[1,"2"]},"Null":{"k":true}}}]}`,
	} {
		f.Add([]byte(d), "iot:Connect", arn+"client/dev-1")
	}
	vars := Variables{VarClientID: "dev-1", VarThingName: "dev-1", VarIsAttached: "true", "n": "1.5", "iot:Certificate.Subject.CommonName": "dev-1"}
	f.Fuzz(func(t *testing.T, doc []byte, action, resource string) {
		p, err := Parse(doc)
		if err != nil {
			if _, ok := err.(*MalformedError); !ok {
				t.Fatalf("error of type %T: %v", err, err)
			}
			return
		}
		// A parsed policy must evaluate without panicking, with and without variables.
		d := Evaluate([]*Policy{p}, Request{Action: action, Resource: resource, Vars: vars})
		_ = Evaluate([]*Policy{p}, Request{Action: action, Resource: resource})
		if d > ExplicitDeny {
			t.Fatalf("unknown decision %d", d)
		}
	})
}
