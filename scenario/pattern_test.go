package scenario

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestExpand(t *testing.T) {
	tests := []struct {
		pattern, name, want string
		index               int
	}{
		{"nrf-jitp-{index:06}", "", "nrf-jitp-000042", 42},
		{"d{index}", "", "d7", 7},
		{"{index:02}", "", "1234", 1234},
		{"t/{name}/{index}", "dev", "t/dev/3", 3},
		{"plain", "", "plain", 1},
		{"open{", "", "open{", 1},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.want, Expand(tt.pattern, tt.index, tt.name), tt.pattern)
	}
}

func TestCheckPattern(t *testing.T) {
	tests := []struct {
		pattern   string
		allowName bool
		wantErr   string
	}{
		{"d-{index:06}", false, ""},
		{"{name}", true, ""},
		{"{name}", false, "unknown placeholder {name}"},
		{"{index:6}", false, "unknown placeholder"},
		{"{index:00}", false, "bad width"},
		{"a{index", false, "unclosed"},
		{"a}b", false, "unmatched"},
	}
	for _, tt := range tests {
		err := CheckPattern(tt.pattern, tt.allowName)
		if tt.wantErr == "" {
			assert.NoError(t, err, tt.pattern)
		} else if assert.Error(t, err, tt.pattern) {
			assert.Contains(t, err.Error(), tt.wantErr)
		}
	}
}

func FuzzExpand(f *testing.F) {
	f.Add("nrf-{index:06}", 5)
	f.Fuzz(func(t *testing.T, p string, i int) {
		if CheckPattern(p, true) == nil {
			_ = Expand(p, i, "n")
		}
	})
}
