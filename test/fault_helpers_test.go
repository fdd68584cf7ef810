package test

import (
	"bytes"
	"context"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/redcore/redcore-go/redcore"
)

// faultToken is the token of the fault tests' clients.
const faultToken = "fault_token_c9e14b"

// faultRetryWait caps the client's backoff in the fault tests, so that
// retries after a transport error or a status without Retry-After wait at
// most this long. The retry rules are the same as with the default cap.
const faultRetryWait = 5 * time.Millisecond

// operation is one client call that a fault row makes, with the method it
// sends and the status of its success response.
type operation struct {
	name    string
	method  string
	success int
	call    func(ctx context.Context, c *redcore.Client) error
}

var (
	getUser = operation{"GET", http.MethodGet, http.StatusOK, func(ctx context.Context, c *redcore.Client) error {
		_, err := c.Users.Get(ctx, "usr_wire")
		return err
	}}
	createUser = operation{"POST", http.MethodPost, http.StatusCreated, func(ctx context.Context, c *redcore.Client) error {
		_, err := c.Users.Create(ctx, redcore.CreateUserParams{Email: "wire@example.com", Name: "Wire User", Role: redcore.RoleViewer})
		return err
	}}
	deleteUser = operation{"DELETE", http.MethodDelete, http.StatusNoContent, func(ctx context.Context, c *redcore.Client) error {
		return c.Users.Delete(ctx, "usr_wire")
	}}
)

// getAndPost are the operations every fault row runs: a read, which is
// always safe to repeat, and a create, which is safe only with its key.
var getAndPost = []operation{getUser, createUser}

// attemptLog is the debug log of a client, safe for concurrent writes.
type attemptLog struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (l *attemptLog) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.Write(p)
}

func (l *attemptLog) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.String()
}

// Attempts returns the number of attempts the client logged.
func (l *attemptLog) Attempts() int {
	return strings.Count(l.String(), "redcore: request attempt")
}

// newFaultClient returns a client of baseURL with its own HTTP transport,
// closed when the test ends, backoff capped at faultRetryWait and a debug
// log of its attempts. opts come last and may override those.
func newFaultClient(t *testing.T, baseURL string, opts ...redcore.Option) (*redcore.Client, *attemptLog) {
	t.Helper()
	transport := &http.Transport{}
	t.Cleanup(transport.CloseIdleConnections)
	log := &attemptLog{}
	logger := slog.New(slog.NewTextHandler(log, &slog.HandlerOptions{Level: slog.LevelDebug}))

	all := append([]redcore.Option{
		redcore.WithToken(faultToken),
		redcore.WithBaseURL(baseURL),
		redcore.WithHTTPClient(&http.Client{Transport: transport}),
		redcore.WithMaxRetryWait(faultRetryWait),
		redcore.WithLogger(logger),
	}, opts...)
	client, err := redcore.NewClient(all...)
	if err != nil {
		t.Fatalf("NewClient: %v", err)
	}
	return client, log
}

// checkNoLeaks fails t if goroutines started during t are still running
// once t, its subtests and their cleanups are done. It must be called first
// in a test that is not parallel, so that no other test starts goroutines
// meanwhile.
func checkNoLeaks(t *testing.T) {
	t.Helper()
	ignore := goleak.IgnoreCurrent()
	t.Cleanup(func() { goleak.VerifyNone(t, ignore) })
}

// checkRequests checks the number of requests srv read and of connections
// it accepted.
func checkRequests(t *testing.T, srv *wireServer, requests, conns int) {
	t.Helper()
	if got := len(srv.Requests()); got != requests {
		t.Errorf("requests read = %d, want %d", got, requests)
	}
	if got := srv.Conns(); got != conns {
		t.Errorf("connections = %d, want %d", got, conns)
	}
}

// checkCreations checks, for a POST, that every attempt carried the same
// Idempotency-Key and that the server applied creations POSTs.
func checkCreations(t *testing.T, srv *wireServer, op operation, creations int) {
	t.Helper()
	if op.method != http.MethodPost {
		return
	}
	requests := srv.Requests()
	for i, r := range requests {
		if r.key == "" {
			t.Errorf("attempt %d has no Idempotency-Key", i+1)
		}
		if r.key != requests[0].key {
			t.Errorf("attempt %d has Idempotency-Key %q, want %q as the first", i+1, r.key, requests[0].key)
		}
	}
	if got := srv.Creations(); got != creations {
		t.Errorf("users created = %d, want %d", got, creations)
	}
}

// gap returns the time between the arrival of request i and of the one
// before it.
func gap(srv *wireServer, i int) time.Duration {
	requests := srv.Requests()
	return requests[i].arrived.Sub(requests[i-1].arrived)
}
