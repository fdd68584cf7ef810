package redcoretest

import (
	"bytes"
	"net/http"
	"strconv"
	"testing"
	"time"

	redcoreapi "github.com/redcore/redcore-go"
	"github.com/redcore/redcore-go/api"
)

func TestUnknownRoutes(t *testing.T) {
	h := newHarness(t)
	tests := []struct {
		name   string
		method string
		path   string
		status int
		code   api.ErrorCode
	}{
		{"unknown path", "GET", "/widgets", 404, api.NOTFOUND},
		{"trailing slash", "GET", "/users/", 404, api.NOTFOUND},
		{"nested path", "GET", "/users/usr_98765/roles", 404, api.NOTFOUND},
		{"put on users", "PUT", "/users", 405, api.METHODNOTALLOWED},
		{"delete on products", "DELETE", "/products/prod_00123", 405, api.METHODNOTALLOWED},
		{"post on user", "POST", "/users/usr_98765", 405, api.METHODNOTALLOWED},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := h.do(tt.method, tt.path, "")
			if r.status != tt.status {
				t.Fatalf("status = %d, want %d", r.status, tt.status)
			}
			if ct := r.header.Get("Content-Type"); ct != "application/json" {
				t.Errorf("Content-Type = %q, want application/json", ct)
			}
			if code := r.errorBody(t).Code; code != tt.code {
				t.Errorf("code = %s, want %s", code, tt.code)
			}
		})
	}
}

func TestOutsideBasePath(t *testing.T) {
	srv := NewServer(t)
	client := validatingClient(t, srv)
	base := srv.server.URL

	tests := []struct {
		name   string
		method string
		path   string
		status int
	}{
		{"root", "GET", "/", 404},
		{"users without version", "GET", "/users", 404},
		{"post openapi document", "POST", "/openapi.yaml", 405},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req, _ := http.NewRequest(tt.method, base+tt.path, nil)
			resp, err := client.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if resp.StatusCode != tt.status {
				t.Errorf("status = %d, want %d", resp.StatusCode, tt.status)
			}
		})
	}
}

func TestDocumentsWithoutAuth(t *testing.T) {
	srv := NewServer(t)
	client := validatingClient(t, srv)
	tests := []struct {
		path        string
		contentType string
		want        []byte
	}{
		{"/openapi.yaml", "application/yaml", redcoreapi.OpenAPI},
		{"/docs", "text/html; charset=utf-8", redcoreapi.ReferenceHTML},
	}
	for _, tt := range tests {
		t.Run(tt.path, func(t *testing.T) {
			resp, err := client.Get(srv.server.URL + tt.path)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			var body bytes.Buffer
			body.ReadFrom(resp.Body)
			if resp.StatusCode != http.StatusOK {
				t.Fatalf("status = %d, want 200", resp.StatusCode)
			}
			if ct := resp.Header.Get("Content-Type"); ct != tt.contentType {
				t.Errorf("Content-Type = %q, want %q", ct, tt.contentType)
			}
			if !bytes.Equal(body.Bytes(), tt.want) {
				t.Errorf("body differs from the embedded document (%d bytes, want %d)", body.Len(), len(tt.want))
			}
		})
	}
}

func TestResponseHeaders(t *testing.T) {
	clock := newFixedClock()
	h := newHarness(t, WithClock(clock.Now), WithRateLimit(60))

	first := h.do("GET", "/users?limit=1", "")
	second := h.do("GET", "/users?limit=1", "")

	t.Run("request ids differ", func(t *testing.T) {
		if first.header.Get(headerRequestID) == second.header.Get(headerRequestID) {
			t.Errorf("two requests share X-Request-Id %q", first.header.Get(headerRequestID))
		}
	})
	t.Run("limit", func(t *testing.T) {
		if got := second.header.Get("X-RateLimit-Limit"); got != "60" {
			t.Errorf("X-RateLimit-Limit = %q, want 60", got)
		}
	})
	t.Run("remaining", func(t *testing.T) {
		if got := second.header.Get("X-RateLimit-Remaining"); got != "58" {
			t.Errorf("X-RateLimit-Remaining = %q, want 58", got)
		}
	})
	t.Run("reset", func(t *testing.T) {
		// Two requests used at one a second: full again in 2 s.
		want := strconv.FormatInt(clock.Now().Add(2*time.Second).Unix(), 10)
		if got := second.header.Get("X-RateLimit-Reset"); got != want {
			t.Errorf("X-RateLimit-Reset = %q, want %q", got, want)
		}
	})
	t.Run("no retry after", func(t *testing.T) {
		if got := second.header.Get("Retry-After"); got != "" {
			t.Errorf("Retry-After = %q on 200, want none", got)
		}
	})
	t.Run("content type", func(t *testing.T) {
		if got := second.header.Get("Content-Type"); got != "application/json" {
			t.Errorf("Content-Type = %q, want application/json", got)
		}
	})
}

func TestUnknownRouteRateHeaders(t *testing.T) {
	h := newHarness(t)
	tests := []struct {
		name          string
		authorization string
		want          bool
	}{
		{"known token", "Bearer " + DefaultToken, true},
		{"unknown token", "Bearer nobody", false},
		{"no token", "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := h.do("GET", "/widgets", "", "Authorization", tt.authorization)
			if r.status != http.StatusNotFound {
				t.Fatalf("status = %d, want 404", r.status)
			}
			if got := r.header.Get("X-RateLimit-Remaining") != ""; got != tt.want {
				t.Errorf("has X-RateLimit-Remaining = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestUncleanPathNotFound(t *testing.T) {
	h := newHarness(t)
	// The client follows redirects, so a 307 would show up as the status
	// of the page it redirects to.
	for _, path := range []string{"/users/.", "/users/..", "/users/./usr_98765", "//users", "/users//usr_98765", "/products/%2e", "/users/usr_98765/"} {
		t.Run(path, func(t *testing.T) {
			r := h.do("GET", path, "")
			if r.status != http.StatusNotFound {
				t.Fatalf("status = %d, want 404: %s", r.status, r.body)
			}
			e := r.errorBody(t)
			if e.Code != api.NOTFOUND {
				t.Errorf("code = %s, want NOT_FOUND", e.Code)
			}
			if got := r.header.Get("Location"); got != "" {
				t.Errorf("Location = %q, want none", got)
			}
		})
	}
	t.Run("no redirect", func(t *testing.T) {
		client := &http.Client{
			Transport:     h.client.Transport,
			CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
		}
		req, _ := http.NewRequest("GET", h.srv.URL+"/users/.", nil)
		req.Header.Set("Authorization", "Bearer "+h.srv.Token)
		resp, err := client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusNotFound {
			t.Errorf("status = %d, want 404", resp.StatusCode)
		}
	})
}

func TestMethodNotAllowedAllow(t *testing.T) {
	h := newHarness(t)
	tests := []struct {
		method  string
		path    string
		allow   string
		message string
	}{
		{"PUT", "/v1/users", "GET, POST", "method PUT is not allowed on /v1/users; use GET or POST"},
		{"DELETE", "/v1/products/prod_00123", "GET", "method DELETE is not allowed on /v1/products/prod_00123; use GET"},
		{"POST", "/v1/users/usr_98765", "GET, PATCH, DELETE", "method POST is not allowed on /v1/users/usr_98765; use GET, PATCH or DELETE"},
		{"POST", "/openapi.yaml", "GET, HEAD", "method POST is not allowed on /openapi.yaml; use GET or HEAD"},
	}
	for _, tt := range tests {
		t.Run(tt.method+" "+tt.path, func(t *testing.T) {
			req, _ := http.NewRequest(tt.method, h.srv.server.URL+tt.path, nil)
			req.Header.Set("Authorization", "Bearer "+h.srv.Token)
			resp, err := h.client.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			var body bytes.Buffer
			body.ReadFrom(resp.Body)
			r := result{status: resp.StatusCode, header: resp.Header, body: body.Bytes()}

			if r.status != http.StatusMethodNotAllowed {
				t.Fatalf("status = %d, want 405", r.status)
			}
			if got := r.header.Get("Allow"); got != tt.allow {
				t.Errorf("Allow = %q, want %q", got, tt.allow)
			}
			e := r.errorBody(t)
			if e.Code != api.METHODNOTALLOWED {
				t.Errorf("code = %s, want METHOD_NOT_ALLOWED", e.Code)
			}
			if e.Message != tt.message {
				t.Errorf("message = %q, want %q", e.Message, tt.message)
			}
		})
	}
}
