package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/url"
	"syscall"
	"testing"
	"time"

	"github.com/redcore/redcore-go/redcore"
)

func TestExitCode(t *testing.T) {
	tests := []struct {
		name string
		err  error
		want int
	}{
		{"nil", nil, exitOK},
		{"usage", usagef("invalid --limit 0"), exitUsage},
		{"wrapped usage", fmt.Errorf("run: %w", usagef("x")), exitUsage},
		{"rejected before sending", &redcore.APIError{Code: "VALIDATION_ERROR"}, exitUsage},
		{"400", &redcore.APIError{StatusCode: 400}, exitClientError},
		{"409", &redcore.APIError{StatusCode: 409}, exitClientError},
		{"413", &redcore.APIError{StatusCode: 413}, exitClientError},
		{"404", failed("get user", &redcore.APIError{StatusCode: 404}), exitNotFound},
		{"401", &redcore.APIError{StatusCode: 401}, exitAuth},
		{"403", &redcore.APIError{StatusCode: 403}, exitAuth},
		{"429", &redcore.APIError{StatusCode: 429}, exitRateLimited},
		{"500", &redcore.APIError{StatusCode: 500}, exitUnavailable},
		{"503", &redcore.APIError{StatusCode: 503}, exitUnavailable},
		{"timeout", failed("list users", &timeoutError{limit: "1s"}), exitUnavailable},
		{"deadline", failed("list users", fmt.Errorf("wait: %w", context.DeadlineExceeded)), exitUnavailable},
		{"connection refused", failed("list users", &url.Error{Op: "Get", URL: "http://127.0.0.1:1/v1/users", Err: syscall.ECONNREFUSED}), exitUnavailable},
		{"undecodable response", failed("get user", &redcore.DecodeError{StatusCode: 200, Err: &json.SyntaxError{}}), exitUnavailable},
		{"local json", fmt.Errorf("read state: %w", &json.SyntaxError{}), exitUnexpected},
		{"local listen", fmt.Errorf("listen on 127.0.0.1:80: %w", &net.OpError{Op: "listen", Err: syscall.EACCES}), exitUnexpected},
		{"local eof", fmt.Errorf("read state: %w", io.ErrUnexpectedEOF), exitUnexpected},
		{"write interrupted", failedWrite("create user", "redcore users list", errInterrupted), exitInterrupted},
		{"interrupted", failed("list users", errInterrupted), exitInterrupted},
		{"declined", failed("delete user", errDeclined), exitUnexpected},
		{"other", errors.New("boom"), exitUnexpected},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := exitCode(tt.err); got != tt.want {
				t.Errorf("exitCode(%v) = %d, want %d", tt.err, got, tt.want)
			}
		})
	}
}

func TestErrorLine(t *testing.T) {
	tests := []struct {
		name string
		err  error
		want string
	}{
		{
			"api error with details",
			failed(`create user "a@b.c"`, &redcore.APIError{
				StatusCode: 400, Code: "VALIDATION_ERROR", Message: "invalid body", RequestID: "req_1",
				Details: []redcore.ErrorDetail{{Field: "email", Issue: "is taken"}, {Field: "name", Issue: "is blank"}},
			}),
			`redcore: create user "a@b.c": 400 VALIDATION_ERROR: invalid body [email: is taken; name: is blank] (request_id req_1)`,
		},
		{
			"control characters from the server",
			&redcore.APIError{StatusCode: 500, Code: "INTERNAL_ERROR", Message: "line one\nline two\x1b[2J"},
			`redcore: 500 INTERNAL_ERROR: line one line two [2J`,
		},
		{
			"network error",
			failed("list users", &url.Error{Op: "Get", URL: "http://127.0.0.1:1/v1/users", Err: errors.New("connection refused")}),
			`redcore: list users: GET http://127.0.0.1:1/v1/users failed: connection refused`,
		},
		{
			"local json error verbatim",
			fmt.Errorf("load state file s.json: %w", &json.SyntaxError{}),
			`redcore: load state file s.json: ` + (&json.SyntaxError{}).Error(),
		},
		{
			"undecodable response",
			failed(`get user "usr_1"`, &redcore.DecodeError{StatusCode: 200, ContentType: "text/html", RequestID: "req_1", Err: errors.New("invalid character '<'")}),
			`redcore: get user "usr_1": the server sent a 200 response that is not the expected JSON (content type "text/html"; request_id req_1): invalid character '<'`,
		},
		{
			"create interrupted",
			failedWrite(`create user "x@example.com"`, "redcore users list --q x@example.com", errInterrupted),
			`redcore: create user "x@example.com": interrupted; the request may have been applied: check with redcore users list --q x@example.com`,
		},
		{
			"update timed out",
			failedWrite(`update user "usr_1"`, "redcore users get usr_1", &timeoutError{limit: "5s"}),
			`redcore: update user "usr_1": timed out after 5s (--timeout); the request may have been applied: check with redcore users get usr_1`,
		},
		{
			"write rejected",
			failedWrite(`update user "usr_1"`, "redcore users get usr_1", &redcore.APIError{StatusCode: 409, Code: "DUPLICATE_EMAIL", Message: "taken"}),
			`redcore: update user "usr_1": 409 DUPLICATE_EMAIL: taken`,
		},
		{
			"read interrupted",
			failed(`get user "usr_1"`, errInterrupted),
			`redcore: get user "usr_1": interrupted`,
		},
		{
			"retry after in the message",
			&redcore.APIError{StatusCode: 429, Code: "RATE_LIMIT_EXCEEDED", Message: "rate limit exceeded; retry after 20 seconds", RetryAfter: 20 * time.Second},
			`redcore: 429 RATE_LIMIT_EXCEEDED: rate limit exceeded; retry after 20 seconds`,
		},
		{
			"retry after from the header",
			&redcore.APIError{StatusCode: 429, Code: "RATE_LIMIT_EXCEEDED", Message: "slow down", RetryAfter: 20 * time.Second},
			`redcore: 429 RATE_LIMIT_EXCEEDED: slow down (retry after 20s)`,
		},
		{
			"no route",
			&redcore.APIError{StatusCode: 404, Code: "NOT_FOUND", Message: "no route for GET /users"},
			`redcore: 404 NOT_FOUND: no route for GET /users; check that the base URL (--base-url or $REDCORE_BASE_URL) ends with the API version path, such as https://api.redcore.com/v1`,
		},
		{
			"client prefix dropped",
			failed("list users", errors.New("redcore: no progress")),
			`redcore: list users: no progress`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := errorLine(tt.err); got != tt.want {
				t.Errorf("errorLine() = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestPageFooter(t *testing.T) {
	tests := []struct {
		name                 string
		count, total, offset int
		want                 string
	}{
		{"first page", 20, 42, 0, "users 1-20 of 42; next page: --offset 20"},
		{"last page", 2, 42, 40, "users 41-42 of 42"},
		{"past the end", 0, 42, 100, "no users at offset 100 (42 in total)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := pageFooter("users", tt.count, tt.total, tt.offset); got != tt.want {
				t.Errorf("pageFooter() = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestCell(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"plain", "Alice Müller", "Alice Müller"},
		{"empty", "", "-"},
		{"tab", "a\tb", `"a\tb"`},
		{"escape sequence", "x\x1b[31m", `"x\x1b[31m"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := cell(tt.in); got != tt.want {
				t.Errorf("cell(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestShellQuote(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"email", "x@example.com", "x@example.com"},
		{"id", "usr_98765", "usr_98765"},
		{"space", "a b", "'a b'"},
		{"quote", "o'neil@example.com", `'o'\''neil@example.com'`},
		{"dollar", "$HOME", "'$HOME'"},
		{"empty", "", "''"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := shellQuote(tt.in); got != tt.want {
				t.Errorf("shellQuote(%q) = %s, want %s", tt.in, got, tt.want)
			}
		})
	}
}
