// Package sandboxbench profiles the sandbox handler in process, without the
// network and the load generator, so that a CPU profile shows where the
// handler spends its time:
//
//	cd bench && go test -run '^$' -bench Handler -cpuprofile cpu.out ./sandboxbench/
//	go tool pprof -top -cum sandboxbench.test cpu.out
package sandboxbench

import (
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"

	"github.com/redcore/redcore-go/redcore/redcoretest"
)

const token = "bench_token"

// BenchmarkHandler measures one request through the sandbox handler, set up
// as redcore mock sets it up: a rate limit out of reach and a text logger,
// here writing to io.Discard.
func BenchmarkHandler(b *testing.B) {
	ops := []struct {
		name   string
		method string
		target string
		body   func(n int) string
		want   int
	}{
		{"list", http.MethodGet, "/v1/users?limit=20", nil, http.StatusOK},
		{"get", http.MethodGet, "/v1/users/usr_98765", nil, http.StatusOK},
		{"create", http.MethodPost, "/v1/users", func(n int) string {
			return `{"email":"load-` + strconv.Itoa(n) + `@example.com","name":"Load Test User","role":"viewer"}`
		}, http.StatusCreated},
	}
	for _, op := range ops {
		b.Run("op="+op.name, func(b *testing.B) {
			h, err := redcoretest.NewHandler(
				redcoretest.WithGrant(token, redcoretest.DefaultOrg,
					redcoretest.ScopeUsersRead, redcoretest.ScopeUsersWrite, redcoretest.ScopeProductsRead),
				redcoretest.WithRateLimit(1_000_000_000),
				redcoretest.WithLogger(slog.New(slog.NewTextHandler(io.Discard, nil))),
			)
			if err != nil {
				b.Fatal(err)
			}
			b.Cleanup(func() { _ = h.Close() })

			b.ReportAllocs()
			n := 0
			for b.Loop() {
				n++
				var body io.Reader
				if op.body != nil {
					body = strings.NewReader(op.body(n))
				}
				req := httptest.NewRequest(op.method, op.target, body)
				req.Header.Set("Authorization", "Bearer "+token)
				if body != nil {
					req.Header.Set("Content-Type", "application/json")
				}
				rec := httptest.NewRecorder()
				h.ServeHTTP(rec, req)
				if rec.Code != op.want {
					b.Fatalf("status %d, want %d: %s", rec.Code, op.want, rec.Body)
				}
			}
		})
	}
}
