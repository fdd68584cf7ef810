package redcoretest

import (
	"net/http"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/redcore/redcore-go/api"
)

// wantValidation checks that r is a 400 VALIDATION_ERROR whose details are
// exactly want, in order, and whose message counts them.
func wantValidation(t *testing.T, r result, want []api.ErrorDetail) {
	t.Helper()
	if r.status != http.StatusBadRequest {
		t.Fatalf("status = %d, want 400: %s", r.status, r.body)
	}
	e := r.errorBody(t)
	if e.Code != api.VALIDATIONERROR {
		t.Errorf("code = %s, want VALIDATION_ERROR", e.Code)
	}
	var got []api.ErrorDetail
	if e.Details != nil {
		got = *e.Details
	}
	if !slices.Equal(got, want) {
		t.Errorf("details = %+v, want %+v", got, want)
	}
	noun := "fields"
	if len(want) == 1 {
		noun = "field"
	}
	if wantMessage := "the request has " + strconv.Itoa(len(want)) + " invalid " + noun; e.Message != wantMessage {
		t.Errorf("message = %q, want %q", e.Message, wantMessage)
	}
}

func TestBodyJSONRejects(t *testing.T) {
	h := newHarness(t)
	tests := []struct {
		name string
		body string
		want []api.ErrorDetail
	}{
		{"trailing object", `{"email":"t@example.com","name":"T","role":"viewer"}{"x":1}`,
			[]api.ErrorDetail{{Field: "body", Issue: "is invalid JSON at line 1, column 53: data follows the JSON value; send one object"}}},
		{"trailing text", "{\"email\":\"t@example.com\",\"name\":\"T\",\"role\":\"viewer\"}\n x",
			[]api.ErrorDetail{{Field: "body", Issue: "is invalid JSON at line 2, column 2: data follows the JSON value; send one object"}}},
		{"duplicate key", `{"email":"d@example.com","name":"A","name":"B","role":"viewer"}`,
			[]api.ErrorDetail{{Field: "name", Issue: "appears more than once in the object; give each field once"}}},
		{"duplicate keys", `{"role":"viewer","email":"d@example.com","role":"admin","name":"A","email":"e@example.com"}`,
			[]api.ErrorDetail{
				{Field: "email", Issue: "appears more than once in the object; give each field once"},
				{Field: "role", Issue: "appears more than once in the object; give each field once"},
			}},
		{"unquoted key", `{bad`,
			[]api.ErrorDetail{{Field: "body", Issue: "is invalid JSON at line 1, column 2: invalid character 'b' looking for beginning of object key string"}}},
		{"cut short", `{"email":`,
			[]api.ErrorDetail{{Field: "body", Issue: "is invalid JSON: it ends before the value is complete"}}},
		{"invalid utf-8", "{\"email\":\"u@example.com\",\"name\":\"\xff\",\"role\":\"viewer\"}",
			[]api.ErrorDetail{{Field: "body", Issue: "is invalid JSON: it is not valid UTF-8"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			wantValidation(t, h.do("POST", "/users", tt.body), tt.want)
		})
	}
	t.Run("update duplicate key", func(t *testing.T) {
		r := h.do("PATCH", "/users/usr_98765", `{"name":"A","name":"B"}`)
		wantValidation(t, r, []api.ErrorDetail{{Field: "name", Issue: "appears more than once in the object; give each field once"}})
	})
	t.Run("nothing created", func(t *testing.T) {
		if got := len(h.srv.Handler().Invitations()); got != 0 {
			t.Errorf("%d invitations, want 0", got)
		}
	})
}

func TestUserNameRejects(t *testing.T) {
	h := newHarness(t)
	tests := []struct {
		name  string
		value string
		issue string
	}{
		{"blank", `"  "`, "must not be blank"},
		{"newline", `"Eve\nAdmin"`, `must not contain control characters, got "Eve\nAdmin"`},
		{"nul", `"Eve\u0000"`, `must not contain control characters, got "Eve\x00"`},
		{"escape", `"Eve\u001b[31m"`, `must not contain control characters, got "Eve\x1b[31m"`},
		{"delete", `"Eve\u007f"`, `must not contain control characters, got "Eve\x7f"`},
		{"c1 next line", `"Eve\u0085"`, `must not contain control characters, got "Eve\u0085"`},
	}
	for _, tt := range tests {
		want := []api.ErrorDetail{{Field: "name", Issue: tt.issue}}
		t.Run("create "+tt.name, func(t *testing.T) {
			r := h.do("POST", "/users", `{"email":"eve@example.com","name":`+tt.value+`,"role":"viewer"}`)
			wantValidation(t, r, want)
		})
		t.Run("update "+tt.name, func(t *testing.T) {
			wantValidation(t, h.do("PATCH", "/users/usr_98765", `{"name":`+tt.value+`}`), want)
		})
	}
	t.Run("accented letters kept", func(t *testing.T) {
		r := h.do("POST", "/users", `{"email":"zoe@example.com","name":"Zoë Ångström","role":"viewer"}`)
		if r.status != http.StatusCreated {
			t.Errorf("status = %d, want 201: %s", r.status, r.body)
		}
	})
}

func TestEmailRules(t *testing.T) {
	h := newHarness(t)
	long := strings.Repeat("a", 64) + "@" + strings.Repeat("b", 63) + "." + strings.Repeat("c", 63) + "." + strings.Repeat("d", 57) + ".com"
	tests := []struct {
		name  string
		email string
		issue string
	}{
		{"not an address", "bad", `must be a valid email address, got "bad"`},
		{"display name", "Al <al@example.com>", `must be a valid email address, got "Al <al@example.com>"`},
		{"domain literal", "a@[127.0.0.1]", `must have a domain name such as example.com after the @, got "a@[127.0.0.1]"`},
		{"single label", "a@b", `must have a domain name such as example.com after the @, got "a@b"`},
		{"localhost", "x@localhost", `must have a domain name such as example.com after the @, got "x@localhost"`},
		{"ip address", "a@10.0.0.1", `must have a domain name such as example.com after the @, got "a@10.0.0.1"`},
		{"leading hyphen", "a@-example.com", `must have a domain name such as example.com after the @, got "a@-example.com"`},
		{"trailing hyphen", "a@example-.com", `must have a domain name such as example.com after the @, got "a@example-.com"`},
		{"underscore", "a@ex_ample.com", `must have a domain name such as example.com after the @, got "a@ex_ample.com"`},
		{"empty label", "a@example..com", `must be a valid email address, got "a@example..com"`},
		{"label over 63", "a@" + strings.Repeat("x", 64) + ".com", `must have a domain name such as example.com after the @`},
		{"local part over 64", strings.Repeat("l", 65) + "@example.com", "must have at most 64 characters before the @"},
		{"over 254", long + "x", "must be at most 254 characters long"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := h.do("POST", "/users", `{"email":"`+tt.email+`","name":"A","role":"viewer"}`)
			wantValidation(t, r, []api.ErrorDetail{{Field: "email", Issue: tt.issue}})
		})
	}

	valid := []string{"a.b+tag@example.co.uk", "x@sub-domain.example.com", "x@xn--bcher-kva.example", "1@2.example", long}
	for _, email := range valid {
		t.Run("valid "+email[:min(len(email), 20)], func(t *testing.T) {
			if len(email) > maxEmailLength {
				t.Fatalf("test address has %d characters", len(email))
			}
			r := h.do("POST", "/users", `{"email":"`+email+`","name":"A","role":"viewer"}`)
			if r.status != http.StatusCreated {
				t.Errorf("status = %d, want 201: %s", r.status, r.body)
			}
		})
	}
}

func TestValidationReportsEveryField(t *testing.T) {
	h := newHarness(t)
	tests := []struct {
		name string
		body string
		want []api.ErrorDetail
	}{
		{"blank name bad email unknown field", `{"email":"bad","name":"  ","role":"viewer","extra":1}`, []api.ErrorDetail{
			{Field: "email", Issue: `must be a valid email address, got "bad"`},
			{Field: "extra", Issue: "is not a known field"},
			{Field: "name", Issue: "must not be blank"},
		}},
		{"control name bad role", `{"email":"ok@example.com","name":"A\u0007","role":"owner"}`, []api.ErrorDetail{
			{Field: "name", Issue: `must not contain control characters, got "A\a"`},
			{Field: "role", Issue: `must be one of admin, editor, viewer, got "owner"`},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			wantValidation(t, h.do("POST", "/users", tt.body), tt.want)
		})
	}
	t.Run("update blank name and unknown status", func(t *testing.T) {
		r := h.do("PATCH", "/users/usr_98765", `{"name":" ","status":"gone"}`)
		wantValidation(t, r, []api.ErrorDetail{
			{Field: "name", Issue: "must not be blank"},
			{Field: "status", Issue: `must be one of active, inactive, got "gone"`},
		})
	})
	t.Run("long value not quoted", func(t *testing.T) {
		email := strings.Repeat("z", 70)
		r := h.do("POST", "/users", `{"email":"`+email+`","name":"A","role":"viewer"}`)
		wantValidation(t, r, []api.ErrorDetail{{Field: "email", Issue: "must be a valid email address"}})
	})
}

func TestQueryRejects(t *testing.T) {
	h := newHarness(t)
	tests := []struct {
		name  string
		query string
		want  []api.ErrorDetail
	}{
		{"limit too large for int64", "limit=99999999999999999999",
			[]api.ErrorDetail{{Field: "limit", Issue: `must be an integer from 1 to 100, got "99999999999999999999"`}}},
		{"limit zero", "limit=0", []api.ErrorDetail{{Field: "limit", Issue: "must be an integer from 1 to 100, got 0"}}},
		{"limit over max", "limit=101", []api.ErrorDetail{{Field: "limit", Issue: "must be an integer from 1 to 100, got 101"}}},
		{"limit text", "limit=ten", []api.ErrorDetail{{Field: "limit", Issue: `must be an integer from 1 to 100, got "ten"`}}},
		{"offset negative", "offset=-1", []api.ErrorDetail{{Field: "offset", Issue: "must be an integer of at least 0, got -1"}}},
		{"limit repeated", "limit=5&limit=6", []api.ErrorDetail{{Field: "limit", Issue: "must be given once"}}},
		{"limit empty", "limit=", []api.ErrorDetail{{Field: "limit", Issue: "must not be empty; give a value or leave the parameter out"}}},
		{"role empty", "role=", []api.ErrorDetail{{Field: "role", Issue: "must not be empty; give a value or leave the parameter out"}}},
		{"invalid escape", "q=%", []api.ErrorDetail{{Field: "q", Issue: `has an invalid percent-encoding in its value; write % as %25, got "%"`}}},
		{"invalid escape in name", "q%zz=1", []api.ErrorDetail{{Field: "q%zz", Issue: "has an invalid percent-encoding in its name; write % as %25"}}},
		{"semicolon", "limit=5;offset=1", []api.ErrorDetail{{Field: "query", Issue: "must separate parameters with &, not ;"}}},
		{"every problem", "limit=5&limit=6&q=%&page=2&role=boss", []api.ErrorDetail{
			{Field: "limit", Issue: "must be given once"},
			{Field: "page", Issue: "is not a known parameter"},
			{Field: "q", Issue: `has an invalid percent-encoding in its value; write % as %25, got "%"`},
			{Field: "role", Issue: `must be one of admin, editor, viewer, got "boss"`},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			wantValidation(t, h.do("GET", "/users?"+tt.query, ""), tt.want)
		})
	}
	t.Run("empty q searches nothing", func(t *testing.T) {
		r := h.do("GET", "/users?q=", "")
		if r.status != http.StatusOK {
			t.Fatalf("status = %d, want 200: %s", r.status, r.body)
		}
		if got := r.users(t).Meta.Total; got != 42 {
			t.Errorf("total = %d, want 42", got)
		}
	})
	t.Run("escaped percent", func(t *testing.T) {
		if r := h.do("GET", "/users?q=%25", ""); r.status != http.StatusOK {
			t.Errorf("status = %d, want 200: %s", r.status, r.body)
		}
	})
}
