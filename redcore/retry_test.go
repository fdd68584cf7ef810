package redcore

import (
	"bytes"
	"context"
	"errors"
	"math"
	"net"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"go.uber.org/goleak"
)

func TestRetryAttempts(t *testing.T) {
	tests := []struct {
		name       string
		statuses   []int // per attempt; the last one repeats
		opts       []Option
		attempts   int
		wantStatus int // 0 for success
	}{
		{"503 then ok", []int{503, 200}, nil, 2, 0},
		{"500 502 then ok", []int{500, 502, 200}, nil, 3, 0},
		{"504 then ok", []int{504, 200}, nil, 2, 0},
		{"429 then ok", []int{429, 200}, nil, 2, 0},
		{"503 always", []int{503}, nil, 3, 503},
		{"400 not retried", []int{400}, nil, 1, 400},
		{"401 not retried", []int{401}, nil, 1, 401},
		{"404 not retried", []int{404}, nil, 1, 404},
		{"409 not retried", []int{409}, nil, 1, 409},
		{"501 not retried", []int{501}, nil, 1, 501},
		{"no retries", []int{503}, []Option{WithMaxRetries(0)}, 1, 503},
		{"five retries", []int{503}, []Option{WithMaxRetries(5)}, 6, 503},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := newScriptedServer(t, func(w http.ResponseWriter, r *http.Request, n int) {
				status := tt.statuses[min(n, len(tt.statuses)-1)]
				if status == http.StatusOK {
					writeJSON(w, status, testUser("usr_1"))
					return
				}
				writeAPIError(w, status, "INTERNAL_ERROR", "scripted failure")
			})
			c, _ := newTestClient(t, srv, tt.opts...)

			_, err := c.Users.Get(context.Background(), "usr_1")

			if got := len(srv.Requests()); got != tt.attempts {
				t.Errorf("attempts = %d, want %d", got, tt.attempts)
			}
			var apiErr *APIError
			switch {
			case tt.wantStatus == 0 && err != nil:
				t.Errorf("error = %v, want success", err)
			case tt.wantStatus != 0 && !errors.As(err, &apiErr):
				t.Errorf("error = %v, want *APIError", err)
			case tt.wantStatus != 0 && apiErr.StatusCode != tt.wantStatus:
				t.Errorf("status = %d, want %d", apiErr.StatusCode, tt.wantStatus)
			}
		})
	}
}

func TestRetryBackoffWaits(t *testing.T) {
	srv := newScriptedServer(t, func(w http.ResponseWriter, r *http.Request, n int) {
		writeAPIError(w, http.StatusServiceUnavailable, "SERVICE_UNAVAILABLE", "overloaded")
	})
	c, waits := newTestClient(t, srv, WithMaxRetries(6))

	_, _ = c.Users.Get(context.Background(), "usr_1")

	want := []time.Duration{500 * time.Millisecond, time.Second, 2 * time.Second, 4 * time.Second, 8 * time.Second, 8 * time.Second}
	if got := waits.Waits(); !slices.Equal(got, want) {
		t.Errorf("waits = %v, want %v", got, want)
	}
}

func TestRetryBackoffCappedByMaxRetryWait(t *testing.T) {
	srv := newScriptedServer(t, func(w http.ResponseWriter, r *http.Request, n int) {
		writeAPIError(w, http.StatusServiceUnavailable, "SERVICE_UNAVAILABLE", "overloaded")
	})
	c, waits := newTestClient(t, srv, WithMaxRetries(3), WithMaxRetryWait(time.Second))

	_, _ = c.Users.Get(context.Background(), "usr_1")

	want := []time.Duration{500 * time.Millisecond, time.Second, time.Second}
	if got := waits.Waits(); !slices.Equal(got, want) {
		t.Errorf("waits = %v, want %v", got, want)
	}
}

func TestBackoffCeilings(t *testing.T) {
	ceiling := func(d time.Duration) time.Duration { return d }
	tests := []struct {
		retry int
		want  time.Duration
	}{
		{1, 500 * time.Millisecond},
		{2, time.Second},
		{3, 2 * time.Second},
		{4, 4 * time.Second},
		{5, 8 * time.Second},
		{6, 8 * time.Second},
		{40, 8 * time.Second},
		{100, 8 * time.Second},
	}
	for _, tt := range tests {
		t.Run(strconv.Itoa(tt.retry), func(t *testing.T) {
			if got := backoff(tt.retry, ceiling); got != tt.want {
				t.Errorf("backoff(%d) = %s, want %s", tt.retry, got, tt.want)
			}
		})
	}
}

func TestFullJitterRange(t *testing.T) {
	const ceiling = 10 * time.Millisecond
	var sawLow, sawHigh bool
	for range 2000 {
		d := fullJitter(ceiling)
		if d < 0 || d > ceiling {
			t.Fatalf("fullJitter(%s) = %s, out of [0, %s]", ceiling, d, ceiling)
		}
		sawLow = sawLow || d < ceiling/4
		sawHigh = sawHigh || d > ceiling*3/4
	}
	if !sawLow || !sawHigh {
		t.Errorf("2000 draws did not spread over the range (low %v, high %v)", sawLow, sawHigh)
	}
	if got := fullJitter(0); got != 0 {
		t.Errorf("fullJitter(0) = %s, want 0", got)
	}
}

func TestParseRetryAfter(t *testing.T) {
	now := time.Date(2026, 12, 4, 21, 0, 0, 0, time.UTC)
	tests := []struct {
		name  string
		value string
		want  time.Duration
		ok    bool
	}{
		{"zero seconds", "0", 0, true},
		{"seconds", "5", 5 * time.Second, true},
		{"spaces", " 7 ", 7 * time.Second, true},
		{"leading zeros", "007", 7 * time.Second, true},
		{"large seconds", "86400", 24 * time.Hour, true},
		{"overflow seconds", "99999999999999999999", time.Duration(math.MaxInt64), true},
		{"beyond duration", "9300000000", time.Duration(math.MaxInt64), true},
		{"imf date", "Fri, 04 Dec 2026 21:00:30 GMT", 30 * time.Second, true},
		{"rfc850 date", "Friday, 04-Dec-26 21:01:00 GMT", time.Minute, true},
		{"asctime date", "Fri Dec  4 21:00:10 2026", 10 * time.Second, true},
		{"date now", "Fri, 04 Dec 2026 21:00:00 GMT", 0, true},
		{"date past", "Fri, 04 Dec 2026 20:00:00 GMT", 0, true},
		{"empty", "", 0, false},
		{"blank", "   ", 0, false},
		{"negative", "-1", 0, false},
		{"plus sign", "+5", 0, false},
		{"fraction", "1.5", 0, false},
		{"unit", "5s", 0, false},
		{"word", "soon", 0, false},
		{"bad date", "Fri, 32 Dec 2026 21:00:00 GMT", 0, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := parseRetryAfter(tt.value, now)
			if ok != tt.ok {
				t.Errorf("parseRetryAfter(%q) ok = %v, want %v", tt.value, ok, tt.ok)
			}
			if got != tt.want {
				t.Errorf("parseRetryAfter(%q) = %s, want %s", tt.value, got, tt.want)
			}
		})
	}
}

func TestRetryAfterSetsWait(t *testing.T) {
	now := time.Date(2026, 12, 4, 21, 0, 0, 0, time.UTC)
	tests := []struct {
		name  string
		value string
		want  time.Duration
	}{
		{"seconds", "3", 3 * time.Second},
		{"zero", "0", 0},
		{"date", "Fri, 04 Dec 2026 21:00:20 GMT", 20 * time.Second},
		{"date past", "Thu, 03 Dec 2026 21:00:00 GMT", 0},
		{"garbage falls back to backoff", "later", 500 * time.Millisecond},
		{"absent falls back to backoff", "", 500 * time.Millisecond},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := newScriptedServer(t, func(w http.ResponseWriter, r *http.Request, n int) {
				if n == 0 {
					if tt.value != "" {
						w.Header().Set("Retry-After", tt.value)
					}
					writeAPIError(w, http.StatusTooManyRequests, "RATE_LIMIT_EXCEEDED", "rate limit exceeded")
					return
				}
				writeJSON(w, http.StatusOK, testUser("usr_1"))
			})
			c, waits := newTestClient(t, srv)
			c.transport.now = func() time.Time { return now }

			if _, err := c.Users.Get(context.Background(), "usr_1"); err != nil {
				t.Fatalf("Get: %v", err)
			}
			if got := waits.Waits(); !slices.Equal(got, []time.Duration{tt.want}) {
				t.Errorf("waits = %v, want [%s]", got, tt.want)
			}
		})
	}
}

func TestRetryAfterBeyondMaxWaitFailsAtOnce(t *testing.T) {
	tests := []struct {
		name    string
		value   string
		maxWait time.Duration
		want    time.Duration
	}{
		{"default max", "120", 60 * time.Second, 120 * time.Second},
		{"short max", "3", 2 * time.Second, 3 * time.Second},
		{"huge", "99999999999999999999", 60 * time.Second, time.Duration(math.MaxInt64)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := newScriptedServer(t, func(w http.ResponseWriter, r *http.Request, n int) {
				w.Header().Set("Retry-After", tt.value)
				writeAPIError(w, http.StatusTooManyRequests, "RATE_LIMIT_EXCEEDED", "rate limit exceeded")
			})
			c, waits := newTestClient(t, srv, WithMaxRetryWait(tt.maxWait))

			_, err := c.Users.Get(context.Background(), "usr_1")

			if got := len(srv.Requests()); got != 1 {
				t.Errorf("attempts = %d, want 1", got)
			}
			if got := waits.Waits(); len(got) != 0 {
				t.Errorf("waits = %v, want none", got)
			}
			if !errors.Is(err, ErrRateLimited) {
				t.Fatalf("error = %v, want ErrRateLimited", err)
			}
			var apiErr *APIError
			errors.As(err, &apiErr)
			if apiErr.RetryAfter != tt.want {
				t.Errorf("RetryAfter = %s, want %s", apiErr.RetryAfter, tt.want)
			}
		})
	}
}

func TestRetryWaitEndsOnCancel(t *testing.T) {
	defer goleak.VerifyNone(t)

	srv := newScriptedServer(t, func(w http.ResponseWriter, r *http.Request, n int) {
		w.Header().Set("Retry-After", "3600")
		writeAPIError(w, http.StatusTooManyRequests, "RATE_LIMIT_EXCEEDED", "rate limit exceeded")
	})
	c, _ := newTestClient(t, srv, WithMaxRetryWait(2*time.Hour))
	c.transport.sleep = sleepContext // a real wait of an hour, unless cancelled

	ctx, cancel := context.WithCancel(context.Background())
	go func() {
		for len(srv.Requests()) == 0 {
			time.Sleep(time.Millisecond)
		}
		time.Sleep(20 * time.Millisecond)
		cancel()
	}()
	_, err := c.Users.Get(ctx, "usr_1")

	if !errors.Is(err, context.Canceled) {
		t.Errorf("error = %v, want context.Canceled", err)
	}
	if got := len(srv.Requests()); got != 1 {
		t.Errorf("attempts = %d, want 1", got)
	}
	srv.Close()
}

func TestRetryWaitPastDeadlineFailsAtOnce(t *testing.T) {
	srv := newScriptedServer(t, func(w http.ResponseWriter, r *http.Request, n int) {
		w.Header().Set("Retry-After", "30")
		writeAPIError(w, http.StatusTooManyRequests, "RATE_LIMIT_EXCEEDED", "rate limit exceeded")
	})
	c, waits := newTestClient(t, srv)

	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	_, err := c.Users.Get(ctx, "usr_1")

	if !errors.Is(err, ErrRateLimited) {
		t.Errorf("error = %v, want ErrRateLimited", err)
	}
	if got := waits.Waits(); len(got) != 0 {
		t.Errorf("waits = %v, want none", got)
	}
}

// flakyHandler fails the first failures requests with 503 and a body of
// errorBodySize bytes, then creates the user.
func flakyHandler(failures, errorBodySize int) func(http.ResponseWriter, *http.Request, int) {
	return func(w http.ResponseWriter, r *http.Request, n int) {
		if n < failures {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusServiceUnavailable)
			_, _ = w.Write(bytes.Repeat([]byte(" "), errorBodySize))
			return
		}
		writeJSON(w, http.StatusCreated, testUser("usr_new"))
	}
}

func TestRetrySendsSameKeyAndBody(t *testing.T) {
	tests := []struct {
		name   string
		method string
		call   func(ctx context.Context, c *Client) error
	}{
		{"create", http.MethodPost, func(ctx context.Context, c *Client) error {
			_, err := c.Users.Create(ctx, CreateUserParams{Email: "bob@example.com", Name: "Bob Smith", Role: RoleEditor})
			return err
		}},
		{"update", http.MethodPatch, func(ctx context.Context, c *Client) error {
			_, err := c.Users.Update(ctx, "usr_1", UpdateUserParams{Role: Ptr(RoleAdmin)})
			return err
		}},
		{"delete", http.MethodDelete, func(ctx context.Context, c *Client) error {
			return c.Users.Delete(ctx, "usr_1")
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := newScriptedServer(t, flakyHandler(2, 10))
			c, _ := newTestClient(t, srv)

			if err := tt.call(context.Background(), c); err != nil {
				t.Fatalf("call: %v", err)
			}
			requests := srv.Requests()
			if len(requests) != 3 {
				t.Fatalf("attempts = %d, want 3", len(requests))
			}
			key := requests[0].Header.Get("Idempotency-Key")
			if key == "" {
				t.Fatalf("%s has no Idempotency-Key", tt.method)
			}
			for i, req := range requests[1:] {
				if got := req.Header.Get("Idempotency-Key"); got != key {
					t.Errorf("attempt %d key = %q, want %q", i+2, got, key)
				}
				if !bytes.Equal(req.Body, requests[0].Body) {
					t.Errorf("attempt %d body = %q, want %q", i+2, req.Body, requests[0].Body)
				}
			}
		})
	}
}

func TestIdempotencyKeyPerCall(t *testing.T) {
	srv := newScriptedServer(t, flakyHandler(0, 0))
	c, _ := newTestClient(t, srv)
	params := CreateUserParams{Email: "bob@example.com", Name: "Bob Smith", Role: RoleEditor}

	for range 2 {
		if _, err := c.Users.Create(context.Background(), params); err != nil {
			t.Fatalf("Create: %v", err)
		}
	}
	requests := srv.Requests()
	if requests[0].Header.Get("Idempotency-Key") == requests[1].Header.Get("Idempotency-Key") {
		t.Error("two calls sent the same Idempotency-Key")
	}
}

func TestIdempotencyKeyFromContext(t *testing.T) {
	srv := newScriptedServer(t, flakyHandler(1, 0))
	c, _ := newTestClient(t, srv)
	ctx := ContextWithIdempotencyKey(context.Background(), "import-2026-12-04-row-17")

	if _, err := c.Users.Create(ctx, CreateUserParams{Email: "bob@example.com", Name: "Bob Smith", Role: RoleEditor}); err != nil {
		t.Fatalf("Create: %v", err)
	}
	for i, req := range srv.Requests() {
		if got := req.Header.Get("Idempotency-Key"); got != "import-2026-12-04-row-17" {
			t.Errorf("attempt %d key = %q, want the caller's key", i+1, got)
		}
	}
}

func TestIdempotencyKeyTooLong(t *testing.T) {
	srv := newScriptedServer(t, flakyHandler(0, 0))
	c, _ := newTestClient(t, srv)
	ctx := ContextWithIdempotencyKey(context.Background(), strings.Repeat("k", 256))

	_, err := c.Users.Create(ctx, CreateUserParams{Email: "bob@example.com", Name: "Bob Smith", Role: RoleEditor})

	if err == nil || !strings.Contains(err.Error(), "256 characters") {
		t.Errorf("error = %v, want one naming the key length", err)
	}
	if got := len(srv.Requests()); got != 0 {
		t.Errorf("requests = %d, want 0", got)
	}
}

func TestRetryReusesConnection(t *testing.T) {
	tests := []struct {
		name      string
		errorBody int
		conns     int32
	}{
		{"small error body", 100, 1},
		{"error body at drain bound", maxDrainBytes, 1},
		{"error body beyond drain bound", 4 * maxDrainBytes, 3},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := newScriptedServer(t, flakyHandler(2, tt.errorBody))
			c, _ := newTestClient(t, srv)

			if _, err := c.Users.Create(context.Background(), CreateUserParams{Email: "bob@example.com", Name: "Bob", Role: RoleEditor}); err != nil {
				t.Fatalf("Create: %v", err)
			}
			if got := srv.conns.Load(); got != tt.conns {
				t.Errorf("TCP connections = %d, want %d", got, tt.conns)
			}
		})
	}
}

func TestRetryAfterDroppedResponse(t *testing.T) {
	srv := newScriptedServer(t, func(w http.ResponseWriter, r *http.Request, n int) {
		if n == 0 {
			conn, _, err := http.NewResponseController(w).Hijack()
			if err == nil {
				_ = conn.Close()
			}
			return
		}
		writeJSON(w, http.StatusCreated, testUser("usr_new"))
	})
	c, waits := newTestClient(t, srv)

	if _, err := c.Users.Create(context.Background(), CreateUserParams{Email: "bob@example.com", Name: "Bob", Role: RoleEditor}); err != nil {
		t.Fatalf("Create: %v", err)
	}
	requests := srv.Requests()
	if len(requests) != 2 {
		t.Fatalf("attempts = %d, want 2", len(requests))
	}
	if requests[0].Header.Get("Idempotency-Key") != requests[1].Header.Get("Idempotency-Key") {
		t.Error("the retry after a lost response sent another Idempotency-Key")
	}
	if got := waits.Waits(); !slices.Equal(got, []time.Duration{500 * time.Millisecond}) {
		t.Errorf("waits = %v, want [500ms]", got)
	}
}

func TestRetryConnectionRefused(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	_ = ln.Close()

	httpTransport := &http.Transport{}
	defer httpTransport.CloseIdleConnections()
	c, err := NewClient(WithToken(testToken), WithBaseURL("http://"+addr+"/v1"),
		WithHTTPClient(&http.Client{Transport: httpTransport}))
	if err != nil {
		t.Fatal(err)
	}
	waits := &waitRecorder{}
	c.transport.sleep = waits.sleep

	_, err = c.Users.Get(context.Background(), "usr_1")

	if !errors.Is(err, syscall.ECONNREFUSED) {
		t.Errorf("error = %v, want ECONNREFUSED", err)
	}
	if got := len(waits.Waits()); got != 2 {
		t.Errorf("retries = %d, want 2", got)
	}
}

func TestRetryNotForTLSMismatch(t *testing.T) {
	srv := newScriptedServer(t, flakyHandler(0, 0))
	c, waits := newTestClient(t, srv, WithBaseURL(strings.Replace(srv.URL, "http:", "https:", 1)+"/v1"))

	_, err := c.Users.Get(context.Background(), "usr_1")

	if err == nil {
		t.Fatal("https to a plain HTTP server succeeded")
	}
	if got := len(waits.Waits()); got != 0 {
		t.Errorf("retries = %d, want 0", got)
	}
}

func TestRetryableMethods(t *testing.T) {
	tests := []struct {
		method string
		key    string
		want   bool
	}{
		{http.MethodGet, "", true},
		{http.MethodDelete, "", true},
		{http.MethodPut, "", true},
		{http.MethodPost, "", false},
		{http.MethodPatch, "", false},
		{http.MethodPost, "k", true},
		{http.MethodPatch, "k", true},
	}
	for _, tt := range tests {
		t.Run(tt.method+" "+tt.key, func(t *testing.T) {
			req, _ := http.NewRequest(tt.method, "http://127.0.0.1/", nil)
			if tt.key != "" {
				req.Header.Set("Idempotency-Key", tt.key)
			}
			if got := isRetryableMethod(req); got != tt.want {
				t.Errorf("isRetryableMethod = %v, want %v", got, tt.want)
			}
		})
	}
}
