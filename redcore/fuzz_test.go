package redcore_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/redcore/redcore-go/redcore"
)

// fixedResponse is a RoundTripper that gives every request the same
// response, without a network, so that a fuzzer can try many per second.
type fixedResponse struct {
	status int
	header http.Header
	body   []byte
}

func (f fixedResponse) RoundTrip(req *http.Request) (*http.Response, error) {
	if req.Body != nil {
		_ = req.Body.Close()
	}
	return &http.Response{
		Status:        http.StatusText(f.status),
		StatusCode:    f.status,
		Proto:         "HTTP/1.1",
		ProtoMajor:    1,
		ProtoMinor:    1,
		Header:        f.header.Clone(),
		Body:          io.NopCloser(bytes.NewReader(f.body)),
		ContentLength: int64(len(f.body)),
		Request:       req,
	}, nil
}

// FuzzResponseDecoding gives the client arbitrary responses to a get, a
// list, a create and a delete. None may panic. A 4xx or 5xx response must
// become an *APIError with its status, a 2xx response a value or a decode
// error that is not an *APIError.
func FuzzResponseDecoding(f *testing.F) {
	seeds := []struct {
		status                        uint16
		contentType, retryAfter, body string
	}{
		{200, "application/json", "", `{"id":"usr_1","email":"a@example.com","name":"A","role":"admin","status":"active","created_at":"2026-01-01T00:00:00Z","updated_at":"2026-01-01T00:00:00Z"}`},
		{200, "application/json", "", `{"data":[{"id":"usr_1","created_at":"2026-01-01T00:00:00Z"}],"meta":{"total":1,"limit":20,"offset":0}}`},
		{200, "application/json", "", `{"data":null,"meta":{"total":-5,"limit":0,"offset":-1}}`},
		{200, "application/json", "", `{"id":"usr_1","created_at":"not a time"}`},
		{201, "application/json", "", `{"id":`},
		{204, "application/json", "", ``},
		{200, "text/html", "", `<html></html>`},
		{400, "application/json", "", `{"error":{"code":"VALIDATION_ERROR","message":"bad","details":[{"field":"email","issue":"invalid"}],"request_id":"req_1"}}`},
		{400, "application/json", "", `{"error":{"code":"VALIDATION_ERROR","details":null}}`},
		{404, "application/problem+json", "", `{"error":{"code":"NOT_FOUND","message":"missing"}}`},
		{409, "application/json", "", `{"error":{"code":"IDEMPOTENCY_KEY_REUSED"}}`},
		{429, "application/json", "2", `{"error":{"code":"RATE_LIMIT_EXCEEDED","message":"slow down"}}`},
		{429, "application/json", "Fri, 04 Dec 2026 21:00:00 GMT", `{}`},
		{429, "", "99999999999999999999", ``},
		{429, "", "-1", ``},
		{502, "text/html; charset=utf-8", "", "<html><body>" + strings.Repeat("é", 150) + "</body></html>"},
		{503, "application/json; charset=\"", "0", `{"error":{"code":""}}`},
		{302, "", "", ``},
		{101, "", "", ``},
		{599, "application/json", "", `{"error":{"code":"SOMETHING_NEW","message":"a code of a newer API"}}`},
	}
	for _, s := range seeds {
		f.Add(s.status, s.contentType, s.retryAfter, "req_seed", []byte(s.body))
	}

	f.Fuzz(func(t *testing.T, status uint16, contentType, retryAfter, requestID string, body []byte) {
		code := 100 + int(status)%500
		header := http.Header{}
		for name, value := range map[string]string{"Content-Type": contentType, "Retry-After": retryAfter, "X-Request-Id": requestID} {
			if value != "" {
				header.Set(name, value)
			}
		}
		client, err := redcore.NewClient(
			redcore.WithToken("fuzz_token"),
			redcore.WithBaseURL("https://api.example.com/v1"),
			redcore.WithHTTPClient(&http.Client{Transport: fixedResponse{code, header, body}}),
			// One retry without a wait, so that the retry path reads
			// Retry-After too.
			redcore.WithMaxRetries(1),
			redcore.WithMaxRetryWait(0),
		)
		if err != nil {
			t.Fatal(err)
		}
		ctx := context.Background()

		_, getErr := client.Users.Get(ctx, "usr_1")
		checkDecoded(t, "Get", code, getErr)
		page, listErr := client.Products.List(ctx, redcore.ListProductsParams{})
		checkDecoded(t, "List", code, listErr)
		if listErr == nil && page.Data == nil {
			t.Error("List: page with nil Data")
		}
		_, createErr := client.Users.Create(ctx, redcore.CreateUserParams{Email: "a@example.com", Name: "A", Role: redcore.RoleAdmin})
		checkDecoded(t, "Create", code, createErr)
		deleteErr := client.Users.Delete(ctx, "usr_1")
		checkDecoded(t, "Delete", code, deleteErr)
	})
}

// checkDecoded checks the error of a call that got a response with status.
func checkDecoded(t *testing.T, call string, status int, err error) {
	t.Helper()
	var apiErr *redcore.APIError
	isAPIError := errors.As(err, &apiErr)

	switch {
	case status >= 200 && status < 300:
		if isAPIError {
			t.Errorf("%s: %d response gave an *APIError: %v", call, status, err)
		}
		if err != nil && !strings.HasPrefix(err.Error(), "redcore: ") {
			t.Errorf("%s: error %q does not start with the package name", call, err)
		}
	case status >= 400:
		if !isAPIError {
			t.Fatalf("%s: %d response gave %v (%T), want an *APIError", call, status, err, err)
		}
		if apiErr.StatusCode != status {
			t.Errorf("%s: StatusCode = %d, want %d", call, apiErr.StatusCode, status)
		}
		if apiErr.RetryAfter < 0 {
			t.Errorf("%s: RetryAfter = %s is negative", call, apiErr.RetryAfter)
		}
		if apiErr.Error() == "" {
			t.Errorf("%s: empty error message", call)
		}
	default:
		// A 1xx or 3xx response is not the API's: any error will do, but
		// a value would hide it.
		if err == nil {
			t.Errorf("%s: %d response gave no error", call, status)
		}
	}
}

// FuzzPageJSON decodes arbitrary bytes as a page of users. Decoding never
// panics, a decoded page has non-nil Data, and encoding it again is
// stable.
func FuzzPageJSON(f *testing.F) {
	f.Add([]byte(`{"data":[],"meta":{"total":0,"limit":20,"offset":0}}`))
	f.Add([]byte(`{"data":null,"meta":{}}`))
	f.Add([]byte(`{"data":[{"id":"usr_1","role":"owner","status":"banned","created_at":"2026-01-01T00:00:00+02:00"}],"meta":{"total":1}}`))
	f.Add([]byte(`{"data":[{}],"meta":{"total":1e3}}`))
	f.Add([]byte(`[]`))
	f.Add([]byte(`null`))

	f.Fuzz(func(t *testing.T, data []byte) {
		var page redcore.Page[redcore.User]
		if err := json.Unmarshal(data, &page); err != nil {
			return
		}
		if page.Data == nil {
			t.Fatalf("decoded %q to a page with nil Data", data)
		}
		first, err := json.Marshal(page)
		if err != nil {
			t.Fatalf("encode the page decoded from %q: %v", data, err)
		}
		var again redcore.Page[redcore.User]
		if err := json.Unmarshal(first, &again); err != nil {
			t.Fatalf("decode %s, encoded from %q: %v", first, data, err)
		}
		second, err := json.Marshal(again)
		if err != nil {
			t.Fatalf("encode again: %v", err)
		}
		if !bytes.Equal(first, second) {
			t.Errorf("encoding not stable:\n%s\n%s", first, second)
		}
	})
}
