package redcore

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/redcore/redcore-go/api"
)

// Sentinel errors that errors.Is matches against an *APIError by its error
// code, never by its HTTP status: a 409 is ErrDuplicate or
// ErrIdempotencyKeyReused depending on its code.
var (
	// ErrValidation matches VALIDATION_ERROR (400): a parameter or body
	// field is missing, malformed, out of range or unknown. The client also
	// returns it, with StatusCode 0, for input it rejects before sending.
	ErrValidation = errors.New("redcore: validation error")
	// ErrUnauthorized matches UNAUTHORIZED (401): no, malformed or unknown token.
	ErrUnauthorized = errors.New("redcore: unauthorized")
	// ErrForbidden matches FORBIDDEN (403): the token lacks the operation's scope.
	ErrForbidden = errors.New("redcore: forbidden")
	// ErrNotFound matches NOT_FOUND (404): an unknown id or route.
	ErrNotFound = errors.New("redcore: not found")
	// ErrDuplicate matches DUPLICATE_EMAIL (409): a user with that email
	// already exists in the organization.
	ErrDuplicate = errors.New("redcore: duplicate")
	// ErrIdempotencyKeyReused matches IDEMPOTENCY_KEY_REUSED (409): the
	// Idempotency-Key was used before with another method, path or body.
	ErrIdempotencyKeyReused = errors.New("redcore: idempotency key reused")
	// ErrRateLimited matches RATE_LIMIT_EXCEEDED (429): the token is over
	// its rate limit, and RetryAfter is the wait the server requested.
	ErrRateLimited = errors.New("redcore: rate limited")
)

// sentinels maps each error code with a sentinel to it.
var sentinels = map[api.ErrorCode]error{
	api.VALIDATIONERROR:      ErrValidation,
	api.UNAUTHORIZED:         ErrUnauthorized,
	api.FORBIDDEN:            ErrForbidden,
	api.NOTFOUND:             ErrNotFound,
	api.DUPLICATEEMAIL:       ErrDuplicate,
	api.IDEMPOTENCYKEYREUSED: ErrIdempotencyKeyReused,
	api.RATELIMITEXCEEDED:    ErrRateLimited,
}

// Bounds on the response bodies the client reads.
const (
	maxResponseBytes = 16 << 20 // a page of 100 items is far below it
	maxErrorBytes    = 1 << 20
	bodySampleBytes  = 200
)

// APIError is a failed request: the API's error body, or a description of
// a response that had none.
//
// StatusCode is 0 for input the client rejected before sending (Code is
// then VALIDATION_ERROR). Code is empty when the response had no JSON error
// body, such as an HTML page from a proxy; Message then names the content
// type and quotes the start of the body.
type APIError struct {
	// StatusCode is the HTTP status of the response.
	StatusCode int
	// Code is the machine-readable error code, such as "NOT_FOUND".
	Code string
	// Message is a sentence for people; match on Code instead.
	Message string
	// RequestID is the X-Request-Id of the response, to quote to support.
	RequestID string
	// Details lists each invalid field or parameter of a VALIDATION_ERROR.
	Details []ErrorDetail
	// RetryAfter is the wait the server requested with Retry-After, or 0.
	RetryAfter time.Duration
}

// Error returns the message with the status, code and request id, such as
// `redcore: user "usr_1" not found (404 NOT_FOUND, request req_9f2)`,
// followed by each detail.
func (e *APIError) Error() string {
	var b strings.Builder
	b.WriteString("redcore: ")
	b.WriteString(e.Message)

	var tags []string
	if e.StatusCode != 0 {
		tags = append(tags, strconv.Itoa(e.StatusCode))
	}
	if e.Code != "" {
		tags = append(tags, e.Code)
	}
	b.WriteString(" (" + strings.Join(tags, " "))
	switch {
	case e.RequestID != "":
		b.WriteString(", request " + e.RequestID)
	case e.StatusCode == 0:
		b.WriteString(", not sent")
	}
	if e.RetryAfter > 0 {
		b.WriteString(", retry after " + e.RetryAfter.String())
	}
	b.WriteString(")")

	for i, d := range e.Details {
		if i == 0 {
			b.WriteString(": ")
		} else {
			b.WriteString("; ")
		}
		b.WriteString(d.Field + " " + d.Issue)
	}
	return b.String()
}

// Is reports whether target is the sentinel of e's error code, so that
// errors.Is(err, ErrNotFound) holds for a NOT_FOUND error.
func (e *APIError) Is(target error) bool {
	sentinel, ok := sentinels[api.ErrorCode(e.Code)]
	return ok && sentinel == target
}

// validationError returns the error for input rejected before sending.
func validationError(field, issue string) *APIError {
	return &APIError{
		Code:    string(api.VALIDATIONERROR),
		Message: "invalid " + field,
		Details: []ErrorDetail{{Field: field, Issue: issue}},
	}
}

// checkID rejects ids that cannot name a resource in a URL path: the empty
// string and the dot segments, which URL resolution would collapse into the
// list path. Every other id is escaped as one path segment.
func checkID(field, id string) error {
	switch id {
	case "":
		return validationError(field, "must not be empty")
	case ".", "..":
		return validationError(field, fmt.Sprintf("%q is not a valid id", id))
	}
	return nil
}

// decodeResponse closes resp's body after decoding it into out (unless out
// is nil) when the status is 2xx, and returns an *APIError otherwise.
func decodeResponse(resp *http.Response, out any, now time.Time) error {
	defer resp.Body.Close()

	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		body, _ := io.ReadAll(io.LimitReader(resp.Body, maxErrorBytes))
		return newAPIError(resp, body, now)
	}
	if out == nil {
		drainAndClose(resp.Body)
		return nil
	}

	body, err := readBody(resp.Body, resp.ContentLength, maxResponseBytes)
	if err != nil {
		return fmt.Errorf("redcore: reading the %d response: %w", resp.StatusCode, err)
	}
	if err := json.Unmarshal(body, out); err != nil {
		return &DecodeError{
			StatusCode:  resp.StatusCode,
			ContentType: resp.Header.Get("Content-Type"),
			RequestID:   resp.Header.Get("X-Request-Id"),
			Err:         err,
		}
	}
	return nil
}

// readBody reads body up to limit bytes. A body whose length is known and
// within limit is read into a buffer of that length, without the growing
// copies of io.ReadAll.
func readBody(body io.Reader, length, limit int64) ([]byte, error) {
	if length < 0 || length > limit {
		return io.ReadAll(io.LimitReader(body, limit))
	}
	buf := make([]byte, length)
	if _, err := io.ReadFull(body, buf); err != nil {
		return nil, err
	}
	return buf, nil
}

// DecodeError is a successful (2xx) response whose body the client could not
// decode into the expected object, such as an HTML page from a proxy, a
// truncated body, or a field of the wrong type. The request may have taken
// effect on the server.
type DecodeError struct {
	// StatusCode is the HTTP status of the response.
	StatusCode int
	// ContentType is the Content-Type header of the response.
	ContentType string
	// RequestID is the X-Request-Id of the response, or empty.
	RequestID string
	// Err is the decoding error, such as a *json.SyntaxError.
	Err error
}

// Error returns a line such as `redcore: undecodable 200 response with
// content type "text/html": invalid character '<' looking for beginning of
// value`.
func (e *DecodeError) Error() string {
	return fmt.Sprintf("redcore: undecodable %d response with content type %q: %v", e.StatusCode, e.ContentType, e.Err)
}

// Unwrap returns the decoding error.
func (e *DecodeError) Unwrap() error { return e.Err }

// newAPIError builds the error of a non-2xx response from its JSON error
// body or, failing that, from its status, content type and a sample of the
// body. It never returns a bare JSON syntax error.
func newAPIError(resp *http.Response, body []byte, now time.Time) *APIError {
	e := &APIError{
		StatusCode: resp.StatusCode,
		RequestID:  resp.Header.Get("X-Request-Id"),
	}
	if wait, ok := parseRetryAfter(resp.Header.Get("Retry-After"), now); ok {
		e.RetryAfter = wait
	}

	var decoded api.Error
	if isJSON(resp.Header.Get("Content-Type")) && json.Unmarshal(body, &decoded) == nil && decoded.Error.Code != "" {
		e.Code = string(decoded.Error.Code)
		e.Message = decoded.Error.Message
		if decoded.Error.RequestId != "" {
			e.RequestID = decoded.Error.RequestId
		}
		if decoded.Error.Details != nil {
			e.Details = *decoded.Error.Details
		}
		if e.Message == "" {
			e.Message = strings.ToLower(http.StatusText(resp.StatusCode))
		}
		return e
	}

	e.Message = fmt.Sprintf("%s response without an API error body (content type %q): %q",
		strings.ToLower(http.StatusText(resp.StatusCode)), resp.Header.Get("Content-Type"), sample(body))
	return e
}

// isJSON reports whether contentType is application/json or a +json type.
func isJSON(contentType string) bool {
	mediaType, _, err := mime.ParseMediaType(contentType)
	if err != nil {
		return false
	}
	return mediaType == "application/json" || strings.HasSuffix(mediaType, "+json")
}

// sample returns the start of body, cut at a rune boundary, with "..." when
// it was cut.
func sample(body []byte) string {
	if len(body) <= bodySampleBytes {
		return string(body)
	}
	cut := bodySampleBytes
	for cut > 0 && !utf8.RuneStart(body[cut]) {
		cut--
	}
	return string(body[:cut]) + "..."
}
