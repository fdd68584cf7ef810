package redcore

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"regexp"
	"runtime"
	"strings"
	"testing"
	"time"
)

func TestNewClientToken(t *testing.T) {
	t.Setenv("REDCORE_API_TOKEN", "")

	_, err := NewClient()

	if err == nil {
		t.Fatal("NewClient without a token succeeded")
	}
	for _, name := range []string{"WithToken", "REDCORE_API_TOKEN"} {
		if !strings.Contains(err.Error(), name) {
			t.Errorf("error %q does not name %s", err, name)
		}
	}
}

func TestNewClientFromEnvironment(t *testing.T) {
	srv := newScriptedServer(t, func(w http.ResponseWriter, r *http.Request, n int) {
		writeJSON(w, http.StatusOK, testUser("usr_1"))
	})
	t.Setenv("REDCORE_API_TOKEN", "env_token")
	t.Setenv("REDCORE_BASE_URL", srv.URL+"/v1")
	httpTransport := &http.Transport{}
	defer httpTransport.CloseIdleConnections()

	c, err := NewClient(WithHTTPClient(&http.Client{Transport: httpTransport}))
	if err != nil {
		t.Fatalf("NewClient: %v", err)
	}
	if _, err := c.Users.Get(context.Background(), "usr_1"); err != nil {
		t.Fatalf("Get: %v", err)
	}
	if got := srv.Requests()[0].Header.Get("Authorization"); got != "Bearer env_token" {
		t.Errorf("Authorization = %q, want the token of REDCORE_API_TOKEN", got)
	}
}

func TestNewClientBaseURL(t *testing.T) {
	tests := []struct {
		name     string
		baseURL  string
		insecure bool
		wantErr  string // empty for success
	}{
		{"default", "", false, ""},
		{"https", "https://api.example.com/v1", false, ""},
		{"http loopback ipv4", "http://127.0.0.1:8080/v1", false, ""},
		{"http loopback range", "http://127.8.9.10/v1", false, ""},
		{"http loopback ipv6", "http://[::1]:8080/v1", false, ""},
		{"http localhost", "http://localhost:8080/v1", false, ""},
		{"http remote", "http://api.example.com/v1", false, "WithInsecureHTTP"},
		{"http private address", "http://10.0.0.1/v1", false, "WithInsecureHTTP"},
		{"http remote allowed", "http://api.example.com/v1", true, ""},
		{"other scheme", "ftp://api.example.com/v1", false, "scheme"},
		{"no scheme", "api.example.com/v1", false, "use http://api.example.com/v1 or https://api.example.com/v1"},
		{"no scheme with port", "127.0.0.1:18080/v1", false, "use http://127.0.0.1:18080/v1 or https://127.0.0.1:18080/v1"},
		{"no scheme localhost", "localhost:8080/v1", false, "use http://localhost:8080/v1 or https://localhost:8080/v1"},
		{"no host", "https:///v1", false, "host"},
		{"opaque", "http:v1", false, "host"},
		{"malformed", "http://[::1/v1", false, `invalid base URL "http://[::1/v1"`},
		{"query", "https://api.example.com/v1?x=1", false, "query"},
		{"user info", "https://u:p@api.example.com/v1", false, "user info"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Setenv("REDCORE_BASE_URL", "")
			opts := []Option{WithToken(testToken), WithBaseURL(tt.baseURL)}
			if tt.insecure {
				opts = append(opts, WithInsecureHTTP())
			}

			_, err := NewClient(opts...)

			switch {
			case tt.wantErr == "" && err != nil:
				t.Errorf("NewClient: %v", err)
			case tt.wantErr != "" && err == nil:
				t.Errorf("NewClient(%q) succeeded, want an error naming %s", tt.baseURL, tt.wantErr)
			case tt.wantErr != "" && !strings.Contains(err.Error(), tt.wantErr):
				t.Errorf("error %q does not name %s", err, tt.wantErr)
			}
		})
	}
}

func TestNewClientRejectsNegativeOptions(t *testing.T) {
	tests := []struct {
		name string
		opt  Option
	}{
		{"max retries", WithMaxRetries(-1)},
		{"max retry wait", WithMaxRetryWait(-time.Second)},
		{"rate limit", WithRateLimit(-10)},
		{"nil http client", WithHTTPClient(nil)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := NewClient(WithToken(testToken), tt.opt); err == nil {
				t.Error("NewClient succeeded")
			}
		})
	}
}

func TestUserAgent(t *testing.T) {
	platform := regexp.QuoteMeta(runtime.GOOS + "/" + runtime.GOARCH)
	tests := []struct {
		name  string
		opts  []Option
		match string
	}{
		{"default", nil, `^redcore-go/0\.1\.0 \(go \d+\.\d+(\.\d+)?[^;]*; ` + platform + `\)$`},
		{"extended", []Option{WithUserAgent("inventory-sync/2.3")}, `^redcore-go/0\.1\.0 \(go [^)]+\) inventory-sync/2\.3$`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := newScriptedServer(t, func(w http.ResponseWriter, r *http.Request, n int) {
				writeJSON(w, http.StatusOK, testUser("usr_1"))
			})
			c, _ := newTestClient(t, srv, tt.opts...)

			if _, err := c.Users.Get(context.Background(), "usr_1"); err != nil {
				t.Fatalf("Get: %v", err)
			}
			got := srv.Requests()[0].Header.Get("User-Agent")
			if !regexp.MustCompile(tt.match).MatchString(got) {
				t.Errorf("User-Agent = %q, want a match of %s", got, tt.match)
			}
		})
	}
}

func TestLoggerRecordsAttempts(t *testing.T) {
	srv := newScriptedServer(t, func(w http.ResponseWriter, r *http.Request, n int) {
		if n == 0 {
			writeAPIError(w, http.StatusServiceUnavailable, "SERVICE_UNAVAILABLE", "overloaded")
			return
		}
		w.Header().Set("X-Request-Id", "req_ok")
		writeJSON(w, http.StatusOK, testUser("usr_1"))
	})
	var buf bytes.Buffer
	logger := slog.New(slog.NewJSONHandler(&buf, &slog.HandlerOptions{Level: slog.LevelDebug}))
	c, _ := newTestClient(t, srv, WithLogger(logger))

	if _, err := c.Users.Get(context.Background(), "usr_1"); err != nil {
		t.Fatalf("Get: %v", err)
	}

	var records []map[string]any
	for line := range strings.Lines(buf.String()) {
		var rec map[string]any
		if err := json.Unmarshal([]byte(line), &rec); err != nil {
			t.Fatalf("log line %q: %v", line, err)
		}
		records = append(records, rec)
	}
	var attempts, retries []map[string]any
	for _, rec := range records {
		switch rec["level"] {
		case "DEBUG":
			attempts = append(attempts, rec)
		case "INFO":
			retries = append(retries, rec)
		}
	}
	if len(attempts) != 2 {
		t.Fatalf("debug records = %d, want 2 (one per attempt)", len(attempts))
	}
	if len(retries) != 1 {
		t.Fatalf("info records = %d, want 1 (one per retry)", len(retries))
	}
	for key, want := range map[string]any{
		"msg": "redcore: retrying request", "attempt": float64(2), "max_attempts": float64(3),
		"status": float64(503), "reason": "503 Service Unavailable",
	} {
		if retries[0][key] != want {
			t.Errorf("retry record %s = %v, want %v", key, retries[0][key], want)
		}
	}
	for _, key := range []string{"method", "path", "status", "attempt", "duration", "request_id"} {
		if _, ok := attempts[0][key]; !ok {
			t.Errorf("attempt record has no %q: %v", key, attempts[0])
		}
	}
	if attempts[0]["status"] != float64(503) || attempts[1]["status"] != float64(200) {
		t.Errorf("statuses = %v, %v, want 503, 200", attempts[0]["status"], attempts[1]["status"])
	}
	if attempts[1]["attempt"] != float64(2) || attempts[1]["request_id"] != "req_ok" {
		t.Errorf("second attempt record = %v, want attempt 2 and request_id req_ok", attempts[1])
	}
	if attempts[0]["path"] != "/v1/users/usr_1" || attempts[0]["method"] != "GET" {
		t.Errorf("first attempt record = %v, want GET /v1/users/usr_1", attempts[0])
	}
	if strings.Contains(buf.String(), testToken) {
		t.Error("the log contains the token")
	}
}

func TestRateLimitPacesRequests(t *testing.T) {
	srv := newScriptedServer(t, func(w http.ResponseWriter, r *http.Request, n int) {
		writeJSON(w, http.StatusOK, testUser("usr_1"))
	})
	c, _ := newTestClient(t, srv, WithRateLimit(1200)) // one request every 50 ms

	start := time.Now()
	for range 3 {
		if _, err := c.Users.Get(context.Background(), "usr_1"); err != nil {
			t.Fatalf("Get: %v", err)
		}
	}
	requests := srv.Requests()
	for i, req := range requests {
		// The limiter releases request i no sooner than i*50ms after the
		// first. The gap between two requests can be shorter when the first
		// of them was delayed, so each one is measured from the start.
		if since := req.Arrived.Sub(start); since < time.Duration(i)*50*time.Millisecond {
			t.Errorf("request %d arrived %s after the start, want at least %dms", i+1, since, i*50)
		}
	}
}

func TestRateLimitHonoursContext(t *testing.T) {
	srv := newScriptedServer(t, func(w http.ResponseWriter, r *http.Request, n int) {
		writeJSON(w, http.StatusOK, testUser("usr_1"))
	})
	c, _ := newTestClient(t, srv, WithRateLimit(1)) // one request a minute

	if _, err := c.Users.Get(context.Background(), "usr_1"); err != nil {
		t.Fatalf("Get: %v", err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	if _, err := c.Users.Get(ctx, "usr_1"); err == nil {
		t.Error("second request within the minute succeeded, want the rate limit wait to fail")
	}
	if got := len(srv.Requests()); got != 1 {
		t.Errorf("requests = %d, want 1", got)
	}
}

func TestRedirectToken(t *testing.T) {
	other := newScriptedServer(t, func(w http.ResponseWriter, r *http.Request, n int) {
		writeJSON(w, http.StatusOK, testUser("usr_1"))
	})
	tests := []struct {
		name      string
		target    func(origin string) string
		wantToken bool
	}{
		{"same origin", func(origin string) string { return origin + "/v1/users/usr_moved" }, true},
		{"other port", func(string) string { return other.URL + "/v1/users/usr_1" }, false},
		{"other host", func(string) string {
			return strings.Replace(other.URL, "127.0.0.1", "localhost", 1) + "/v1/users/usr_1"
		}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var target string
			srv := newScriptedServer(t, func(w http.ResponseWriter, r *http.Request, n int) {
				if r.URL.Path == "/v1/users/usr_1" {
					http.Redirect(w, r, target, http.StatusTemporaryRedirect)
					return
				}
				writeJSON(w, http.StatusOK, testUser("usr_moved"))
			})
			target = tt.target(srv.URL)
			c, _ := newTestClient(t, srv)
			before := len(other.Requests())

			// A caller-set header on the generated client must not leak either.
			withHeader := func(ctx context.Context, req *http.Request) error {
				req.Header.Set("Authorization", "Bearer "+testToken)
				return nil
			}
			resp, err := c.API().GetUserWithResponse(context.Background(), "usr_1", withHeader)
			if err != nil {
				t.Fatalf("GetUser: %v", err)
			}
			if resp.StatusCode() != http.StatusOK {
				t.Fatalf("status = %d, want 200", resp.StatusCode())
			}

			var redirected recordedRequest
			if tt.wantToken {
				redirected = srv.Requests()[1]
			} else {
				redirected = other.Requests()[before]
			}
			got := redirected.Header.Get("Authorization")
			if tt.wantToken && got != "Bearer "+testToken {
				t.Errorf("Authorization after a same-origin redirect = %q, want the token", got)
			}
			if !tt.wantToken && got != "" {
				t.Errorf("Authorization sent to another origin: %q", got)
			}
		})
	}
}

func TestOriginOf(t *testing.T) {
	tests := []struct {
		url  string
		want string
	}{
		{"https://api.redcore.com/v1", "https://api.redcore.com:443"},
		{"https://API.redcore.com:443/v1", "https://api.redcore.com:443"},
		{"http://api.redcore.com/v1", "http://api.redcore.com:80"},
		{"http://api.redcore.com:443/v1", "http://api.redcore.com:443"},
		{"http://127.0.0.1:8080/v1", "http://127.0.0.1:8080"},
		{"http://[::1]:8080/v1", "http://::1:8080"},
	}
	for _, tt := range tests {
		t.Run(tt.url, func(t *testing.T) {
			req, _ := http.NewRequest(http.MethodGet, tt.url, nil)
			if got := originOf(req.URL); got != tt.want {
				t.Errorf("originOf(%s) = %s, want %s", tt.url, got, tt.want)
			}
		})
	}
}

func TestAPISharesRetriesAndAuth(t *testing.T) {
	srv := newScriptedServer(t, func(w http.ResponseWriter, r *http.Request, n int) {
		if n == 0 {
			writeAPIError(w, http.StatusServiceUnavailable, "SERVICE_UNAVAILABLE", "overloaded")
			return
		}
		writeJSON(w, http.StatusOK, testUser("usr_1"))
	})
	c, _ := newTestClient(t, srv)

	resp, err := c.API().GetUserWithResponse(context.Background(), "usr_1")
	if err != nil {
		t.Fatalf("GetUserWithResponse: %v", err)
	}
	if resp.JSON200 == nil || resp.JSON200.Id != "usr_1" {
		t.Errorf("JSON200 = %+v, want usr_1", resp.JSON200)
	}
	requests := srv.Requests()
	if len(requests) != 2 {
		t.Fatalf("attempts = %d, want 2", len(requests))
	}
	if got := requests[1].Header.Get("Authorization"); got != "Bearer "+testToken {
		t.Errorf("Authorization = %q, want the token", got)
	}
	if got := requests[1].Header.Get("User-Agent"); !strings.HasPrefix(got, "redcore-go/") {
		t.Errorf("User-Agent = %q, want redcore-go/...", got)
	}
}

func TestWithHTTPClientLeavesOriginal(t *testing.T) {
	original := &http.Client{Timeout: time.Minute}

	if _, err := NewClient(WithToken(testToken), WithHTTPClient(original)); err != nil {
		t.Fatalf("NewClient: %v", err)
	}
	if original.Transport != nil {
		t.Errorf("the caller's client transport was replaced by %T", original.Transport)
	}
}

// TestAPIParseRejectsRetryAfterDate pins the limit of the generated Parse
// functions that the NOTE on Client.API describes.
func TestAPIParseRejectsRetryAfterDate(t *testing.T) {
	srv := newScriptedServer(t, func(w http.ResponseWriter, r *http.Request, n int) {
		w.Header().Set("Retry-After", "Fri, 04 Dec 2026 21:00:00 GMT")
		writeAPIError(w, http.StatusTooManyRequests, "RATE_LIMIT_EXCEEDED", "rate limit exceeded")
	})
	c, _ := newTestClient(t, srv, WithMaxRetries(0))

	if _, err := c.API().GetUserWithResponse(context.Background(), "usr_1"); err == nil {
		t.Error("GetUserWithResponse parsed an HTTP-date Retry-After; remove the NOTE on Client.API")
	}
	resp, err := c.API().GetUser(context.Background(), "usr_1")
	if err != nil {
		t.Fatalf("GetUser: %v, want the raw response", err)
	}
	_ = resp.Body.Close()
}
