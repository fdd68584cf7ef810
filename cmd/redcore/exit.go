package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/url"
	"strings"
	"unicode"

	"github.com/redcore/redcore-go/redcore"
)

// Exit codes of the redcore command. Scripts rely on them, so they never
// change meaning; exitCodesHelp lists them in the root command's help.
const (
	exitOK          = 0
	exitUnexpected  = 1
	exitUsage       = 2
	exitClientError = 3
	exitNotFound    = 4
	exitAuth        = 5
	exitRateLimited = 6
	exitUnavailable = 7
	// exitInterrupted is the shell's convention for a process ended by
	// SIGINT: 128 plus the signal number 2.
	exitInterrupted = 130
)

const exitCodesHelp = `Exit codes:
  0    success
  1    unexpected error, or a declined confirmation
  2    usage error: invalid flag, argument or missing token; nothing was sent
  3    the API rejected the request (other 4xx, such as 400 or 409)
  4    not found (404)
  5    unauthorized or forbidden (401, 403)
  6    rate limited (429) after the retries
  7    server or network failure (5xx, connection error, --timeout) after the retries
  130  interrupted (Ctrl-C)`

// usageError is a mistake in the command line or the environment, found
// before any request is sent. It exits with exitUsage. With hint, the error
// line is followed by a pointer to the command's help.
type usageError struct {
	err  error
	hint bool
}

func (e *usageError) Error() string { return e.err.Error() }
func (e *usageError) Unwrap() error { return e.err }

// usagef returns a usageError with a formatted message.
func usagef(format string, args ...any) error {
	return &usageError{err: fmt.Errorf(format, args...), hint: true}
}

// actionError names the operation that failed, such as `get user "usr_1"`,
// so that the error line shows what was attempted on which id.
type actionError struct {
	action string
	err    error
}

func (e *actionError) Error() string { return e.action + ": " + e.err.Error() }
func (e *actionError) Unwrap() error { return e.err }

// failed wraps err, unless it is nil, with the action that returned it.
func failed(action string, err error) error {
	if err == nil {
		return nil
	}
	return &actionError{action: action, err: err}
}

// errDeclined is returned when the person at the terminal does not confirm.
var errDeclined = errors.New("not confirmed")

// timeoutError reports that --timeout ended the command.
type timeoutError struct {
	limit string
}

func (e *timeoutError) Error() string {
	return "timed out after " + e.limit + " (--timeout)"
}

// errInterrupted reports that Ctrl-C or SIGTERM ended the command.
var errInterrupted = errors.New("interrupted")

// exitCode maps the error returned by a command to the process exit code.
func exitCode(err error) int {
	if err == nil {
		return exitOK
	}

	var usage *usageError
	if errors.As(err, &usage) {
		return exitUsage
	}
	if errors.Is(err, errInterrupted) {
		return exitInterrupted
	}

	var apiErr *redcore.APIError
	if errors.As(err, &apiErr) {
		if apiErr.StatusCode == 0 {
			// The client rejected the input before sending it.
			return exitUsage
		}
		return statusExitCode(apiErr.StatusCode)
	}

	var timeout *timeoutError
	if errors.As(err, &timeout) || isNetworkError(err) {
		return exitUnavailable
	}
	return exitUnexpected
}

// statusExitCode maps an HTTP status of an error response to an exit code.
func statusExitCode(status int) int {
	switch {
	case status == 404:
		return exitNotFound
	case status == 401 || status == 403:
		return exitAuth
	case status == 429:
		return exitRateLimited
	case status >= 500:
		return exitUnavailable
	case status >= 400:
		return exitClientError
	default:
		return exitUnexpected
	}
}

// isNetworkError reports whether err is a failure to reach the server or to
// read its response: a refused or reset connection, a DNS failure, or a
// response cut short.
func isNetworkError(err error) bool {
	var urlErr *url.Error
	var netErr net.Error
	var opErr *net.OpError
	switch {
	case errors.As(err, &urlErr), errors.As(err, &netErr), errors.As(err, &opErr):
		return true
	case errors.Is(err, io.ErrUnexpectedEOF), errors.Is(err, io.EOF):
		return true
	case errors.Is(err, context.DeadlineExceeded):
		return true
	}
	return false
}

// errorLine formats err as the one line printed on standard error: for an
// API error the HTTP status, the error code, the message, the details and
// the request id.
func errorLine(err error) string {
	action := ""
	var act *actionError
	if errors.As(err, &act) {
		action = act.action + ": "
		err = act.err
	}

	var apiErr *redcore.APIError
	var urlErr *url.Error
	var syntaxErr *json.SyntaxError
	var typeErr *json.UnmarshalTypeError
	var msg string
	switch {
	case errors.As(err, &apiErr):
		msg = describeAPIError(apiErr)
	case errors.As(err, &urlErr) && urlErr.Err != nil:
		// url.Error quotes the URL in Go syntax; this names the method and
		// the URL plainly, then the cause.
		msg = fmt.Sprintf("%s %s failed: %v", strings.ToUpper(urlErr.Op), urlErr.URL, urlErr.Err)
	case errors.As(err, &syntaxErr):
		msg = fmt.Sprintf("the server sent a response that is not valid JSON (byte %d)", syntaxErr.Offset)
	case errors.As(err, &typeErr):
		msg = fmt.Sprintf("the server sent a %s where a %s was expected in field %q", typeErr.Value, typeErr.Type, typeErr.Field)
	default:
		// The client's own errors start with the package name, which the
		// line already has.
		msg = strings.TrimPrefix(err.Error(), "redcore: ")
	}
	return "redcore: " + oneLine(action+msg)
}

// describeAPIError formats an API error as
// `404 NOT_FOUND: user "usr_1" not found [field: issue; ...] (request_id req_1)`.
func describeAPIError(e *redcore.APIError) string {
	var b strings.Builder
	if e.StatusCode == 0 {
		b.WriteString("not sent")
	} else {
		fmt.Fprintf(&b, "%d", e.StatusCode)
	}
	if e.Code != "" {
		b.WriteString(" " + e.Code)
	}
	if e.Message != "" {
		b.WriteString(": " + e.Message)
	}

	if len(e.Details) > 0 {
		issues := make([]string, 0, len(e.Details))
		for _, d := range e.Details {
			issues = append(issues, d.Field+": "+d.Issue)
		}
		b.WriteString(" [" + strings.Join(issues, "; ") + "]")
	}
	if e.StatusCode == 429 && e.RetryAfter > 0 {
		fmt.Fprintf(&b, " (retry after %s)", e.RetryAfter)
	}
	if e.RequestID != "" {
		b.WriteString(" (request_id " + e.RequestID + ")")
	}
	return b.String()
}

// oneLine replaces line breaks and other control characters, which a server
// message may contain, with spaces, so that an error is one line and cannot
// move the terminal's cursor.
func oneLine(s string) string {
	return strings.Map(func(r rune) rune {
		if unicode.IsControl(r) {
			return ' '
		}
		return r
	}, s)
}
