package main

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestQuotaCommand(t *testing.T) {
	tests := []struct {
		name string
		args []string
		code int
		want string
	}{
		{"defaults", []string{"--devices", "1000000"}, exitPass,
			"binding quota: register_thing_tps (RegisterThing API, which runs the provisioning template): at most 10.0 devices/s; " +
				"shortest time to onboard 1000000 devices: 27h46m40s"},
		{"raised", []string{"--devices", "3000", "--quota", "register_thing_tps=100", "--quota", "update_certificate_tps=100"}, exitPass,
			"binding quota: certificate_registrations_per_second"},
		{"no devices", nil, exitUsage, "want --devices N"},
		{"unknown quota", []string{"--devices", "5", "--quota", "conect_per_second=1"}, exitUsage, "did you mean connect_per_second?"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, stdout, stderr := runCLI(t, append([]string{"quota"}, tt.args...)...)
			assert.Equal(t, tt.code, code)
			assert.Contains(t, stdout+stderr, tt.want)
		})
	}
}
