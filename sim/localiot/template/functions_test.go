package template

import (
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// thingNamed returns a template whose thing is named by expr, with the given Mappings section.
func thingNamed(expr, mappings string) string {
	if mappings == "" {
		mappings = "{}"
	}
	return `{"Parameters":{
		"AWS::IoT::Certificate::CommonName":{"Type":"String"},
		"AWS::IoT::Certificate::Country":{"Type":"String","Default":"NO"},
		"AWS::IoT::Certificate::SerialNumber":{"Type":"String","Default":"a,b,c"},
		"Index":{"Type":"String","Default":"1"}},
	"Mappings":` + mappings + `,
	"Resources":{"thing":{"Type":"AWS::IoT::Thing","Properties":{"ThingName":` + expr + `}}}}`
}

func TestFunctions(t *testing.T) {
	const regions = `{"Regions":{"NO":{"prefix":"nor","list":["x","y"]},"US":{"prefix":"usa"}}}`
	params := map[string]string{ParamCommonName: "dev-1"}
	tests := []struct {
		name     string
		expr     string
		mappings string
		params   map[string]string
		want     string
		errMsg   string // expected ClientError text; "" for success
	}{
		{name: "ref", expr: `{"Ref":"AWS::IoT::Certificate::CommonName"}`, want: "dev-1"},
		{name: "ref default", expr: `{"Ref":"AWS::IoT::Certificate::Country"}`, want: "NO"},
		{name: "join", expr: `{"Fn::Join":["-",["thing",{"Ref":"AWS::IoT::Certificate::CommonName"},"x"]]}`, want: "thing-dev-1-x"},
		{name: "join empty delimiter", expr: `{"Fn::Join":["",["a","b"]]}`, want: "ab"},
		{name: "join of split", expr: `{"Fn::Join":["_",{"Fn::Split":[",",{"Ref":"AWS::IoT::Certificate::SerialNumber"}]}]}`, want: "a_b_c"},
		{name: "join number", expr: `{"Fn::Join":["-",["n",7]]}`, want: "n-7"},
		{name: "join of object fails", expr: `{"Fn::Join":["-",[{"a":"b"}]]}`, errMsg: "the Fn::Join values must be a list of strings"},
		{name: "select literal list", expr: `{"Fn::Select":["1",["a","b","c"]]}`, want: "b"},
		{name: "select number index", expr: `{"Fn::Select":[2,["a","b","c"]]}`, want: "c"},
		{name: "select index from ref", expr: `{"Fn::Select":[{"Ref":"Index"},["a","b"]]}`, want: "b"},
		{name: "select of split", expr: `{"Fn::Select":[0,{"Fn::Split":["-",{"Ref":"AWS::IoT::Certificate::CommonName"}]}]}`, want: "dev"},
		{name: "select out of range", expr: `{"Fn::Select":[3,["a","b","c"]]}`, errMsg: "Fn::Select index 3 is out of range for a list of 3 values"},
		{name: "select out of range from ref", expr: `{"Fn::Select":[{"Ref":"Index"},["a"]]}`, errMsg: "Fn::Select index 1 is out of range for a list of 1 values"},
		{name: "select null", expr: `{"Fn::Select":[0,[null]]}`, errMsg: "Fn::Select index 0 selects a null value"},
		{name: "select index not integer at run time", expr: `{"Fn::Select":[{"Ref":"AWS::IoT::Certificate::CommonName"},["a"]]}`, errMsg: `the Fn::Select index "dev-1" is not an integer`},
		{name: "select list selects list", expr: `{"Fn::Select":[0,[["a"]]]}`, errMsg: "ThingName must evaluate to a string"},
		{name: "split alone is not a name", expr: `{"Fn::Split":["-","a-b"]}`, errMsg: "ThingName must evaluate to a string"},
		{name: "sub parameter", expr: `{"Fn::Sub":"dev_${AWS::IoT::Certificate::CommonName}"}`, want: "dev_dev-1"},
		{name: "sub two parameters", expr: `{"Fn::Sub":"${AWS::IoT::Certificate::Country}-${AWS::IoT::Certificate::CommonName}"}`, want: "NO-dev-1"},
		{name: "sub variable map", expr: `{"Fn::Sub":["${site}-${AWS::IoT::Certificate::CommonName}",{"site":"oslo"}]}`, want: "oslo-dev-1"},
		{name: "sub variable map with function", expr: `{"Fn::Sub":["${first}",{"first":{"Fn::Select":[0,{"Fn::Split":[",",{"Ref":"AWS::IoT::Certificate::SerialNumber"}]}]}}]}`, want: "a"},
		{name: "sub map shadows parameter", expr: `{"Fn::Sub":["${AWS::IoT::Certificate::Country}",{"AWS::IoT::Certificate::Country":"SE"}]}`, want: "SE"},
		{name: "sub literal escape", expr: `{"Fn::Select":[0,{"Fn::Split":["!",{"Fn::Sub":"${!Literal}!x"}]}]}`, errMsg: `thing name "${Literal}" does not match`},
		{name: "sub no variables", expr: `{"Fn::Sub":"plain"}`, want: "plain"},
		{name: "sub unterminated", expr: `{"Fn::Sub":"a${b"}`, errMsg: `thing name "a${b" does not match`},
		{name: "sub map value not string", expr: `{"Fn::Sub":["${a}",{"a":["x"]}]}`, errMsg: "Fn::Sub variable a must evaluate to a string"},
		{name: "find in map", expr: `{"Fn::FindInMap":["Regions",{"Ref":"AWS::IoT::Certificate::Country"},"prefix"]}`, mappings: regions, want: "nor"},
		{name: "find in map other key", expr: `{"Fn::FindInMap":["Regions",{"Ref":"AWS::IoT::Certificate::Country"},"prefix"]}`, mappings: regions, params: map[string]string{ParamCommonName: "d", ParamCountry: "US"}, want: "usa"},
		{name: "find in map list and select", expr: `{"Fn::Select":[1,{"Fn::FindInMap":["Regions","NO","list"]}]}`, mappings: regions, want: "y"},
		{name: "find in map missing top key", expr: `{"Fn::FindInMap":["Regions",{"Ref":"AWS::IoT::Certificate::Country"},"prefix"]}`, mappings: regions, params: map[string]string{ParamCommonName: "d", ParamCountry: "DE"}, errMsg: "Fn::FindInMap: mapping Regions has no key DE"},
		{name: "find in map missing second key", expr: `{"Fn::FindInMap":["Regions","US",{"Ref":"AWS::IoT::Certificate::CommonName"}]}`, mappings: regions, errMsg: "Fn::FindInMap: mapping Regions has no key US.dev-1"},
		{name: "find in map missing mapping", expr: `{"Fn::FindInMap":[{"Ref":"AWS::IoT::Certificate::CommonName"},"a","b"]}`, mappings: regions, errMsg: "Fn::FindInMap: mapping dev-1 does not exist"},
		{name: "find in map list is not a name", expr: `{"Fn::FindInMap":["Regions","NO","list"]}`, mappings: regions, errMsg: "ThingName must evaluate to a string"},
		{name: "nested functions", expr: `{"Fn::Join":["-",[{"Fn::Sub":"${AWS::IoT::Certificate::Country}"},{"Fn::FindInMap":["Regions","US","prefix"]},{"Fn::Select":[2,{"Fn::Split":[",",{"Ref":"AWS::IoT::Certificate::SerialNumber"}]}]}]]}`, mappings: regions, want: "NO-usa-c"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			tp, err := Parse([]byte(thingNamed(tc.expr, tc.mappings)))
			require.NoError(t, err)
			p := tc.params
			if p == nil {
				p = params
			}
			plan, err := tp.Provision(p)
			if tc.errMsg != "" {
				var pe *ProvisionError
				require.True(t, errors.As(err, &pe), "error %v", err)
				assert.Equal(t, ClientError, pe.Kind)
				assert.Contains(t, pe.Error(), tc.errMsg)
				return
			}
			require.NoError(t, err)
			require.NotNil(t, plan.Thing)
			assert.Equal(t, tc.want, plan.Thing.Name)
		})
	}
}

func TestSubstitute(t *testing.T) {
	lookup := func(name string) (string, bool) {
		v, ok := map[string]string{"a": "1", "b c": "2"}[name]
		return v, ok
	}
	tests := []struct{ in, want string }{
		{"", ""},
		{"x", "x"},
		{"${a}", "1"},
		{"<${a}><${ b c }>", "<1><2>"},
		{"${!a}", "${a}"},
		{"${!a}${a}", "${a}1"},
		{"${a", "${a"},
		{"$a}", "$a}"},
		{"${unknown}tail", ""},
	}
	for _, tc := range tests {
		assert.Equal(t, tc.want, substitute(tc.in, lookup), "substitute(%q)", tc.in)
	}
	assert.Equal(t, []string{"a", "b"}, subVarNames("${a}-${!x}-${b}"))
}
