package redcoretest

import (
	"net/http"
	"testing"

	"github.com/redcore/redcore-go/api"
)

func TestAuthRejects(t *testing.T) {
	h := newHarness(t)
	tests := []struct {
		name          string
		authorization string
	}{
		{"missing", ""},
		{"basic scheme", "Basic c2FuZGJveDp4"},
		{"bearer without token", "Bearer "},
		{"unknown token", "Bearer not_a_token"},
		{"token prefix", "Bearer sandbox_tok"},
		{"two tokens", "Bearer sandbox_token sandbox_token"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := h.do("GET", "/users", "", "Authorization", tt.authorization)
			if r.status != http.StatusUnauthorized {
				t.Fatalf("status = %d, want 401", r.status)
			}
			if code := r.errorBody(t).Code; code != api.UNAUTHORIZED {
				t.Errorf("code = %s, want UNAUTHORIZED", code)
			}
			if got := r.header.Get("X-RateLimit-Limit"); got != "" {
				t.Errorf("X-RateLimit-Limit = %q on 401, want none", got)
			}
		})
	}
}

func TestAuthBearerSchemeCaseInsensitive(t *testing.T) {
	h := newHarness(t)
	r := h.do("GET", "/users/usr_98765", "", "Authorization", "bearer "+DefaultToken)
	if r.status != http.StatusOK {
		t.Errorf("status = %d, want 200", r.status)
	}
}

func TestScopes(t *testing.T) {
	h := newHarness(t,
		WithGrant("reader", "", ScopeUsersRead),
		WithGrant("writer", "", ScopeUsersWrite),
		WithGrant("catalog", "", ScopeProductsRead),
	)
	tests := []struct {
		name   string
		token  string
		method string
		path   string
		body   string
		want   int
	}{
		{"reader lists users", "reader", "GET", "/users", "", 200},
		{"reader gets user", "reader", "GET", "/users/usr_98765", "", 200},
		{"reader cannot create", "reader", "POST", "/users", `{"email":"a@example.com","name":"A","role":"viewer"}`, 403},
		{"reader cannot update", "reader", "PATCH", "/users/usr_98765", `{"name":"A"}`, 403},
		{"reader cannot delete", "reader", "DELETE", "/users/usr_98765", "", 403},
		{"reader cannot list products", "reader", "GET", "/products", "", 403},
		{"reader cannot get product", "reader", "GET", "/products/prod_00123", "", 403},
		{"writer cannot list users", "writer", "GET", "/users", "", 403},
		{"writer creates", "writer", "POST", "/users", `{"email":"w@example.com","name":"W","role":"viewer"}`, 201},
		{"catalog lists products", "catalog", "GET", "/products", "", 200},
		{"catalog gets product", "catalog", "GET", "/products/prod_00123", "", 200},
		{"catalog cannot get user", "catalog", "GET", "/users/usr_98765", "", 403},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := h.do(tt.method, tt.path, tt.body, "Authorization", "Bearer "+tt.token)
			if r.status != tt.want {
				t.Fatalf("status = %d, want %d: %s", r.status, tt.want, r.body)
			}
			if tt.want == http.StatusForbidden {
				if code := r.errorBody(t).Code; code != api.FORBIDDEN {
					t.Errorf("code = %s, want FORBIDDEN", code)
				}
				if r.header.Get("X-RateLimit-Remaining") == "" {
					t.Error("403 has no X-RateLimit-Remaining")
				}
			}
		})
	}
}

func TestDefaultTokenNotAcceptedWithGrants(t *testing.T) {
	h := newHarness(t, WithGrant("mine", "", AllScopes...))
	r := h.do("GET", "/users", "", "Authorization", "Bearer "+DefaultToken)
	if r.status != http.StatusUnauthorized {
		t.Errorf("status = %d, want 401", r.status)
	}
}

func TestOrganizations(t *testing.T) {
	h := newHarness(t,
		WithGrant("a", "", AllScopes...),
		WithGrant("b", "org_b", AllScopes...),
	)
	asB := []string{"Authorization", "Bearer b"}

	t.Run("other organization's user is not found", func(t *testing.T) {
		r := h.do("GET", "/users/usr_98765", "", asB...)
		if r.status != http.StatusNotFound {
			t.Errorf("status = %d, want 404", r.status)
		}
	})
	t.Run("new organization starts empty", func(t *testing.T) {
		l := h.do("GET", "/users", "", asB...).users(t)
		if l.Meta.Total != 0 {
			t.Errorf("total = %d, want 0", l.Meta.Total)
		}
		if l.Data == nil {
			t.Error("data is null, want []")
		}
	})
	t.Run("email unique per organization only", func(t *testing.T) {
		r := h.do("POST", "/users", `{"email":"alice@example.com","name":"Alice B","role":"admin"}`, asB...)
		if r.status != http.StatusCreated {
			t.Fatalf("status = %d, want 201: %s", r.status, r.body)
		}
		id := r.user(t).Id
		if got := h.do("GET", "/users/"+id, "", "Authorization", "Bearer a").status; got != http.StatusNotFound {
			t.Errorf("organization a sees b's user: status %d, want 404", got)
		}
	})
	t.Run("products are shared", func(t *testing.T) {
		if got := h.do("GET", "/products/prod_00123", "", asB...).status; got != http.StatusOK {
			t.Errorf("status = %d, want 200", got)
		}
	})
}

func TestCheckOrder(t *testing.T) {
	h := newHarness(t, WithGrant("full", "", AllScopes...), WithGrant("reader", "", ScopeUsersRead))
	tests := []struct {
		name   string
		method string
		path   string
		body   string
		token  string
		want   api.ErrorCode
	}{
		{"unknown route before auth", "GET", "/nope", "", "", api.NOTFOUND},
		{"unknown method before auth", "PUT", "/users", "", "", api.METHODNOTALLOWED},
		{"auth before scope", "POST", "/users", `{}`, "Bearer wrong", api.UNAUTHORIZED},
		{"scope before validation", "POST", "/users", `{"email":1}`, "Bearer reader", api.FORBIDDEN},
		{"scope before lookup", "DELETE", "/users/usr_nope", "", "Bearer reader", api.FORBIDDEN},
		{"validation before lookup", "PATCH", "/users/usr_nope", `{"role":"boss"}`, "Bearer full", api.VALIDATIONERROR},
		{"lookup last", "PATCH", "/users/usr_nope", `{"role":"admin"}`, "Bearer full", api.NOTFOUND},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := h.do(tt.method, tt.path, tt.body, "Authorization", tt.token)
			if code := r.errorBody(t).Code; code != tt.want {
				t.Errorf("code = %s, want %s", code, tt.want)
			}
		})
	}
}

func TestGrantRejects(t *testing.T) {
	tests := []struct {
		name  string
		token string
		scope string
	}{
		{"empty token", "", ScopeUsersRead},
		{"token with space", "a b", ScopeUsersRead},
		{"unknown scope", "tok", "users:admin"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := NewHandler(WithGrant(tt.token, "", tt.scope)); err == nil {
				t.Error("NewHandler succeeded, want an error")
			}
		})
	}
}

func TestAuthMessages(t *testing.T) {
	h := newHarness(t)
	tests := []struct {
		name          string
		authorization string
		message       string
	}{
		{"missing", "", `missing bearer token; send "Authorization: Bearer TOKEN"`},
		{"malformed", "Token abc", `malformed Authorization header; send "Authorization: Bearer TOKEN"`},
		{"unknown", "Bearer not_a_token", `unknown bearer token; check that the token is current and sent as "Authorization: Bearer TOKEN"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := h.do("GET", "/users", "", "Authorization", tt.authorization)
			if r.status != http.StatusUnauthorized {
				t.Fatalf("status = %d, want 401", r.status)
			}
			e := r.errorBody(t)
			if e.Code != api.UNAUTHORIZED {
				t.Errorf("code = %s, want UNAUTHORIZED", e.Code)
			}
			if e.Message != tt.message {
				t.Errorf("message = %q, want %q", e.Message, tt.message)
			}
			if e.Details != nil {
				t.Errorf("details = %v, want none", *e.Details)
			}
		})
	}
}
