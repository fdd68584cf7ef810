package redcore

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"go.uber.org/goleak"
)

// TestMain fails the run when a test leaves a goroutine behind, once the
// idle connections of the default transport, which the examples use, are
// closed.
func TestMain(m *testing.M) {
	code := m.Run()
	http.DefaultTransport.(*http.Transport).CloseIdleConnections()
	if code == 0 {
		if err := goleak.Find(); err != nil {
			fmt.Fprintf(os.Stderr, "goroutines left behind: %v\n", err)
			code = 1
		}
	}
	os.Exit(code)
}

const testToken = "test_token_1234"

// recordedRequest is what a scripted server saw of one request.
type recordedRequest struct {
	Method  string
	Path    string // escaped, as sent
	Query   string
	Header  http.Header
	Body    []byte
	Arrived time.Time
}

// scriptedServer is an httptest server on 127.0.0.1 that responds to each
// request with the handler given the request's number (0 for the first),
// and records every request and the number of TCP connections.
type scriptedServer struct {
	*httptest.Server

	mu       sync.Mutex
	requests []recordedRequest
	conns    atomic.Int32
}

func newScriptedServer(t *testing.T, handler func(w http.ResponseWriter, r *http.Request, n int)) *scriptedServer {
	t.Helper()
	s := &scriptedServer{}
	s.Server = httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		s.mu.Lock()
		n := len(s.requests)
		s.requests = append(s.requests, recordedRequest{
			Method:  r.Method,
			Path:    r.URL.EscapedPath(),
			Query:   r.URL.RawQuery,
			Header:  r.Header.Clone(),
			Body:    body,
			Arrived: time.Now(),
		})
		s.mu.Unlock()
		handler(w, r, n)
	}))
	s.Config.ConnState = func(_ net.Conn, state http.ConnState) {
		if state == http.StateNew {
			s.conns.Add(1)
		}
	}
	s.Start()
	t.Cleanup(s.Close)
	return s
}

// Requests returns a copy of the recorded requests.
func (s *scriptedServer) Requests() []recordedRequest {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]recordedRequest(nil), s.requests...)
}

// waitRecorder replaces the retry sleep: it records each wait and returns
// at once, or with the context's error when the context is done.
type waitRecorder struct {
	mu    sync.Mutex
	waits []time.Duration
}

func (w *waitRecorder) sleep(ctx context.Context, d time.Duration) error {
	w.mu.Lock()
	w.waits = append(w.waits, d)
	w.mu.Unlock()
	return ctx.Err()
}

func (w *waitRecorder) Waits() []time.Duration {
	w.mu.Lock()
	defer w.mu.Unlock()
	return append([]time.Duration(nil), w.waits...)
}

// newTestClient returns a client of srv with its own HTTP transport, whose
// idle connections are closed when the test ends, and with retry waits
// recorded instead of slept. The jitter is replaced by its ceiling, so the
// waits are the backoff bounds.
func newTestClient(t *testing.T, srv *scriptedServer, opts ...Option) (*Client, *waitRecorder) {
	t.Helper()
	httpTransport := &http.Transport{}
	t.Cleanup(httpTransport.CloseIdleConnections)

	all := append([]Option{
		WithToken(testToken),
		WithBaseURL(srv.URL + "/v1"),
		WithHTTPClient(&http.Client{Transport: httpTransport}),
	}, opts...)
	c, err := NewClient(all...)
	if err != nil {
		t.Fatalf("NewClient: %v", err)
	}

	recorder := &waitRecorder{}
	c.transport.sleep = recorder.sleep
	c.transport.jitter = func(ceiling time.Duration) time.Duration { return ceiling }
	return c, recorder
}

// writeJSON writes v as a JSON response with the given status.
func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

// writeAPIError writes the API's error body with the given status and code.
func writeAPIError(w http.ResponseWriter, status int, code, message string) {
	w.Header().Set("X-Request-Id", "req_test")
	writeJSON(w, status, map[string]any{"error": map[string]any{
		"code": code, "message": message, "request_id": "req_test",
	}})
}

// testUser returns a user of the fixtures' shape with the given id.
func testUser(id string) map[string]any {
	return map[string]any{
		"id": id, "email": id + "@example.com", "name": "User " + id,
		"role": "viewer", "status": "active",
		"created_at": "2026-01-01T00:00:00Z", "updated_at": "2026-01-01T00:00:00Z",
	}
}
