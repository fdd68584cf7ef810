package redcore

import (
	"context"
	"errors"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"
)

func TestSentinelsMatchCode(t *testing.T) {
	tests := []struct {
		code     string
		status   int
		sentinel error
	}{
		{"VALIDATION_ERROR", 400, ErrValidation},
		{"UNAUTHORIZED", 401, ErrUnauthorized},
		{"FORBIDDEN", 403, ErrForbidden},
		{"NOT_FOUND", 404, ErrNotFound},
		{"DUPLICATE_EMAIL", 409, ErrDuplicate},
		{"IDEMPOTENCY_KEY_REUSED", 409, ErrIdempotencyKeyReused},
		{"RATE_LIMIT_EXCEEDED", 429, ErrRateLimited},
	}
	all := []error{ErrValidation, ErrUnauthorized, ErrForbidden, ErrNotFound, ErrDuplicate, ErrIdempotencyKeyReused, ErrRateLimited}
	for _, tt := range tests {
		t.Run(tt.code, func(t *testing.T) {
			err := error(&APIError{StatusCode: tt.status, Code: tt.code})
			for _, sentinel := range all {
				if got, want := errors.Is(err, sentinel), sentinel == tt.sentinel; got != want {
					t.Errorf("errors.Is(%s, %v) = %v, want %v", tt.code, sentinel, got, want)
				}
			}
		})
	}
}

func TestSentinelsIgnoreStatus(t *testing.T) {
	err := error(&APIError{StatusCode: http.StatusNotFound, Code: "METHOD_NOT_ALLOWED"})
	if errors.Is(err, ErrNotFound) {
		t.Error("a 404 with code METHOD_NOT_ALLOWED matches ErrNotFound")
	}
}

func TestAPIErrorMessage(t *testing.T) {
	tests := []struct {
		name string
		err  APIError
		want string
	}{
		{"not found", APIError{StatusCode: 404, Code: "NOT_FOUND", Message: `user "usr_1" not found`, RequestID: "req_9f2"},
			`redcore: user "usr_1" not found (404 NOT_FOUND, request req_9f2)`},
		{"details", APIError{StatusCode: 400, Code: "VALIDATION_ERROR", Message: "invalid request", RequestID: "req_1",
			Details: []ErrorDetail{{Field: "email", Issue: "must be a valid email address"}, {Field: "name", Issue: "must not be blank"}}},
			`redcore: invalid request (400 VALIDATION_ERROR, request req_1): email must be a valid email address; name must not be blank`},
		{"retry after", APIError{StatusCode: 429, Code: "RATE_LIMIT_EXCEEDED", Message: "rate limit exceeded", RequestID: "req_2", RetryAfter: 2 * time.Minute},
			`redcore: rate limit exceeded (429 RATE_LIMIT_EXCEEDED, request req_2, retry after 2m0s)`},
		{"not sent", *validationError("limit", "150 is out of range"),
			`redcore: invalid limit (VALIDATION_ERROR, not sent): limit 150 is out of range`},
		{"no code", APIError{StatusCode: 502, Message: "bad gateway"}, `redcore: bad gateway (502)`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.err.Error(); got != tt.want {
				t.Errorf("Error() = %s, want %s", got, tt.want)
			}
		})
	}
}

func TestErrorBodyDecoded(t *testing.T) {
	srv := newScriptedServer(t, func(w http.ResponseWriter, r *http.Request, n int) {
		w.Header().Set("X-Request-Id", "req_hdr")
		writeJSON(w, http.StatusBadRequest, map[string]any{"error": map[string]any{
			"code": "VALIDATION_ERROR", "message": "invalid request body", "request_id": "req_body",
			"details": []map[string]string{{"field": "email", "issue": "must be a valid email address"}},
		}})
	})
	c, _ := newTestClient(t, srv)

	_, err := c.Users.Create(context.Background(), CreateUserParams{Email: "nope", Name: "N", Role: RoleViewer})

	var apiErr *APIError
	if !errors.As(err, &apiErr) {
		t.Fatalf("error = %v, want *APIError", err)
	}
	if apiErr.StatusCode != 400 || apiErr.Code != "VALIDATION_ERROR" {
		t.Errorf("status and code = %d %s, want 400 VALIDATION_ERROR", apiErr.StatusCode, apiErr.Code)
	}
	if apiErr.RequestID != "req_body" {
		t.Errorf("request id = %q, want req_body", apiErr.RequestID)
	}
	if len(apiErr.Details) != 1 || apiErr.Details[0].Field != "email" {
		t.Errorf("details = %+v, want one for email", apiErr.Details)
	}
}

func TestErrorWithoutAPIBody(t *testing.T) {
	longPage := "<html><body>" + strings.Repeat("proxy error ", 100) + "</body></html>"
	tests := []struct {
		name        string
		contentType string
		body        string
		wantInMsg   []string
	}{
		{"html", "text/html; charset=utf-8", "<html><body>Bad Gateway</body></html>", []string{`"text/html; charset=utf-8"`, "<html><body>Bad Gateway"}},
		{"long html", "text/html", longPage, []string{`"text/html"`, `<html><body>proxy error`, `..."`}},
		{"invalid json", "application/json", `{"error": `, []string{`"application/json"`, `{\"error\": `}},
		{"json without code", "application/json", `{"message": "oops"}`, []string{`"application/json"`, "oops"}},
		{"empty", "", "", []string{`content type ""`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := newScriptedServer(t, func(w http.ResponseWriter, r *http.Request, n int) {
				if tt.contentType != "" {
					w.Header().Set("Content-Type", tt.contentType)
				}
				w.WriteHeader(http.StatusBadGateway)
				_, _ = w.Write([]byte(tt.body))
			})
			c, _ := newTestClient(t, srv, WithMaxRetries(0))

			_, err := c.Users.Get(context.Background(), "usr_1")

			var apiErr *APIError
			if !errors.As(err, &apiErr) {
				t.Fatalf("error = %v, want *APIError", err)
			}
			if apiErr.StatusCode != http.StatusBadGateway {
				t.Errorf("status = %d, want 502", apiErr.StatusCode)
			}
			for _, part := range tt.wantInMsg {
				if !strings.Contains(apiErr.Message, part) {
					t.Errorf("message %q does not contain %q", apiErr.Message, part)
				}
			}
			if len(apiErr.Message) > 400 {
				t.Errorf("message is %d bytes long, want a short sample", len(apiErr.Message))
			}
		})
	}
}

func TestUndecodableSuccess(t *testing.T) {
	tests := []struct {
		name        string
		status      int
		contentType string
		body        string
	}{
		{"html", http.StatusOK, "text/html", "<html>login</html>"},
		{"truncated json", http.StatusOK, "application/json", `{"id": "usr_1", `},
		{"wrong type", http.StatusOK, "application/json", `{"id": 5}`},
		{"empty", http.StatusOK, "application/json", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := newScriptedServer(t, func(w http.ResponseWriter, r *http.Request, n int) {
				w.Header().Set("Content-Type", tt.contentType)
				w.WriteHeader(tt.status)
				_, _ = w.Write([]byte(tt.body))
			})
			c, _ := newTestClient(t, srv)

			_, err := c.Users.Get(context.Background(), "usr_1")

			if err == nil {
				t.Fatal("undecodable body gave no error")
			}
			if !strings.Contains(err.Error(), "200") || !strings.Contains(err.Error(), tt.contentType) {
				t.Errorf("error %q does not name the status and content type", err)
			}
			var decodeErr *DecodeError
			if !errors.As(err, &decodeErr) {
				t.Fatalf("error = %T, want *DecodeError", err)
			}
			if decodeErr.StatusCode != tt.status {
				t.Errorf("StatusCode = %d, want %d", decodeErr.StatusCode, tt.status)
			}
		})
	}
}

func TestRetryAfterOnAPIError(t *testing.T) {
	srv := newScriptedServer(t, func(w http.ResponseWriter, r *http.Request, n int) {
		w.Header().Set("Retry-After", "7")
		writeAPIError(w, http.StatusTooManyRequests, "RATE_LIMIT_EXCEEDED", "rate limit exceeded")
	})
	c, _ := newTestClient(t, srv, WithMaxRetries(0))

	_, err := c.Users.Get(context.Background(), "usr_1")

	var apiErr *APIError
	if !errors.As(err, &apiErr) {
		t.Fatalf("error = %v, want *APIError", err)
	}
	if apiErr.RetryAfter != 7*time.Second {
		t.Errorf("RetryAfter = %s, want 7s", apiErr.RetryAfter)
	}
}

func TestChecksBeforeRequest(t *testing.T) {
	tests := []struct {
		name  string
		field string
		call  func(ctx context.Context, c *Client) error
	}{
		{"get empty id", "user_id", func(ctx context.Context, c *Client) error { _, err := c.Users.Get(ctx, ""); return err }},
		{"get dot", "user_id", func(ctx context.Context, c *Client) error { _, err := c.Users.Get(ctx, "."); return err }},
		{"get dot dot", "user_id", func(ctx context.Context, c *Client) error { _, err := c.Users.Get(ctx, ".."); return err }},
		{"update empty id", "user_id", func(ctx context.Context, c *Client) error {
			_, err := c.Users.Update(ctx, "", UpdateUserParams{Name: Ptr("x")})
			return err
		}},
		{"delete dot dot", "user_id", func(ctx context.Context, c *Client) error { return c.Users.Delete(ctx, "..") }},
		{"product empty id", "product_id", func(ctx context.Context, c *Client) error { _, err := c.Products.Get(ctx, ""); return err }},
		{"product dot", "product_id", func(ctx context.Context, c *Client) error { _, err := c.Products.Get(ctx, "."); return err }},
		{"users limit over max", "limit", func(ctx context.Context, c *Client) error {
			_, err := c.Users.List(ctx, ListUsersParams{Limit: 101})
			return err
		}},
		{"users negative limit", "limit", func(ctx context.Context, c *Client) error {
			_, err := c.Users.List(ctx, ListUsersParams{Limit: -1})
			return err
		}},
		{"users negative offset", "offset", func(ctx context.Context, c *Client) error {
			_, err := c.Users.List(ctx, ListUsersParams{Offset: -1})
			return err
		}},
		{"products limit over max", "limit", func(ctx context.Context, c *Client) error {
			_, err := c.Products.List(ctx, ListProductsParams{Limit: 1000})
			return err
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := newScriptedServer(t, func(w http.ResponseWriter, r *http.Request, n int) {
				writeJSON(w, http.StatusOK, testUser("usr_1"))
			})
			c, _ := newTestClient(t, srv)

			err := tt.call(context.Background(), c)

			if !errors.Is(err, ErrValidation) {
				t.Fatalf("error = %v, want ErrValidation", err)
			}
			var apiErr *APIError
			errors.As(err, &apiErr)
			if apiErr.StatusCode != 0 {
				t.Errorf("status = %d, want 0 for a request not sent", apiErr.StatusCode)
			}
			if len(apiErr.Details) != 1 || apiErr.Details[0].Field != tt.field {
				t.Errorf("details = %+v, want one for %s", apiErr.Details, tt.field)
			}
			if got := len(srv.Requests()); got != 0 {
				t.Errorf("requests = %d, want 0", got)
			}
		})
	}
}

func TestIDEscapedAsOneSegment(t *testing.T) {
	tests := []struct {
		id   string
		path string
	}{
		{"usr_98765", "/v1/users/usr_98765"},
		{"a/b", "/v1/users/a%2Fb"},
		{"../admin", "/v1/users/..%2Fadmin"},
		{"a b", "/v1/users/a%20b"},
		{"a?b#c", "/v1/users/a%3Fb%23c"},
		{"100%", "/v1/users/100%25"},
		{"...", "/v1/users/..."},
		{"Müller", "/v1/users/M%C3%BCller"},
	}
	for _, tt := range tests {
		t.Run(tt.id, func(t *testing.T) {
			srv := newScriptedServer(t, func(w http.ResponseWriter, r *http.Request, n int) {
				writeJSON(w, http.StatusOK, testUser("usr_1"))
			})
			c, _ := newTestClient(t, srv)

			if _, err := c.Users.Get(context.Background(), tt.id); err != nil {
				t.Fatalf("Get: %v", err)
			}
			if got := srv.Requests()[0].Path; got != tt.path {
				t.Errorf("path = %s, want %s", got, tt.path)
			}
		})
	}
}

func TestProductIDEscapedAsOneSegment(t *testing.T) {
	srv := newScriptedServer(t, func(w http.ResponseWriter, r *http.Request, n int) {
		writeJSON(w, http.StatusOK, map[string]any{"id": "prod_1"})
	})
	c, _ := newTestClient(t, srv)

	_, _ = c.Products.Get(context.Background(), "a/b c")

	if got, want := srv.Requests()[0].Path, "/v1/products/a%2Fb%20c"; got != want {
		t.Errorf("path = %s, want %s", got, want)
	}
}

func TestReadBody(t *testing.T) {
	const body = `{"id":"usr_1"}`
	tests := []struct {
		name    string
		body    string
		length  int64
		limit   int64
		want    string
		wantErr error
	}{
		{"known length", body, 14, 64, body, nil},
		{"unknown length", body, -1, 64, body, nil},
		{"unknown length over limit", body, -1, 7, `{"id":"`, nil},
		{"known length over limit", body, 14, 7, `{"id":"`, nil},
		{"empty", ``, 0, 64, ``, nil},
		{"shorter than its length", `{"id"`, 14, 64, ``, io.ErrUnexpectedEOF},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := readBody(strings.NewReader(tt.body), tt.length, tt.limit)

			if !errors.Is(err, tt.wantErr) {
				t.Fatalf("error = %v, want %v", err, tt.wantErr)
			}
			if string(got) != tt.want {
				t.Errorf("body = %q, want %q", got, tt.want)
			}
		})
	}
}
