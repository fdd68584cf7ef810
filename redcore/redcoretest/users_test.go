package redcoretest

import (
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/redcore/redcore-go/api"
)

func TestCreateUser(t *testing.T) {
	clock := newFixedClock()
	h := newHarness(t, WithClock(clock.Now), WithIDGenerator(counterIDs()))

	r := h.do("POST", "/users", `{"email":"bob@example.com","name":"Bob Smith","role":"editor"}`)
	if r.status != http.StatusCreated {
		t.Fatalf("status = %d, want 201: %s", r.status, r.body)
	}
	u := r.user(t)
	want := api.User{
		Id: "usr_00001", Email: "bob@example.com", Name: "Bob Smith", Role: api.Editor,
		Status: api.UserStatusPendingInvite, CreatedAt: clock.Now(), UpdatedAt: clock.Now(),
	}
	t.Run("body", func(t *testing.T) {
		if u != want {
			t.Errorf("user = %+v, want %+v", u, want)
		}
	})
	t.Run("location", func(t *testing.T) {
		if got := r.header.Get("Location"); got != "/v1/users/usr_00001" {
			t.Errorf("Location = %q, want /v1/users/usr_00001", got)
		}
	})
	t.Run("utc", func(t *testing.T) {
		if !strings.Contains(string(r.body), `"created_at":"2026-05-04T10:00:00Z"`) {
			t.Errorf("body = %s, want created_at in UTC", r.body)
		}
	})
	t.Run("readable", func(t *testing.T) {
		if got := h.do("GET", "/users/usr_00001", "").user(t); got != want {
			t.Errorf("GET = %+v, want %+v", got, want)
		}
	})
	t.Run("invitation", func(t *testing.T) {
		want := []Invitation{{UserID: "usr_00001", Email: "bob@example.com", Org: DefaultOrg, SentAt: clock.Now()}}
		if got := h.srv.Handler().Invitations(); !slices.Equal(got, want) {
			t.Errorf("Invitations() = %+v, want %+v", got, want)
		}
	})
	t.Run("duplicate any case", func(t *testing.T) {
		r := h.do("POST", "/users", `{"email":"BOB@Example.com","name":"Bob","role":"viewer"}`)
		if r.status != http.StatusConflict {
			t.Fatalf("status = %d, want 409", r.status)
		}
		if code := r.errorBody(t).Code; code != api.DUPLICATEEMAIL {
			t.Errorf("code = %s, want DUPLICATE_EMAIL", code)
		}
	})
	t.Run("duplicate sends no invitation", func(t *testing.T) {
		if got := len(h.srv.Handler().Invitations()); got != 1 {
			t.Errorf("%d invitations, want 1", got)
		}
	})
}

func TestCreateUserRejects(t *testing.T) {
	h := newHarness(t)
	big := `{"email":"big@example.com","role":"viewer","name":"` + strings.Repeat("x", 1<<20) + `"}`
	tests := []struct {
		name        string
		body        string
		contentType string
		status      int
		fields      []string
	}{
		{"invalid email", `{"email":"not-an-email","name":"A","role":"viewer"}`, "", 400, []string{"email"}},
		{"email with display name", `{"email":"Al <al@example.com>","name":"A","role":"viewer"}`, "", 400, []string{"email"}},
		{"email not string", `{"email":5,"name":"A","role":"viewer"}`, "", 400, []string{"email"}},
		{"empty name", `{"email":"a@example.com","name":"","role":"viewer"}`, "", 400, []string{"name"}},
		{"blank name", `{"email":"a@example.com","name":"   ","role":"viewer"}`, "", 400, []string{"name"}},
		{"unknown role", `{"email":"a@example.com","name":"A","role":"owner"}`, "", 400, []string{"role"}},
		{"missing fields", `{"email":"a@example.com"}`, "", 400, []string{"name", "role"}},
		{"unknown field", `{"email":"a@example.com","name":"A","role":"viewer","status":"active"}`, "", 400, []string{"status"}},
		{"null field", `{"email":"a@example.com","name":null,"role":"viewer"}`, "", 400, []string{"name"}},
		{"every field wrong", `{"email":"x","name":"","role":"x","extra":true}`, "", 400, []string{"email", "extra", "name", "role"}},
		{"null body", `null`, "", 400, []string{"body"}},
		{"array body", `[]`, "", 400, []string{"body"}},
		{"malformed json", `{"email":`, "", 400, []string{"body"}},
		{"empty body", ``, "", 400, []string{"body"}},
		{"text body", `email=a@example.com`, "text/plain", 415, nil},
		{"json with charset", `{"email":"cs@example.com","name":"A","role":"viewer"}`, "application/json; charset=utf-8", 201, nil},
		{"over 1 MiB", big, "", 413, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var headers []string
			if tt.contentType != "" {
				headers = []string{"Content-Type", tt.contentType}
			}
			r := h.do("POST", "/users", tt.body, headers...)
			if r.status != tt.status {
				t.Fatalf("status = %d, want %d: %s", r.status, tt.status, r.body)
			}
			if tt.status != http.StatusBadRequest {
				return
			}
			e := r.errorBody(t)
			if got := detailFields(e); !slices.Equal(got, tt.fields) {
				t.Errorf("detail fields = %v, want %v (%s)", got, tt.fields, r.body)
			}
		})
	}
	t.Run("codes", func(t *testing.T) {
		codes := map[int]api.ErrorCode{413: api.PAYLOADTOOLARGE, 415: api.UNSUPPORTEDMEDIATYPE}
		for status, want := range codes {
			body, ct := big, "application/json"
			if status == 415 {
				body, ct = "x", "text/plain"
			}
			if got := h.do("POST", "/users", body, "Content-Type", ct).errorBody(t).Code; got != want {
				t.Errorf("code of %d = %s, want %s", status, got, want)
			}
		}
	})
	t.Run("nothing created", func(t *testing.T) {
		if got := len(h.srv.Handler().Invitations()); got != 1 {
			t.Errorf("%d invitations, want 1 (the charset case)", got)
		}
	})
}

func TestUpdateUser(t *testing.T) {
	clock := newFixedClock()
	h := newHarness(t, WithClock(clock.Now))

	clock.Advance(time.Hour)
	r := h.do("PATCH", "/users/usr_98765", `{"name":"Alice M.","status":"inactive"}`)
	if r.status != http.StatusOK {
		t.Fatalf("status = %d, want 200: %s", r.status, r.body)
	}
	u := r.user(t)
	t.Run("changed fields", func(t *testing.T) {
		if u.Name != "Alice M." || u.Status != api.UserStatusInactive {
			t.Errorf("name, status = %q, %q, want Alice M., inactive", u.Name, u.Status)
		}
	})
	t.Run("kept fields", func(t *testing.T) {
		if u.Email != "alice@example.com" || u.Role != api.Admin {
			t.Errorf("email, role = %q, %q, want alice@example.com, admin", u.Email, u.Role)
		}
	})
	t.Run("updated_at is now", func(t *testing.T) {
		if !u.UpdatedAt.Equal(clock.Now()) {
			t.Errorf("updated_at = %v, want %v", u.UpdatedAt, clock.Now())
		}
	})
	t.Run("updated_at advances without clock", func(t *testing.T) {
		again := h.do("PATCH", "/users/usr_98765", `{"role":"viewer"}`).user(t)
		if !again.UpdatedAt.After(u.UpdatedAt) {
			t.Errorf("updated_at = %v, want after %v", again.UpdatedAt, u.UpdatedAt)
		}
	})
	t.Run("created_at kept", func(t *testing.T) {
		if want := time.Date(2025, 11, 15, 8, 30, 0, 0, time.UTC); !u.CreatedAt.Equal(want) {
			t.Errorf("created_at = %v, want %v", u.CreatedAt, want)
		}
	})
}

func TestUpdateUserRejects(t *testing.T) {
	h := newHarness(t)
	tests := []struct {
		name   string
		body   string
		fields []string
	}{
		{"empty object", `{}`, []string{"body"}},
		{"null body", `null`, []string{"body"}},
		{"email", `{"email":"new@example.com"}`, []string{"email"}},
		{"unknown field", `{"nickname":"Al"}`, []string{"nickname"}},
		{"null name", `{"name":null}`, []string{"name"}},
		{"blank name", `{"name":" "}`, []string{"name"}},
		{"pending invite", `{"status":"pending_invite"}`, []string{"status"}},
		{"unknown role", `{"role":"root"}`, []string{"role"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := h.do("PATCH", "/users/usr_98765", tt.body)
			if r.status != http.StatusBadRequest {
				t.Fatalf("status = %d, want 400: %s", r.status, r.body)
			}
			if got := detailFields(r.errorBody(t)); !slices.Equal(got, tt.fields) {
				t.Errorf("detail fields = %v, want %v", got, tt.fields)
			}
		})
	}
	t.Run("unchanged", func(t *testing.T) {
		u := h.do("GET", "/users/usr_98765", "").user(t)
		if u.Name != "Alice Müller" || u.Status != api.UserStatusActive {
			t.Errorf("user changed to %+v", u)
		}
	})
}

func TestDeleteUser(t *testing.T) {
	h := newHarness(t)

	r := h.do("DELETE", "/users/usr_98765", "")
	t.Run("status", func(t *testing.T) {
		if r.status != http.StatusNoContent {
			t.Errorf("status = %d, want 204", r.status)
		}
	})
	t.Run("no body", func(t *testing.T) {
		if len(r.body) != 0 {
			t.Errorf("body = %q, want none", r.body)
		}
	})
	t.Run("gone", func(t *testing.T) {
		if got := h.do("GET", "/users/usr_98765", "").status; got != http.StatusNotFound {
			t.Errorf("GET status = %d, want 404", got)
		}
	})
	t.Run("second delete", func(t *testing.T) {
		e := h.do("DELETE", "/users/usr_98765", "").errorBody(t)
		if e.Code != api.NOTFOUND {
			t.Errorf("code = %s, want NOT_FOUND", e.Code)
		}
		if !strings.Contains(e.Message, `"usr_98765"`) {
			t.Errorf("message %q does not name the id", e.Message)
		}
	})
	t.Run("email free again", func(t *testing.T) {
		r := h.do("POST", "/users", `{"email":"alice@example.com","name":"Alice","role":"admin"}`)
		if r.status != http.StatusCreated {
			t.Errorf("status = %d, want 201", r.status)
		}
	})
	t.Run("total", func(t *testing.T) {
		if got := h.do("GET", "/users", "").users(t).Meta.Total; got != 42 {
			t.Errorf("total = %d, want 42", got)
		}
	})
}

func TestUnknownIDs(t *testing.T) {
	h := newHarness(t)
	tests := []struct {
		name   string
		method string
		path   string
		body   string
	}{
		{"get user", "GET", "/users/usr_1", ""},
		{"encoded slash", "GET", "/users/usr%2F1", ""},
		{"product id as user", "GET", "/users/prod_00123", ""},
		{"update user", "PATCH", "/users/usr_1", `{"name":"A"}`},
		{"delete user", "DELETE", "/users/usr_1", ""},
		{"get product", "GET", "/products/prod_1", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := h.do(tt.method, tt.path, tt.body)
			if r.status != http.StatusNotFound {
				t.Fatalf("status = %d, want 404", r.status)
			}
			if code := r.errorBody(t).Code; code != api.NOTFOUND {
				t.Errorf("code = %s, want NOT_FOUND", code)
			}
		})
	}
}
