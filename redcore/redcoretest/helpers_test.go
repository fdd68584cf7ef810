package redcoretest

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"

	"github.com/redcore/redcore-go/api"
)

// harness sends requests to a sandbox over real HTTP and validates every
// response against openapi.yaml.
type harness struct {
	t      *testing.T
	srv    *Server
	client *http.Client
}

func newHarness(t *testing.T, opts ...Option) *harness {
	t.Helper()
	srv := NewServer(t, opts...)
	return &harness{t: t, srv: srv, client: validatingClient(t, srv)}
}

// validatingClient returns an HTTP client of srv whose transport checks
// each response against openapi.yaml and the error body rules.
func validatingClient(t *testing.T, srv *Server) *http.Client {
	base := srv.server.Client()
	return &http.Client{Transport: &validatingTransport{t: t, base: base.Transport}}
}

// result is a response read whole.
type result struct {
	status int
	header http.Header
	body   []byte
}

// do sends one request. headers are name, value pairs; the Authorization
// header is "Bearer " + the sandbox token unless given, and an empty value
// leaves it out. A non-empty body is sent as application/json unless a
// Content-Type is given.
func (h *harness) do(method, path, body string, headers ...string) result {
	h.t.Helper()
	return h.doContext(context.Background(), method, path, body, headers...)
}

func (h *harness) doContext(ctx context.Context, method, path, body string, headers ...string) result {
	h.t.Helper()
	var reader io.Reader
	if body != "" {
		reader = strings.NewReader(body)
	}
	req, err := http.NewRequestWithContext(ctx, method, h.srv.URL+path, reader)
	if err != nil {
		h.t.Fatalf("new request: %v", err)
	}

	req.Header.Set("Authorization", "Bearer "+h.srv.Token)
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	for i := 0; i+1 < len(headers); i += 2 {
		if headers[i+1] == "" {
			req.Header.Del(headers[i])
			continue
		}
		req.Header.Set(headers[i], headers[i+1])
	}

	// Errorf rather than Fatalf: concurrent tests call this from other
	// goroutines, and a status of 0 fails their checks.
	resp, err := h.client.Do(req)
	if err != nil {
		h.t.Errorf("%s %s: %v", method, path, err)
		return result{}
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		h.t.Errorf("%s %s: read body: %v", method, path, err)
	}
	return result{status: resp.StatusCode, header: resp.Header, body: data}
}

// errorBody decodes r as the API's error body.
func (r result) errorBody(t *testing.T) api.ErrorBody {
	t.Helper()
	var e api.Error
	if err := json.Unmarshal(r.body, &e); err != nil {
		t.Fatalf("decode error body %q: %v", r.body, err)
	}
	return e.Error
}

// user decodes r as a user.
func (r result) user(t *testing.T) api.User {
	t.Helper()
	var u api.User
	if err := json.Unmarshal(r.body, &u); err != nil {
		t.Fatalf("decode user %q: %v", r.body, err)
	}
	return u
}

// users decodes r as a page of users.
func (r result) users(t *testing.T) api.UserList {
	t.Helper()
	var l api.UserList
	if err := json.Unmarshal(r.body, &l); err != nil {
		t.Fatalf("decode user list %q: %v", r.body, err)
	}
	return l
}

// detailFields returns the field names of an error body's details.
func detailFields(e api.ErrorBody) []string {
	fields := []string{}
	if e.Details != nil {
		for _, d := range *e.Details {
			fields = append(fields, d.Field)
		}
	}
	return fields
}

// validatingTransport checks every response of the sandbox. Each has
// X-Request-Id, and each error is the JSON error body whose request_id
// equals the header. Each response to a routed operation matches
// openapi.yaml, with a status the operation declares (500 is declared by
// `default`).
type validatingTransport struct {
	t    *testing.T
	base http.RoundTripper
}

func (v *validatingTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	resp, err := v.base.RoundTrip(req)
	if err != nil {
		return nil, err
	}
	data, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil {
		return nil, err
	}
	resp.Body = io.NopCloser(bytes.NewReader(data))

	where := req.Method + " " + req.URL.RequestURI()
	requestID := resp.Header.Get(headerRequestID)
	if requestID == "" {
		v.t.Errorf("%s: response %d has no X-Request-Id", where, resp.StatusCode)
	}
	if resp.StatusCode >= 400 {
		var e api.Error
		if err := json.Unmarshal(data, &e); err != nil {
			v.t.Errorf("%s: error response %d is not the JSON error body: %q", where, resp.StatusCode, data)
		} else if e.Error.RequestId != requestID {
			v.t.Errorf("%s: error body request_id %q differs from X-Request-Id %q", where, e.Error.RequestId, requestID)
		}
	}
	v.validate(req, resp, data, where)
	return resp, nil
}

// validate checks a response against its operation in openapi.yaml.
func (v *validatingTransport) validate(req *http.Request, resp *http.Response, data []byte, where string) {
	s, err := loadSpec()
	if err != nil {
		v.t.Errorf("load spec: %v", err)
		return
	}
	route, params, apiErr := s.findRoute(req)
	if apiErr != nil {
		return
	}
	if route.Operation.Responses.Status(resp.StatusCode) == nil && resp.StatusCode != http.StatusInternalServerError {
		v.t.Errorf("%s: status %d is not declared by operation %s", where, resp.StatusCode, route.Operation.OperationID)
	}
	input := &openapi3filter.ResponseValidationInput{
		RequestValidationInput: &openapi3filter.RequestValidationInput{Request: req, PathParams: params, Route: route},
		Status:                 resp.StatusCode,
		Header:                 resp.Header,
		Options: &openapi3filter.Options{
			IncludeResponseStatus: true,
			MultiError:            true,
			SchemaValidationOptions: []openapi3.SchemaValidationOption{
				openapi3.WithStringFormatValidator("email", emailFormat),
			},
		},
	}
	input.SetBodyBytes(data)
	if err := openapi3filter.ValidateResponse(req.Context(), input); err != nil {
		v.t.Errorf("%s: response %d does not match openapi.yaml: %v", where, resp.StatusCode, err)
	}
}

// fixedClock is a clock that moves only when the test advances it.
type fixedClock struct {
	mu  sync.Mutex
	now time.Time
}

func newFixedClock() *fixedClock {
	return &fixedClock{now: time.Date(2026, 5, 4, 10, 0, 0, 0, time.UTC)}
}

func (c *fixedClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *fixedClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

// counterIDs returns an id generator that gives prefix + 00001, 00002, ...
func counterIDs() func(string) string {
	var mu sync.Mutex
	n := 0
	return func(prefix string) string {
		mu.Lock()
		defer mu.Unlock()
		n++
		return fmt.Sprintf("%s%05d", prefix, n)
	}
}
