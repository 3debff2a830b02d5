package template

import (
	_ "embed" // for the classic walkthrough template
)

// classicJSON is the classic walkthrough's template in the readable form.
//
//go:embed classic.json
var classicJSON []byte

// ClassicJSON returns a copy of the classic walkthrough's template in the readable form.
func ClassicJSON() []byte { return append([]byte(nil), classicJSON...) }

// Classic returns the parsed template of the classic JITP walkthrough: thing named by the
// certificate's CommonName with attribute version=v1, certificate ACTIVE, and an allow-all
// MQTT policy (Connect, Publish, Subscribe, Receive on "*").
func Classic() *Template {
	t, err := Parse(classicJSON)
	if err != nil {
		panic("template: embedded classic.json is invalid: " + err.Error())
	}
	return t
}
