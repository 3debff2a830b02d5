package template

import (
	"encoding/json"
	"testing"
)

func FuzzParse(f *testing.F) {
	f.Add(ClassicJSON())
	f.Add([]byte(bareBody))
	f.Add([]byte(samplesRegfile))
	f.Add([]byte(`{"templateBody":"\"\""}`))
	f.Add([]byte(`{"Parameters":{"a":{"Default":1}},"Resources":{"t":{"Type":"AWS::IoT::Thing","Properties":{"ThingName":{"Fn::Join":["",[{"Ref":"a"}]]}}}}}`))
	f.Add([]byte(`[]`))
	f.Fuzz(func(t *testing.T, data []byte) {
		tp, err := Parse(data)
		if err != nil {
			return
		}
		// A parsed template must provision without panicking and round-trip through MarshalJSON.
		_, _ = tp.Provision(map[string]string{ParamCommonName: "dev", ParamID: "id", ParamCountry: "NO"})
		b, err := json.Marshal(tp)
		if err != nil {
			t.Fatalf("marshal: %v", err)
		}
		if _, err := Parse(b); err != nil {
			t.Fatalf("re-parse of %s: %v", b, err)
		}
	})
}
