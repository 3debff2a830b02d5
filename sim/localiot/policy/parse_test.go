package policy

import (
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestParseValid(t *testing.T) {
	tests := []struct {
		name       string
		doc        string
		version    string
		statements int
	}{
		{name: "statement list", doc: `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["iot:Connect"],"Resource":["*"]}]}`, version: Version2012, statements: 1},
		{name: "statement object", doc: `{"Version":"2012-10-17","Statement":{"Effect":"Deny","Action":"iot:*","Resource":"*"}}`, version: Version2012, statements: 1},
		{name: "old version", doc: `{"Version":"2008-10-17","Statement":[{"Effect":"Allow","Action":"iot:Connect","Resource":"*"}]}`, version: Version2008, statements: 1},
		{name: "no version", doc: `{"Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}`, statements: 1},
		{name: "id and sid", doc: `{"Id":"p1","Version":"2012-10-17","Statement":[{"Sid":"s1","Effect":"Allow","Action":"iot:Connect","Resource":"*"}]}`, version: Version2012, statements: 1},
		{name: "not action not resource", doc: `{"Version":"2012-10-17","Statement":[{"Effect":"Deny","NotAction":"iot:Connect","NotResource":["arn:aws:iot:*:*:topic/ok"]}]}`, version: Version2012, statements: 1},
		{name: "empty statement list", doc: `{"Version":"2012-10-17","Statement":[]}`, version: Version2012},
		{name: "conditions", doc: `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iot:Connect","Resource":"*","Condition":{
			"Bool":{"iot:Connection.Thing.IsAttached":["true"]},
			"ForAnyValue:StringLike":{"iot:ClientId":["dev-*","test-?"]},
			"StringEqualsIfExists":{"iot:Connection.Thing.ThingTypeName":"bulb"},
			"NumericLessThan":{"n":5},
			"Null":{"aws:SourceIp":"false"}}}]}`, version: Version2012, statements: 1},
		{name: "two statements", doc: `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iot:Connect","Resource":"*"},{"Effect":"Deny","Action":"iot:Publish","Resource":"*"}]}`, version: Version2012, statements: 2},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p, err := Parse([]byte(tc.doc))
			require.NoError(t, err)
			assert.Equal(t, tc.version, p.Version())
			assert.Equal(t, tc.statements, p.Statements())
		})
	}
}

func TestParseErrors(t *testing.T) {
	stmt := func(s string) string { return `{"Version":"2012-10-17","Statement":[` + s + `]}` }
	tests := []struct {
		name string
		doc  string
		want string
	}{
		{name: "empty", doc: ``, want: "not valid JSON"},
		{name: "not json", doc: `{nope`, want: "not valid JSON"},
		{name: "trailing data", doc: `{"Statement":[]} {}`, want: "unexpected data"},
		{name: "not an object", doc: `["Statement"]`, want: "must be a JSON object"},
		{name: "bad version", doc: `{"Version":"2020-01-01","Statement":[]}`, want: "Version must be"},
		{name: "unknown top-level element", doc: `{"Version":"2012-10-17","Statement":[],"Extra":1}`, want: "unknown element Extra"},
		{name: "no statement", doc: `{"Version":"2012-10-17"}`, want: "Statement element is missing"},
		{name: "statement string", doc: `{"Statement":"x"}`, want: "Statement must be an object or a list"},
		{name: "statement not object", doc: stmt(`"x"`), want: "statement 1: a statement must be a JSON object"},
		{name: "no effect", doc: stmt(`{"Action":"iot:Connect","Resource":"*"}`), want: `Effect must be "Allow" or "Deny"`},
		{name: "lower-case effect", doc: stmt(`{"Effect":"allow","Action":"iot:Connect","Resource":"*"}`), want: "Effect must be"},
		{name: "no action", doc: stmt(`{"Effect":"Allow","Resource":"*"}`), want: "Action is missing"},
		{name: "action and not action", doc: stmt(`{"Effect":"Allow","Action":"iot:Connect","NotAction":"iot:Publish","Resource":"*"}`), want: "Action and NotAction cannot both be present"},
		{name: "empty action list", doc: stmt(`{"Effect":"Allow","Action":[],"Resource":"*"}`), want: "Action must be a string or a non-empty list"},
		{name: "action object", doc: stmt(`{"Effect":"Allow","Action":{},"Resource":"*"}`), want: "Action must be a string"},
		{name: "action without service", doc: stmt(`{"Effect":"Allow","Action":"Publish","Resource":"*"}`), want: `action "Publish" must be`},
		{name: "no resource", doc: stmt(`{"Effect":"Allow","Action":"iot:Connect"}`), want: "Resource is missing"},
		{name: "resource and not resource", doc: stmt(`{"Effect":"Allow","Action":"iot:Connect","Resource":"*","NotResource":"*"}`), want: "Resource and NotResource"},
		{name: "principal", doc: stmt(`{"Effect":"Allow","Principal":"*","Action":"iot:Connect","Resource":"*"}`), want: "unknown element Principal"},
		{name: "condition not object", doc: stmt(`{"Effect":"Allow","Action":"iot:Connect","Resource":"*","Condition":[]}`), want: "Condition must be a JSON object"},
		{name: "condition operator not object", doc: stmt(`{"Effect":"Allow","Action":"iot:Connect","Resource":"*","Condition":{"Bool":"true"}}`), want: "must map keys to values"},
		{name: "unknown operator", doc: stmt(`{"Effect":"Allow","Action":"iot:Connect","Resource":"*","Condition":{"StringSortOf":{"k":"v"}}}`), want: "StringSortOf is not supported"},
		{name: "date operator unsupported", doc: stmt(`{"Effect":"Allow","Action":"iot:Connect","Resource":"*","Condition":{"DateLessThan":{"aws:CurrentTime":"2030-01-01T00:00:00Z"}}}`), want: "DateLessThan is not supported"},
		{name: "unknown qualifier", doc: stmt(`{"Effect":"Allow","Action":"iot:Connect","Resource":"*","Condition":{"ForSomeValues:StringLike":{"k":"v"}}}`), want: "unknown condition qualifier ForSomeValues"},
		{name: "null with qualifier", doc: stmt(`{"Effect":"Allow","Action":"iot:Connect","Resource":"*","Condition":{"ForAnyValue:Null":{"k":"true"}}}`), want: "ForAnyValue:Null is not valid"},
		{name: "numeric value not a number", doc: stmt(`{"Effect":"Allow","Action":"iot:Connect","Resource":"*","Condition":{"NumericEquals":{"k":"ten"}}}`), want: `value "ten" of condition NumericEquals is not a number`},
		{name: "bool value", doc: stmt(`{"Effect":"Allow","Action":"iot:Connect","Resource":"*","Condition":{"Bool":{"k":"yes"}}}`), want: "must be true or false"},
		{name: "empty condition values", doc: stmt(`{"Effect":"Allow","Action":"iot:Connect","Resource":"*","Condition":{"Null":{"k":[]}}}`), want: "non-empty list"},
		{name: "second statement", doc: stmt(`{"Effect":"Allow","Action":"iot:Connect","Resource":"*"},{"Effect":"Allow","Resource":"*"}`), want: "statement 2: Action is missing"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Parse([]byte(tc.doc))
			require.Error(t, err)
			assert.Contains(t, err.Error(), tc.want)
			var me *MalformedError
			assert.True(t, errors.As(err, &me), "error type %T", err)
			assert.Contains(t, err.Error(), "malformed policy document: ")
		})
	}
}
