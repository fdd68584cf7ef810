package redcoretest

import (
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/redcore/redcore-go/api"
)

// benchModes is the sandbox with request validation on and off.
var benchModes = []struct {
	name string
	opts []Option
}{
	{"validation on", nil},
	{"validation off", []Option{withoutValidation()}},
}

// startBenchServer starts a sandbox whose rate limit is out of the way and
// whose HTTP client keeps a connection per parallel client.
func startBenchServer(b *testing.B, opts ...Option) (*Server, *http.Client) {
	b.Helper()

	srv := NewServer(b, append([]Option{WithRateLimit(1 << 30)}, opts...)...)
	client := srv.server.Client()
	client.Transport.(*http.Transport).MaxIdleConnsPerHost = 64
	return srv, client
}

// doBench sends the request that newRequest returns from GOMAXPROCS
// goroutines until the benchmark ends, fails it unless every response has
// status want, and reports requests per second.
func doBench(b *testing.B, client *http.Client, want int, newRequest func() *http.Request) {
	b.Helper()

	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			resp, err := client.Do(newRequest())
			if err != nil {
				b.Error(err)
				return
			}
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			if resp.StatusCode != want {
				b.Errorf("status = %d, want %d", resp.StatusCode, want)
				return
			}
		}
	})
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "req/s")
}

// addUsers adds n users to the default organization, created before the
// sandbox started, as a state file would restore them.
func addUsers(b *testing.B, h *Handler, n int) {
	b.Helper()

	start := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	users := make([]api.User, n)
	for i := range users {
		// List order: the newest first.
		created := start.Add(time.Duration(n-i) * time.Millisecond)
		users[i] = api.User{
			Id:        fmt.Sprintf("usr_added%06d", n-i),
			Email:     fmt.Sprintf("added%d@example.com", n-i),
			Name:      "Added User",
			Role:      api.Viewer,
			Status:    api.UserStatusActive,
			CreatedAt: created,
			UpdatedAt: created,
		}
	}
	h.store.putUsers(DefaultOrg, users)
}

// BenchmarkRequests measures requests per second over loopback HTTP for a
// page of users, for a page of users after 20,000 creates, and for one
// user, with request validation on and off. Clients run in parallel
// (GOMAXPROCS goroutines) on keep-alive connections.
func BenchmarkRequests(b *testing.B) {
	paths := []struct {
		name  string
		path  string
		added int
	}{
		{"list users limit 20", "/users?limit=20", 0},
		{"list users limit 20 of 20042", "/users?limit=20", 20_000},
		{"get user", "/users/usr_98765", 0},
	}
	for _, p := range paths {
		for _, m := range benchModes {
			b.Run(p.name+"/"+m.name, func(b *testing.B) {
				srv, client := startBenchServer(b, m.opts...)
				addUsers(b, srv.handler, p.added)
				url := srv.URL + p.path

				doBench(b, client, http.StatusOK, func() *http.Request {
					req, _ := http.NewRequest("GET", url, nil)
					req.Header.Set("Authorization", "Bearer "+srv.Token)
					return req
				})
			})
		}
	}
}

// BenchmarkCreateUser measures requests per second over loopback HTTP for
// creates of users with new email addresses, in the sample organization
// and in one that has 100,000 more users, with request validation on and
// off. Every create adds a user, so the store grows with b.N.
func BenchmarkCreateUser(b *testing.B) {
	for _, added := range []int{0, 100_000} {
		for _, m := range benchModes {
			b.Run(fmt.Sprintf("users %d/%s", 42+added, m.name), func(b *testing.B) {
				srv, client := startBenchServer(b, m.opts...)
				addUsers(b, srv.handler, added)
				url := srv.URL + "/users"
				var n atomic.Int64

				doBench(b, client, http.StatusCreated, func() *http.Request {
					body := fmt.Sprintf(`{"email":"load%d@example.com","name":"Load User","role":"viewer"}`, n.Add(1))
					req, _ := http.NewRequest("POST", url, strings.NewReader(body))
					req.Header.Set("Authorization", "Bearer "+srv.Token)
					req.Header.Set("Content-Type", "application/json")
					return req
				})
			})
		}
	}
}

// BenchmarkHandler measures the handler's own time per request, without
// the network: a page of 20 users of 42 and of 20,042, one user, and a
// create of a user among 42 and among 100,042, with request validation on.
func BenchmarkHandler(b *testing.B) {
	ops := []struct {
		name   string
		method string
		path   string
		added  int
		want   int
	}{
		{"list users 42", "GET", "/v1/users?limit=20", 0, http.StatusOK},
		{"list users 20042", "GET", "/v1/users?limit=20", 20_000, http.StatusOK},
		{"get user", "GET", "/v1/users/usr_98765", 0, http.StatusOK},
		{"create user 42", "POST", "/v1/users", 0, http.StatusCreated},
		{"create user 100042", "POST", "/v1/users", 100_000, http.StatusCreated},
	}
	for _, op := range ops {
		b.Run(op.name, func(b *testing.B) {
			h, err := NewHandler(WithRateLimit(1 << 30))
			if err != nil {
				b.Fatal(err)
			}
			b.Cleanup(func() { h.Close() })
			addUsers(b, h, op.added)

			n := 0
			for b.Loop() {
				var body io.Reader
				if op.method == "POST" {
					n++
					body = strings.NewReader(fmt.Sprintf(`{"email":"load%d@example.com","name":"Load User","role":"viewer"}`, n))
				}
				req := httptest.NewRequest(op.method, op.path, body)
				req.Header.Set("Authorization", "Bearer "+h.Token())
				if body != nil {
					req.Header.Set("Content-Type", "application/json")
				}
				rec := httptest.NewRecorder()
				h.ServeHTTP(rec, req)
				if rec.Code != op.want {
					b.Fatalf("status = %d, want %d: %s", rec.Code, op.want, rec.Body)
				}
			}
		})
	}
}
