package policy

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestPatternMatches(t *testing.T) {
	vars := Variables{VarClientID: "dev-1", "star": "a*", "q": "?"}
	tests := []struct {
		name    string
		pattern string
		s       string
		fold    bool
		want    bool
		wantOK  bool
	}{
		{name: "literal", pattern: "topic/a", s: "topic/a", want: true, wantOK: true},
		{name: "literal mismatch", pattern: "topic/a", s: "topic/b", wantOK: true},
		{name: "star matches slashes", pattern: "topic/*", s: "topic/a/b/c", want: true, wantOK: true},
		{name: "star matches empty", pattern: "topic/*", s: "topic/", want: true, wantOK: true},
		{name: "star in the middle", pattern: "topic/*/status", s: "topic/x/y/status", want: true, wantOK: true},
		{name: "star backtracks", pattern: "a*b*c", s: "aXbYbZc", want: true, wantOK: true},
		{name: "two stars no match", pattern: "a*b*c", s: "aXbYbZ", wantOK: true},
		{name: "question mark one char", pattern: "topic/?", s: "topic/a", want: true, wantOK: true},
		{name: "question mark not zero chars", pattern: "topic/?", s: "topic/", wantOK: true},
		{name: "question mark multibyte", pattern: "t/?", s: "t/é", want: true, wantOK: true},
		{name: "mqtt wildcards are literal", pattern: "topicfilter/a/#", s: "topicfilter/a/b", wantOK: true},
		{name: "hash matches itself", pattern: "topicfilter/a/#", s: "topicfilter/a/#", want: true, wantOK: true},
		{name: "case sensitive", pattern: "topic/A", s: "topic/a", wantOK: true},
		{name: "fold", pattern: "IOT:PUBLISH", s: "iot:Publish", fold: true, want: true, wantOK: true},
		{name: "variable", pattern: "client/${iot:ClientId}", s: "client/dev-1", want: true, wantOK: true},
		{name: "variable mismatch", pattern: "client/${iot:ClientId}", s: "client/dev-2", wantOK: true},
		{name: "variable name case", pattern: "client/${IOT:clientid}", s: "client/dev-1", want: true, wantOK: true},
		{name: "unresolved variable", pattern: "client/${iot:Connection.Thing.ThingName}", s: "client/dev-1"},
		{name: "variable value star is literal", pattern: "t/${star}", s: "t/abc", wantOK: true},
		{name: "variable value star matches itself", pattern: "t/${star}", s: "t/a*", want: true, wantOK: true},
		{name: "variable value question mark literal", pattern: "t/${q}", s: "t/x", wantOK: true},
		{name: "escaped star", pattern: "t/${*}", s: "t/*", want: true, wantOK: true},
		{name: "escaped star is literal", pattern: "t/${*}", s: "t/x", wantOK: true},
		{name: "escaped question and dollar", pattern: "t/${?}${$}", s: "t/?$", want: true, wantOK: true},
		{name: "unterminated variable is literal", pattern: "t/${abc", s: "t/${abc", want: true, wantOK: true},
		{name: "everything", pattern: "*", s: "arn:aws:iot:us-east-1:123456789012:client/x", want: true, wantOK: true},
		{name: "empty pattern", pattern: "", s: "", want: true, wantOK: true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p := compile(tc.pattern, true, true)
			got, ok := p.matches(tc.s, vars, tc.fold)
			assert.Equal(t, tc.wantOK, ok, "resolved")
			assert.Equal(t, tc.want, got, "match")
		})
	}
}

func TestPatternWithoutVariables(t *testing.T) {
	p := compile("client/${iot:ClientId}", true, false)
	m, ok := p.matches("client/${iot:ClientId}", nil, false)
	assert.True(t, ok)
	assert.True(t, m, "with variables off, ${...} is plain text")
}

func TestPatternText(t *testing.T) {
	p := compile("a*${x}?", false, true)
	s, ok := p.text(Variables{"x": "X"})
	assert.True(t, ok)
	assert.Equal(t, "a*X?", s)
	_, ok = p.text(nil)
	assert.False(t, ok)
}
