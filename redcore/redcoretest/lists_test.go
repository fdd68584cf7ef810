package redcoretest

import (
	"encoding/json"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/redcore/redcore-go/api"
)

func TestFixtures(t *testing.T) {
	h := newHarness(t)

	t.Run("user count", func(t *testing.T) {
		if got := h.do("GET", "/users", "").users(t).Meta.Total; got != 42 {
			t.Errorf("total = %d, want 42", got)
		}
	})
	t.Run("product count", func(t *testing.T) {
		var l api.ProductList
		json.Unmarshal(h.do("GET", "/products", "").body, &l)
		if l.Meta.Total != 87 {
			t.Errorf("total = %d, want 87", l.Meta.Total)
		}
	})
	t.Run("alice", func(t *testing.T) {
		r := h.do("GET", "/users/usr_98765", "")
		want := `{"created_at":"2025-11-15T08:30:00Z","email":"alice@example.com","id":"usr_98765","name":"Alice Müller","role":"admin","status":"active","updated_at":"2026-04-01T14:22:00Z"}`
		if got := strings.TrimSpace(string(r.body)); got != want {
			t.Errorf("body = %s, want %s", got, want)
		}
	})
	t.Run("titanium widget", func(t *testing.T) {
		r := h.do("GET", "/products/prod_00123", "")
		want := `{"created_at":"2026-01-10T12:00:00Z","id":"prod_00123","name":"Titanium Widget Pro","price":4999,"sku":"TWP-001","status":"available","stock":250}`
		if got := strings.TrimSpace(string(r.body)); got != want {
			t.Errorf("body = %s, want %s", got, want)
		}
	})
	t.Run("no bob", func(t *testing.T) {
		if got := h.do("GET", "/users?q=bob@example.com", "").users(t).Meta.Total; got != 0 {
			t.Errorf("bob@example.com matches %d users, want 0", got)
		}
	})
	t.Run("unique emails", func(t *testing.T) {
		seen := map[string]bool{}
		for _, u := range h.do("GET", "/users?limit=100", "").users(t).Data {
			if seen[strings.ToLower(u.Email)] {
				t.Errorf("email %s appears twice", u.Email)
			}
			seen[strings.ToLower(u.Email)] = true
		}
	})
	t.Run("reference example contains alice", func(t *testing.T) {
		l := h.do("GET", "/users?role=admin&status=active&limit=10", "").users(t)
		if len(l.Data) == 0 || l.Data[0].Id != "usr_98765" {
			t.Errorf("first user = %v, want usr_98765", l.Data)
		}
	})
	t.Run("without fixtures", func(t *testing.T) {
		empty := newHarness(t, WithoutFixtures())
		if got := empty.do("GET", "/users", "").users(t).Meta.Total; got != 0 {
			t.Errorf("total = %d, want 0", got)
		}
		if got := empty.do("GET", "/products/prod_00123", "").status; got != http.StatusNotFound {
			t.Errorf("status = %d, want 404", got)
		}
	})
}

func TestListUsers(t *testing.T) {
	h := newHarness(t)
	all := h.do("GET", "/users?limit=100", "").users(t).Data

	count := func(match func(api.User) bool) int {
		n := 0
		for _, u := range all {
			if match(u) {
				n++
			}
		}
		return n
	}
	tests := []struct {
		name       string
		query      string
		wantLen    int
		wantTotal  int
		wantLimit  int
		wantOffset int
	}{
		{"defaults", "", 20, 42, 20, 0},
		{"limit", "?limit=5", 5, 42, 5, 0},
		{"max limit", "?limit=100", 42, 42, 100, 0},
		{"offset", "?offset=40", 2, 42, 20, 40},
		{"offset at end", "?offset=42", 0, 42, 20, 42},
		{"offset past end", "?offset=1000", 0, 42, 20, 1000},
		{"role", "?role=admin&limit=100", count(func(u api.User) bool { return u.Role == api.Admin }), count(func(u api.User) bool { return u.Role == api.Admin }), 100, 0},
		{"role and status", "?role=editor&status=active&limit=100",
			count(func(u api.User) bool { return u.Role == api.Editor && u.Status == api.UserStatusActive }),
			count(func(u api.User) bool { return u.Role == api.Editor && u.Status == api.UserStatusActive }), 100, 0},
		{"q in email, any case", "?q=EXAMPLE.COM&limit=100", 42, 42, 100, 0},
		{"q in name", "?q=m%C3%BCller", 1, 1, 20, 0},
		{"q and role", "?q=alice&role=viewer", 0, 0, 20, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := h.do("GET", "/users"+tt.query, "")
			if r.status != http.StatusOK {
				t.Fatalf("status = %d, want 200: %s", r.status, r.body)
			}
			l := r.users(t)
			if l.Data == nil {
				t.Error("data is null, want an array")
			}
			if len(l.Data) != tt.wantLen {
				t.Errorf("len(data) = %d, want %d", len(l.Data), tt.wantLen)
			}
			if l.Meta.Total != tt.wantTotal {
				t.Errorf("total = %d, want %d", l.Meta.Total, tt.wantTotal)
			}
			if l.Meta.Limit != tt.wantLimit {
				t.Errorf("limit = %d, want %d", l.Meta.Limit, tt.wantLimit)
			}
			if l.Meta.Offset != tt.wantOffset {
				t.Errorf("offset = %d, want %d", l.Meta.Offset, tt.wantOffset)
			}
		})
	}
	t.Run("null data literal", func(t *testing.T) {
		r := h.do("GET", "/users?offset=500", "")
		if !strings.Contains(string(r.body), `"data":[]`) {
			t.Errorf("body = %s, want \"data\":[]", r.body)
		}
	})
}

func TestListOrder(t *testing.T) {
	clock := newFixedClock()
	h := newHarness(t, WithClock(clock.Now), WithIDGenerator(counterIDs()))
	// Two users created at the same instant are ordered by id descending.
	for _, email := range []string{"x1@example.com", "x2@example.com"} {
		h.do("POST", "/users", `{"email":"`+email+`","name":"X","role":"viewer"}`)
	}

	users := h.do("GET", "/users?limit=100", "").users(t).Data
	ids := []string{}
	for _, u := range users {
		ids = append(ids, u.Id)
	}
	if got := ids[:3]; !slices.Equal(got, []string{"usr_00002", "usr_00001", "usr_98765"}) {
		t.Errorf("first ids = %v, want [usr_00002 usr_00001 usr_98765]", got)
	}
	sorted := slices.IsSortedFunc(users, func(a, b api.User) int {
		return compareNewestFirst(a.CreatedAt, a.Id, b.CreatedAt, b.Id)
	})
	if !sorted {
		t.Error("users are not ordered by created_at then id, descending")
	}
}

func TestListProducts(t *testing.T) {
	h := newHarness(t)
	tests := []struct {
		name      string
		query     string
		wantTotal int
		wantFirst string
	}{
		{"reference example", "?status=available&limit=5", 53, "prod_00123"},
		{"q in sku", "?q=twp-001", 1, "prod_00123"},
		{"q in name", "?q=titanium", 1, "prod_00123"},
		{"status and q", "?status=discontinued&q=titanium", 0, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var l api.ProductList
			if err := json.Unmarshal(h.do("GET", "/products"+tt.query, "").body, &l); err != nil {
				t.Fatal(err)
			}
			if l.Meta.Total != tt.wantTotal {
				t.Errorf("total = %d, want %d", l.Meta.Total, tt.wantTotal)
			}
			first := ""
			if len(l.Data) > 0 {
				first = l.Data[0].Id
			}
			if first != tt.wantFirst {
				t.Errorf("first id = %q, want %q", first, tt.wantFirst)
			}
		})
	}
}

func TestListRejects(t *testing.T) {
	h := newHarness(t)
	tests := []struct {
		name   string
		path   string
		fields []string
	}{
		{"limit zero", "/users?limit=0", []string{"limit"}},
		{"limit over max", "/users?limit=101", []string{"limit"}},
		{"limit not integer", "/users?limit=abc", []string{"limit"}},
		{"limit fraction", "/users?limit=2.5", []string{"limit"}},
		{"offset negative", "/users?offset=-1", []string{"offset"}},
		{"both", "/products?limit=0&offset=x", []string{"limit", "offset"}},
		{"unknown role", "/users?role=boss", []string{"role"}},
		{"unknown user status", "/users?status=gone", []string{"status"}},
		{"unknown product status", "/products?status=gone", []string{"status"}},
		{"unknown parameter", "/users?page=2", []string{"page"}},
		{"parameter of other list", "/products?role=admin", []string{"role"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := h.do("GET", tt.path, "")
			if r.status != http.StatusBadRequest {
				t.Fatalf("status = %d, want 400", r.status)
			}
			e := r.errorBody(t)
			if e.Code != api.VALIDATIONERROR {
				t.Errorf("code = %s, want VALIDATION_ERROR", e.Code)
			}
			if got := detailFields(e); !slices.Equal(got, tt.fields) {
				t.Errorf("detail fields = %v, want %v", got, tt.fields)
			}
		})
	}
}
