package redcoretest

import (
	"bytes"
	"encoding/json"
	"maps"
	"slices"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"

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

// tokenDuplicates is a reference for duplicateKeys built on
// json.Decoder.Token: the path of every repeated key of the valid JSON
// value body, in the order of the body.
func tokenDuplicates(t *testing.T, body []byte) []string {
	t.Helper()

	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	var dups []string
	var read func(path []string)
	read = func(path []string) {
		tok, err := dec.Token()
		if err != nil {
			t.Fatalf("token: %v", err)
		}
		switch tok {
		case json.Delim('{'):
			seen := map[string]bool{}
			for dec.More() {
				key, _ := dec.Token()
				k := key.(string)
				if seen[k] {
					dups = append(dups, strings.Join(append(slices.Clip(path), k), "."))
				}
				seen[k] = true
				read(append(slices.Clip(path), k))
			}
			dec.Token()
		case json.Delim('['):
			for i := 0; dec.More(); i++ {
				read(append(slices.Clip(path), strconv.Itoa(i)))
			}
			dec.Token()
		}
	}
	read(nil)
	return dups
}

func FuzzScanBody(f *testing.F) {
	for _, body := range []string{
		`{"email":"a@example.com","name":"A","role":"viewer"}`,
		`{"name":"A\u00fc\"","name":null,"x":[1,{"y":true,"y":false}],"z":{}}`,
		` [ 1 , -2.5e3 , 2e400 , "s\\" , [ ] , { "k" : "v" , "k" : 1 } ] `,
		`{"a":1}{"b":2}`,
		"{\"a\":\"\xff\"}",
		`"text"`,
		`{"a":`,
		``,
	} {
		f.Add([]byte(body))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		details, members := scanBody(body)
		if !utf8.Valid(body) || !json.Valid(body) {
			if len(details) != 1 || details[0].Field != "body" {
				t.Errorf("details of invalid JSON = %+v, want one for body", details)
			}
			return
		}

		var fields []string
		for _, d := range details {
			fields = append(fields, d.Field)
		}
		if want := tokenDuplicates(t, body); !slices.Equal(fields, want) {
			t.Errorf("duplicate fields = %q, want %q", fields, want)
		}

		var want map[string]json.RawMessage
		if json.Unmarshal(body, &want) != nil {
			want = nil
		}
		if !maps.EqualFunc(members, want, func(a, b json.RawMessage) bool { return bytes.Equal(a, b) }) || (members == nil) != (want == nil) {
			t.Errorf("members = %q, want %q", members, want)
		}
		for key, raw := range members {
			var text string
			wantOK := json.Unmarshal(raw, &text) == nil
			got, ok := jsonString(raw)
			if ok != wantOK || got != text {
				t.Errorf("jsonString(%s) of %q = %q, %v, want %q, %v", raw, key, got, ok, text, wantOK)
			}
		}
	})
}
