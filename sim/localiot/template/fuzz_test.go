package template

import (
	"encoding/json"
	"testing"
)

func FuzzParse(f *testing.F) {
	f.Add(ClassicJSON())
	f.Add([]byte(bareBody))
	f.Add([]byte(samplesRegfile))
	f.Add([]byte(docsJITPBody))
	f.Add([]byte(blogJITPConfig))
	f.Add([]byte(atlasJITP))
	f.Add([]byte(`{"templateBody":"\"\""}`))
	f.Add([]byte(`{"Parameters":{"a":{"Default":1}},"Resources":{"t":{"Type":"AWS::IoT::Thing","Properties":{"ThingName":{"Fn::Join":["",[{"Ref":"a"}]]}}}}}`))
	f.Add([]byte(thingNamed(`{"Fn::Join":["-",[{"Fn::Sub":"${AWS::IoT::Certificate::Country}"},{"Fn::FindInMap":["R","US","p"]},{"Fn::Select":[2,{"Fn::Split":[",",{"Ref":"AWS::IoT::Certificate::SerialNumber"}]}]}]]}`, `{"R":{"US":{"p":"usa"}}}`)))
	f.Add([]byte(`{"Resources":{"t":{"Type":"AWS::IoT::Thing","Properties":{"ThingName":"t","ThingGroups":{"Fn::Split":[",","a,b"]},"BillingGroup":"b","ThingTypeName":"x"},"OverrideSettings":{"ThingGroups":"MERGE"}}}}`))
	f.Add([]byte(`[]`))
	f.Fuzz(func(t *testing.T, data []byte) {
		tp, err := Parse(data)
		if err != nil {
			if _, ok := err.(*InvalidTemplateError); !ok {
				t.Fatalf("error of type %T: %v", err, err)
			}
			return
		}
		// A parsed template must provision without panicking and round-trip through both forms.
		plan, err := tp.Provision(map[string]string{ParamCommonName: "dev", ParamID: "id", ParamCountry: "NO", ParamSerialNumber: "1,2"})
		if err == nil && plan.Thing != nil {
			_, _ = plan.Thing.Resolve(&ThingState{Attributes: map[string]string{"a": "b"}, Groups: []string{"g"}})
		}
		b, err := json.Marshal(tp)
		if err != nil {
			t.Fatalf("marshal: %v", err)
		}
		again, err := Parse(b)
		if err != nil {
			t.Fatalf("re-parse of %s: %v", b, err)
		}
		cfg, err := tp.RegistrationConfig()
		if err != nil {
			t.Fatalf("registration config: %v", err)
		}
		if _, err := Parse(cfg); err != nil {
			t.Fatalf("re-parse of %s: %v", cfg, err)
		}
		if again.Body() != tp.Body() {
			t.Fatalf("body changed on round trip:\n%s\n%s", tp.Body(), again.Body())
		}
	})
}
