package test

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/redcore/redcore-go/redcore"
)

// The tests in this file respond to the client with a failure status,
// then with success. A retry sends the same request on the same connection,
// because the failed response was read to its end.

func TestFault429RetryAfterSeconds(t *testing.T) {
	checkNoLeaks(t)
	for _, op := range getAndPost {
		t.Run(op.name, func(t *testing.T) {
			t.Parallel()
			limited := apiErrorStep(http.StatusTooManyRequests, "RATE_LIMIT_EXCEEDED", map[string]string{"Retry-After": "1"})
			srv := newWireServer(t, limited, step{})
			client, _ := newFaultClient(t, srv.URL, redcore.WithMaxRetryWait(2*time.Second))

			if err := op.call(context.Background(), client); err != nil {
				t.Fatalf("%s: %v", op.name, err)
			}
			checkRequests(t, srv, 2, 1)
			checkCreations(t, srv, op, 1)
			// A lower bound only: a slow machine makes the gap longer.
			if got := gap(srv, 1); got < time.Second {
				t.Errorf("wait before the retry = %s, want at least the 1s of Retry-After", got)
			}
		})
	}
}

func TestFault429RetryAfterDate(t *testing.T) {
	checkNoLeaks(t)
	for _, op := range getAndPost {
		t.Run(op.name, func(t *testing.T) {
			t.Parallel()
			// The date has whole seconds, so it lies 1 to 2 seconds ahead.
			limited := apiErrorStep(http.StatusTooManyRequests, "RATE_LIMIT_EXCEEDED", nil)
			limited.retryAfterDate = 2 * time.Second
			srv := newWireServer(t, limited, step{})
			client, _ := newFaultClient(t, srv.URL, redcore.WithMaxRetryWait(3*time.Second))

			if err := op.call(context.Background(), client); err != nil {
				t.Fatalf("%s: %v", op.name, err)
			}
			checkRequests(t, srv, 2, 1)
			checkCreations(t, srv, op, 1)
			if got := gap(srv, 1); got < time.Second {
				t.Errorf("wait before the retry = %s, want at least 1s until the Retry-After date", got)
			}
		})
	}
}

func TestFault429RetryAfterMissing(t *testing.T) {
	checkNoLeaks(t)
	limited := apiErrorStep(http.StatusTooManyRequests, "RATE_LIMIT_EXCEEDED", nil)
	for _, op := range getAndPost {
		t.Run(op.name+" recovers", func(t *testing.T) {
			t.Parallel()
			srv := newWireServer(t, limited, step{})
			client, _ := newFaultClient(t, srv.URL)

			if err := op.call(context.Background(), client); err != nil {
				t.Fatalf("%s: %v", op.name, err)
			}
			checkRequests(t, srv, 2, 1)
			checkCreations(t, srv, op, 1)
		})
		t.Run(op.name+" persists", func(t *testing.T) {
			t.Parallel()
			srv := newWireServer(t, limited)
			client, _ := newFaultClient(t, srv.URL)

			err := op.call(context.Background(), client)

			if !errors.Is(err, redcore.ErrRateLimited) {
				t.Errorf("error = %v, want ErrRateLimited", err)
			}
			checkRequests(t, srv, 3, 1)
			checkCreations(t, srv, op, 0)
		})
	}
}

func TestFault429RetryAfterTooLong(t *testing.T) {
	checkNoLeaks(t)
	seconds := apiErrorStep(http.StatusTooManyRequests, "RATE_LIMIT_EXCEEDED", map[string]string{"Retry-After": "120"})
	date := apiErrorStep(http.StatusTooManyRequests, "RATE_LIMIT_EXCEEDED", nil)
	date.retryAfterDate = 2 * time.Minute
	forms := []struct {
		name  string
		step  step
		least time.Duration // the date has whole seconds and ages in transit
	}{
		{"seconds", seconds, 120 * time.Second},
		{"date", date, 110 * time.Second},
	}

	for _, form := range forms {
		for _, op := range getAndPost {
			t.Run(form.name+" "+op.name, func(t *testing.T) {
				t.Parallel()
				srv := newWireServer(t, form.step, step{})
				// The default cap of 60s, below the server's wait.
				client, _ := newFaultClient(t, srv.URL, redcore.WithMaxRetryWait(time.Minute))

				err := op.call(context.Background(), client)

				if !errors.Is(err, redcore.ErrRateLimited) {
					t.Fatalf("error = %v, want ErrRateLimited at once", err)
				}
				var apiErr *redcore.APIError
				if !errors.As(err, &apiErr) {
					t.Fatalf("error %T is not an *APIError", err)
				}
				if apiErr.RetryAfter < form.least || apiErr.RetryAfter > 120*time.Second {
					t.Errorf("RetryAfter = %s, want the server's wait of about 2m", apiErr.RetryAfter)
				}
				checkRequests(t, srv, 1, 1)
				checkCreations(t, srv, op, 0)
			})
		}
	}
}

func TestFault500(t *testing.T) {
	checkNoLeaks(t)
	runServerErrorRow(t, apiErrorStep(http.StatusInternalServerError, "INTERNAL_ERROR", nil), "INTERNAL_ERROR")
}

func TestFault502HTML(t *testing.T) {
	checkNoLeaks(t)
	page := step{
		status: http.StatusBadGateway,
		header: map[string]string{"Content-Type": "text/html; charset=utf-8"},
		body:   "<html><head><title>502 Bad Gateway</title></head><body><h1>502 Bad Gateway</h1><hr>proxy</body></html>\n",
	}
	runServerErrorRow(t, page, "")
}

func TestFault503(t *testing.T) {
	checkNoLeaks(t)
	runServerErrorRow(t, apiErrorStep(http.StatusServiceUnavailable, "SERVICE_UNAVAILABLE", nil), "SERVICE_UNAVAILABLE")
}

func TestFault504(t *testing.T) {
	checkNoLeaks(t)
	timeout := step{status: http.StatusGatewayTimeout, header: map[string]string{"Content-Type": "text/plain"}, body: "upstream timed out"}
	runServerErrorRow(t, timeout, "")
}

// runServerErrorRow checks a GET and a POST against a server that responds
// with failure once and then succeeds, and against one that always fails. The failure is retried on the same connection, and the last one
// becomes an *APIError with its status and code, which is empty for a body
// that is not the API's JSON error.
func runServerErrorRow(t *testing.T, failure step, code string) {
	for _, op := range getAndPost {
		t.Run(op.name+" recovers", func(t *testing.T) {
			t.Parallel()
			srv := newWireServer(t, failure, step{})
			client, _ := newFaultClient(t, srv.URL)

			if err := op.call(context.Background(), client); err != nil {
				t.Fatalf("%s: %v", op.name, err)
			}
			checkRequests(t, srv, 2, 1)
			checkCreations(t, srv, op, 1)
		})
		t.Run(op.name+" persists", func(t *testing.T) {
			t.Parallel()
			srv := newWireServer(t, failure)
			client, _ := newFaultClient(t, srv.URL)

			err := op.call(context.Background(), client)

			var apiErr *redcore.APIError
			if !errors.As(err, &apiErr) {
				t.Fatalf("error = %v (%T), want an *APIError", err, err)
			}
			if apiErr.StatusCode != failure.status {
				t.Errorf("StatusCode = %d, want %d", apiErr.StatusCode, failure.status)
			}
			if apiErr.Code != code {
				t.Errorf("Code = %q, want %q", apiErr.Code, code)
			}
			if code == "" && !strings.Contains(apiErr.Message, failure.header["Content-Type"]) {
				t.Errorf("Message = %q, want the content type %q named", apiErr.Message, failure.header["Content-Type"])
			}
			checkRequests(t, srv, 3, 1)
			checkCreations(t, srv, op, 0)
		})
	}
}
