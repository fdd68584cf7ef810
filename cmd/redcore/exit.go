package main

import (
	"context"
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
  7    server or network failure (5xx, connection error, a response that is not
       the expected JSON, --timeout) after the retries
  130  interrupted (Ctrl-C); a create, update or delete may have been applied`

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
// so that the error line shows what was attempted on which id. An error
// wrapped in an actionError came from a call of the client, so only such an
// error can be a network or server failure.
type actionError struct {
	action string
	err    error
	// check is the command that shows whether a write was applied, for a
	// write ended before the server's response. It is empty for a read.
	check string
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

// failedWrite wraps the error of a create, update or delete. When Ctrl-C or
// --timeout ends the command, the error line then warns that the request
// may have been applied and shows check, the command that finds out.
func failedWrite(action, check string, err error) error {
	if err == nil {
		return nil
	}
	return &actionError{action: action, err: err, check: check}
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
	var timeout *timeoutError
	if errors.As(err, &timeout) {
		return exitUnavailable
	}

	var apiErr *redcore.APIError
	if errors.As(err, &apiErr) {
		if apiErr.StatusCode == 0 {
			// The client rejected the input before sending it.
			return exitUsage
		}
		return statusExitCode(apiErr.StatusCode)
	}

	// Only the client's calls reach the network, so an error of the same
	// kind from a local file or socket, such as the state file of the mock,
	// is not a network failure.
	var act *actionError
	if !errors.As(err, &act) {
		return exitUnexpected
	}
	var decodeErr *redcore.DecodeError
	if errors.As(act.err, &decodeErr) || isNetworkError(act.err) {
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
// the request id. Errors that did not come from a response are printed as
// they are.
func errorLine(err error) string {
	action, check := "", ""
	var act *actionError
	if errors.As(err, &act) {
		action = act.action + ": "
		check = act.check
		err = act.err
	}

	var apiErr *redcore.APIError
	var decodeErr *redcore.DecodeError
	var urlErr *url.Error
	var timeout *timeoutError
	var msg string
	switch {
	case errors.As(err, &apiErr):
		msg = describeAPIError(apiErr)
	case errors.As(err, &decodeErr):
		msg = describeDecodeError(decodeErr)
	case errors.As(err, &urlErr) && urlErr.Err != nil && urlErr.Op != "parse":
		// url.Error quotes the URL in Go syntax; this names the method and
		// the URL plainly, then the cause.
		msg = fmt.Sprintf("%s %s failed: %v", strings.ToUpper(urlErr.Op), urlErr.URL, urlErr.Err)
	default:
		// The client's own errors start with the package name, which the
		// line already has.
		msg = strings.TrimPrefix(err.Error(), "redcore: ")
	}

	if check != "" && (errors.Is(err, errInterrupted) || errors.As(err, &timeout)) {
		msg += "; the request may have been applied: check with " + check
	}
	return "redcore: " + oneLine(action+msg)
}

// describeDecodeError formats a 2xx response whose body is not the expected
// JSON, such as `the server sent a 200 response that is not the expected
// JSON (content type "text/html"; request_id req_1): invalid character...`.
func describeDecodeError(e *redcore.DecodeError) string {
	about := fmt.Sprintf("content type %q", e.ContentType)
	if e.RequestID != "" {
		about += "; request_id " + e.RequestID
	}
	return fmt.Sprintf("the server sent a %d response that is not the expected JSON (%s): %v", e.StatusCode, about, e.Err)
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
	// The sandbox, like other servers, may name the wait in the message.
	if e.StatusCode == 429 && e.RetryAfter > 0 && !strings.Contains(strings.ToLower(e.Message), "retry after") {
		fmt.Fprintf(&b, " (retry after %s)", e.RetryAfter)
	}
	if e.RequestID != "" {
		b.WriteString(" (request_id " + e.RequestID + ")")
	}
	if isNoRoute(e) {
		b.WriteString("; check that the base URL (--base-url or $" + baseURLEnv + ") ends with the API version path, such as " + redcore.DefaultBaseURL)
	}
	return b.String()
}

// isNoRoute reports whether e is a 404 for a path the server has no route
// for, not for a missing resource. A base URL without its version path,
// such as http://127.0.0.1:8080 instead of http://127.0.0.1:8080/v1, gives it.
func isNoRoute(e *redcore.APIError) bool {
	return e.StatusCode == 404 && strings.Contains(strings.ToLower(e.Message), "no route")
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
