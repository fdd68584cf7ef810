package redcore

import (
	"context"
	"encoding/json"
	"errors"
	"maps"
	"net/http"
	"net/url"
	"slices"
	"testing"
)

func TestUsersGetSendsRequest(t *testing.T) {
	srv := newScriptedServer(t, func(w http.ResponseWriter, r *http.Request, n int) {
		writeJSON(w, http.StatusOK, testUser("usr_1"))
	})
	c, _ := newTestClient(t, srv)

	user, err := c.Users.Get(context.Background(), "usr_1")
	if err != nil {
		t.Fatalf("Get: %v", err)
	}
	if user.Id != "usr_1" {
		t.Errorf("user id = %q, want usr_1", user.Id)
	}
	req := srv.Requests()[0]
	if req.Method != http.MethodGet {
		t.Errorf("method = %s, want GET", req.Method)
	}
	if req.Path != "/v1/users/usr_1" {
		t.Errorf("path = %s, want /v1/users/usr_1", req.Path)
	}
	if got := req.Header.Get("Authorization"); got != "Bearer "+testToken {
		t.Errorf("Authorization = %q, want the bearer token", got)
	}
	if got := req.Header.Get("Idempotency-Key"); got != "" {
		t.Errorf("Idempotency-Key on GET = %q, want none", got)
	}
}

func TestUsersListSendsQuery(t *testing.T) {
	tests := []struct {
		name   string
		params ListUsersParams
		query  string
	}{
		{"zero", ListUsersParams{}, ""},
		{"all", ListUsersParams{Limit: 10, Offset: 5, Role: RoleAdmin, Status: UserStatusActive, Q: "müller & co"},
			"limit=10&offset=5&q=m%C3%BCller+%26+co&role=admin&status=active"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := newScriptedServer(t, func(w http.ResponseWriter, r *http.Request, n int) {
				writeJSON(w, http.StatusOK, map[string]any{
					"data": []any{testUser("usr_1")},
					"meta": map[string]int{"total": 42, "limit": 10, "offset": 5},
				})
			})
			c, _ := newTestClient(t, srv)

			page, err := c.Users.List(context.Background(), tt.params)
			if err != nil {
				t.Fatalf("List: %v", err)
			}
			got, _ := url.ParseQuery(srv.Requests()[0].Query)
			want, _ := url.ParseQuery(tt.query)
			if !maps.EqualFunc(got, want, slices.Equal) {
				t.Errorf("query = %v, want %v", got, want)
			}
			if page.Total != 42 || page.Limit != 10 || page.Offset != 5 {
				t.Errorf("page meta = %d/%d/%d, want 42/10/5", page.Total, page.Limit, page.Offset)
			}
			if len(page.Data) != 1 {
				t.Errorf("page has %d users, want 1", len(page.Data))
			}
		})
	}
}

func TestUsersCreateSendsBody(t *testing.T) {
	srv := newScriptedServer(t, func(w http.ResponseWriter, r *http.Request, n int) {
		writeJSON(w, http.StatusCreated, testUser("usr_new"))
	})
	c, _ := newTestClient(t, srv)

	user, err := c.Users.Create(context.Background(), CreateUserParams{Email: "bob@example.com", Name: "Bob Smith", Role: RoleEditor})
	if err != nil {
		t.Fatalf("Create: %v", err)
	}
	if user.Id != "usr_new" {
		t.Errorf("user id = %q, want usr_new", user.Id)
	}
	req := srv.Requests()[0]
	if req.Method != http.MethodPost || req.Path != "/v1/users" {
		t.Errorf("request = %s %s, want POST /v1/users", req.Method, req.Path)
	}
	if got, want := string(req.Body), `{"email":"bob@example.com","name":"Bob Smith","role":"editor"}`; got != want {
		t.Errorf("body = %s, want %s", got, want)
	}
	if got := req.Header.Get("Content-Type"); got != "application/json" {
		t.Errorf("Content-Type = %q, want application/json", got)
	}
	if got := req.Header.Get("Idempotency-Key"); got == "" {
		t.Error("POST has no Idempotency-Key")
	}
}

func TestUsersUpdateSendsSetFieldsOnly(t *testing.T) {
	tests := []struct {
		name   string
		params UpdateUserParams
		body   string
	}{
		{"role", UpdateUserParams{Role: Ptr(RoleAdmin)}, `{"role":"admin"}`},
		{"status", UpdateUserParams{Status: Ptr(UserStatusInactive)}, `{"status":"inactive"}`},
		{"all", UpdateUserParams{Name: Ptr("A"), Role: Ptr(RoleViewer), Status: Ptr(UserStatusActive)},
			`{"name":"A","role":"viewer","status":"active"}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := newScriptedServer(t, func(w http.ResponseWriter, r *http.Request, n int) {
				writeJSON(w, http.StatusOK, testUser("usr_1"))
			})
			c, _ := newTestClient(t, srv)

			if _, err := c.Users.Update(context.Background(), "usr_1", tt.params); err != nil {
				t.Fatalf("Update: %v", err)
			}
			req := srv.Requests()[0]
			if req.Method != http.MethodPatch || req.Path != "/v1/users/usr_1" {
				t.Errorf("request = %s %s, want PATCH /v1/users/usr_1", req.Method, req.Path)
			}
			if string(req.Body) != tt.body {
				t.Errorf("body = %s, want %s", req.Body, tt.body)
			}
		})
	}
}

func TestUsersDeleteAcceptsNoContent(t *testing.T) {
	srv := newScriptedServer(t, func(w http.ResponseWriter, r *http.Request, n int) {
		w.WriteHeader(http.StatusNoContent)
	})
	c, _ := newTestClient(t, srv)

	if err := c.Users.Delete(context.Background(), "usr_1"); err != nil {
		t.Fatalf("Delete: %v", err)
	}
	req := srv.Requests()[0]
	if req.Method != http.MethodDelete || req.Path != "/v1/users/usr_1" {
		t.Errorf("request = %s %s, want DELETE /v1/users/usr_1", req.Method, req.Path)
	}
	if req.Header.Get("Idempotency-Key") == "" {
		t.Error("DELETE has no Idempotency-Key")
	}
}

func TestUsersGetNotFound(t *testing.T) {
	srv := newScriptedServer(t, func(w http.ResponseWriter, r *http.Request, n int) {
		writeAPIError(w, http.StatusNotFound, "NOT_FOUND", `user "usr_x" not found`)
	})
	c, _ := newTestClient(t, srv)

	_, err := c.Users.Get(context.Background(), "usr_x")
	if !errors.Is(err, ErrNotFound) {
		t.Fatalf("error = %v, want ErrNotFound", err)
	}
	if got, want := err.Error(), `redcore: user "usr_x" not found (404 NOT_FOUND, request req_test)`; got != want {
		t.Errorf("message = %s, want %s", got, want)
	}
}

func TestUsersUnknownEnumValues(t *testing.T) {
	srv := newScriptedServer(t, func(w http.ResponseWriter, r *http.Request, n int) {
		u := testUser("usr_1")
		u["role"], u["status"] = "owner", "suspended"
		writeJSON(w, http.StatusOK, u)
	})
	c, _ := newTestClient(t, srv)

	user, err := c.Users.Get(context.Background(), "usr_1")
	if err != nil {
		t.Fatalf("Get: %v", err)
	}
	if user.Role != "owner" {
		t.Errorf("role = %q, want owner", user.Role)
	}
	if user.Status != "suspended" {
		t.Errorf("status = %q, want suspended", user.Status)
	}
	out, _ := json.Marshal(user)
	var back map[string]any
	_ = json.Unmarshal(out, &back)
	if back["role"] != "owner" {
		t.Errorf("re-encoded role = %v, want owner", back["role"])
	}
}
