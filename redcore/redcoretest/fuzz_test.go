package redcoretest_test

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/redcore/redcore-go/api"
	"github.com/redcore/redcore-go/redcore/redcoretest"
)

// lockedBuffer is a bytes.Buffer safe for the concurrent writes of a logger.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// FuzzHandler sends arbitrary requests to the sandbox and checks that none
// gets a 500 or makes the handler recover from a panic, and that every
// error response is the API's JSON error body with the request's id.
//
// The request is written as HTTP/1.1 text and parsed by net/http, so only
// requests that an http.Server would hand to the handler reach it. Every
// request carries the sandbox token unless the fuzzed header replaces it.
func FuzzHandler(f *testing.F) {
	seeds := []struct {
		method, target, contentType, key, name, value, body string
	}{
		{"GET", "/v1/users?limit=5&role=admin", "", "", "", "", ""},
		{"GET", "/v1/users/usr_98765", "", "", "", "", ""},
		{"GET", "/v1/products?status=available&q=widget&offset=3", "", "", "", "", ""},
		{"GET", "/v1/products/prod_00123", "", "", "", "", ""},
		{"POST", "/v1/users", "application/json", "key-1", "", "", `{"email":"bob@example.com","name":"Bob","role":"editor"}`},
		{"POST", "/v1/users", "application/json", "", "", "", `{"email":null,"name":"","role":"owner","extra":1}`},
		{"POST", "/v1/users", "text/plain", "", "", "", `email=bob`},
		{"PATCH", "/v1/users/usr_98765", "application/json; charset=utf-8", "key-2", "", "", `{"status":"pending_invite"}`},
		{"PATCH", "/v1/users/usr_98765", "application/json", "", "", "", `{}`},
		{"DELETE", "/v1/users/usr_00001", "", "key-3", "", "", ""},
		{"PUT", "/v1/users", "", "", "", "", ""},
		{"GET", "/v1/users?limit=abc&offset=-1&limit=2", "", "", "", "", ""},
		{"GET", "/v1/users/%2e%2e", "", "", "", "", ""},
		{"GET", "/v1/users/a%2Fb", "", "", "", "", ""},
		{"GET", "/v1/users", "", "", "Authorization", "Bearer wrong", ""},
		{"GET", "/v1/users", "", "", "Authorization", "Basic c2FuZGJveA==", ""},
		{"OPTIONS", "*", "", "", "", "", ""},
		{"GET", "/openapi.yaml", "", "", "", "", ""},
		{"POST", "/docs", "", "", "", "", ""},
		{"GET", "/v2/users", "", "", "", "", ""},
		{"POST", "/v1/users", "application/json", strings.Repeat("k", 256), "", "", `{"email":"c@example.com","name":"C","role":"viewer"}`},
		{"POST", "/v1/users", "application/json", "", "Idempotency-Key", "", `[1,2,3]`},
	}
	for _, s := range seeds {
		f.Add(s.method, s.target, s.contentType, s.key, s.name, s.value, []byte(s.body))
	}

	var logs lockedBuffer
	h, err := redcoretest.NewHandler(
		// A limit beyond what a fuzzing run sends keeps every request
		// past the rate limit check.
		redcoretest.WithRateLimit(1<<30),
		redcoretest.WithLogger(slog.New(slog.NewJSONHandler(&logs, nil))),
	)
	if err != nil {
		f.Fatal(err)
	}

	f.Fuzz(func(t *testing.T, method, target, contentType, key, name, value string, body []byte) {
		req, ok := parseRequest(method, target, contentType, key, name, value, body)
		if !ok {
			t.Skip("net/http rejects the request before any handler")
		}
		rec := httptest.NewRecorder()
		before := strings.Count(logs.String(), "panic recovered")

		h.ServeHTTP(rec, req)

		if strings.Count(logs.String(), "panic recovered") != before {
			t.Fatalf("%s %s: the handler panicked: %s", method, target, logs.String())
		}
		if rec.Code == http.StatusInternalServerError {
			t.Fatalf("%s %s: status 500: %s", method, target, rec.Body)
		}
		if rec.Code < 400 {
			return
		}
		var e api.Error
		if err := json.Unmarshal(rec.Body.Bytes(), &e); err != nil {
			t.Fatalf("%s %s: status %d with a body that is not the JSON error: %v: %q", method, target, rec.Code, err, rec.Body)
		}
		if e.Error.Code == "" {
			t.Errorf("%s %s: status %d without an error code: %s", method, target, rec.Code, rec.Body)
		}
		if id := rec.Header().Get("X-Request-Id"); e.Error.RequestId != id {
			t.Errorf("%s %s: request_id %q, want the X-Request-Id %q", method, target, e.Error.RequestId, id)
		}
	})
}

// parseRequest writes a request as HTTP/1.1 text and parses it as an
// http.Server would, reporting false when net/http rejects it.
func parseRequest(method, target, contentType, key, name, value string, body []byte) (*http.Request, bool) {
	var b bytes.Buffer
	fmt.Fprintf(&b, "%s %s HTTP/1.1\r\nHost: 127.0.0.1\r\n", method, target)
	header := http.Header{"Authorization": {"Bearer " + redcoretest.DefaultToken}}
	if contentType != "" {
		header["Content-Type"] = []string{contentType}
	}
	if key != "" {
		header["Idempotency-Key"] = []string{key}
	}
	if name != "" {
		header[name] = []string{value}
	}
	for n, values := range header {
		for _, v := range values {
			fmt.Fprintf(&b, "%s: %s\r\n", n, v)
		}
	}
	fmt.Fprintf(&b, "Content-Length: %d\r\n\r\n", len(body))
	b.Write(body)

	req, err := http.ReadRequest(bufio.NewReader(&b))
	if err != nil {
		return nil, false
	}
	// A fuzzed value with a line break adds headers of its own. The
	// request is still one that a server could receive.
	req.RemoteAddr = "127.0.0.1:1"
	return req, true
}
