package redcoretest

import (
	"slices"
	"testing"

	"github.com/redcore/redcore-go/api"
)

func TestCheckJSONPaths(t *testing.T) {
	const twice = "appears more than once in the object; give each field once"
	tests := []struct {
		name string
		body string
		want []api.ErrorDetail
	}{
		{"valid", `{"a":{"b":1},"c":[{"b":1},{"b":2}]}`, nil},
		{"same key in two objects", `{"a":{"k":1},"b":{"k":1}}`, nil},
		{"nested object", `{"a":{"b":1,"b":2}}`, []api.ErrorDetail{{Field: "a.b", Issue: twice}}},
		{"object in array", `{"a":[1,{"b":1,"b":2}]}`, []api.ErrorDetail{{Field: "a.1.b", Issue: twice}}},
		{"after nested value", `{"a":{"x":[1,2]},"a":3}`, []api.ErrorDetail{{Field: "a", Issue: twice}}},
		{"top-level array", `[{"k":1,"k":2}]`, []api.ErrorDetail{{Field: "0.k", Issue: twice}}},
		{"key equal to a value", `{"a":"b","b":"a"}`, nil},
		{"deep nesting", `{"a":{"b":{"c":{"d":1,"d":1}}}}`, []api.ErrorDetail{{Field: "a.b.c.d", Issue: twice}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := checkJSON([]byte(tt.body)); !slices.Equal(got, tt.want) {
				t.Errorf("checkJSON(%s) = %+v, want %+v", tt.body, got, tt.want)
			}
		})
	}
}

func TestCanonicalJSON(t *testing.T) {
	tests := []struct {
		name string
		body string
		want string
		ok   bool
	}{
		{"sorted keys", `{"b":1,"a":{"d":2,"c":3}}`, `{"a":{"c":3,"d":2},"b":1}`, true},
		{"number text kept", `{"n":1.50}`, `{"n":1.50}`, true},
		{"invalid", `{"a":`, "", false},
		{"duplicate key", `{"a":1,"a":2}`, "", false},
		{"empty", ``, "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := canonicalJSON([]byte(tt.body))
			if ok != tt.ok {
				t.Fatalf("ok = %v, want %v", ok, tt.ok)
			}
			if string(got) != tt.want {
				t.Errorf("canonicalJSON(%s) = %s, want %s", tt.body, got, tt.want)
			}
		})
	}
}
