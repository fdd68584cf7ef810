package test

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net"
	"net/http"
	"syscall"
	"testing"
	"time"

	"github.com/redcore/redcore-go/redcore"
)

// The tests in this file break the connection itself, at each point of a
// request's life.

func TestFaultConnectionRefused(t *testing.T) {
	checkNoLeaks(t)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	closedURL := "http://" + ln.Addr().String() + "/v1"
	_ = ln.Close()

	for _, op := range getAndPost {
		t.Run(op.name, func(t *testing.T) {
			t.Parallel()
			client, log := newFaultClient(t, closedURL)

			err := op.call(context.Background(), client)

			if !errors.Is(err, syscall.ECONNREFUSED) {
				t.Errorf("error = %v, want ECONNREFUSED", err)
			}
			if got := log.Attempts(); got != 3 {
				t.Errorf("attempts = %d, want 3 (the default of 2 retries)", got)
			}
		})
	}
}

func TestFaultResetBeforeRead(t *testing.T) {
	checkNoLeaks(t)
	for _, op := range getAndPost {
		t.Run(op.name+" recovers", func(t *testing.T) {
			t.Parallel()
			srv := newWireServer(t, step{fault: resetBeforeRead}, step{})
			client, log := newFaultClient(t, srv.URL)

			if err := op.call(context.Background(), client); err != nil {
				t.Fatalf("%s: %v", op.name, err)
			}
			if got := log.Attempts(); got != 2 {
				t.Errorf("attempts = %d, want 2", got)
			}
			// The reset request was never read, so only the retry counts.
			checkRequests(t, srv, 1, 2)
			checkCreations(t, srv, op, 1)
		})
		t.Run(op.name+" persists", func(t *testing.T) {
			t.Parallel()
			srv := newWireServer(t, step{fault: resetBeforeRead})
			client, log := newFaultClient(t, srv.URL)

			err := op.call(context.Background(), client)

			// A reset that arrives while the request is still being written
			// fails the write instead of the read.
			if !errors.Is(err, syscall.ECONNRESET) && !errors.Is(err, syscall.EPIPE) {
				t.Errorf("error = %v, want ECONNRESET or EPIPE", err)
			}
			if got := log.Attempts(); got != 3 {
				t.Errorf("attempts = %d, want 3", got)
			}
			checkRequests(t, srv, 0, 3)
		})
	}
}

func TestFaultResetAfterApply(t *testing.T) {
	checkNoLeaks(t)
	for _, op := range getAndPost {
		t.Run(op.name, func(t *testing.T) {
			t.Parallel()
			srv := newWireServer(t, step{fault: resetAfterApply}, step{})
			client, _ := newFaultClient(t, srv.URL)

			if err := op.call(context.Background(), client); err != nil {
				t.Fatalf("%s: %v", op.name, err)
			}
			checkRequests(t, srv, 2, 2)
			// The retry carries the key of the applied attempt, so the
			// server replays instead of creating a second user.
			checkCreations(t, srv, op, 1)
		})
	}
}

func TestFaultBodyCut(t *testing.T) {
	checkNoLeaks(t)
	for _, op := range getAndPost {
		t.Run(op.name, func(t *testing.T) {
			t.Parallel()
			srv := newWireServer(t, step{fault: cutBody}, step{})
			client, _ := newFaultClient(t, srv.URL)

			err := op.call(context.Background(), client)

			// The status arrived, so the transport does not retry: the
			// body is read after the retry loop has returned.
			if !errors.Is(err, io.ErrUnexpectedEOF) {
				t.Errorf("error = %v, want one wrapping io.ErrUnexpectedEOF", err)
			}
			var apiErr *redcore.APIError
			if errors.As(err, &apiErr) {
				t.Errorf("error is an *APIError %v, want a read error", apiErr)
			}
			checkRequests(t, srv, 1, 1)
			checkCreations(t, srv, op, 1)
		})
	}
}

func TestFaultTruncatedJSON(t *testing.T) {
	checkNoLeaks(t)
	for _, op := range getAndPost {
		t.Run(op.name, func(t *testing.T) {
			t.Parallel()
			truncated := step{
				status: op.success,
				header: map[string]string{"Content-Type": "application/json"},
				body:   wireUserJSON[:len(wireUserJSON)/2],
			}
			srv := newWireServer(t, truncated, step{})
			client, _ := newFaultClient(t, srv.URL)

			err := op.call(context.Background(), client)

			var syntaxErr *json.SyntaxError
			if !errors.As(err, &syntaxErr) {
				t.Errorf("error = %v (%T), want one wrapping *json.SyntaxError", err, err)
			}
			checkRequests(t, srv, 1, 1)
			checkCreations(t, srv, op, 1)
		})
	}
}

func TestFault204JSONNoBody(t *testing.T) {
	checkNoLeaks(t)
	empty := step{status: http.StatusNoContent, header: map[string]string{"Content-Type": "application/json"}}
	tests := []struct {
		op      operation
		success bool // a 204 is the success response of DELETE only
	}{
		{getUser, false},
		{createUser, false},
		{deleteUser, true},
	}
	for _, tt := range tests {
		t.Run(tt.op.name, func(t *testing.T) {
			t.Parallel()
			srv := newWireServer(t, empty)
			client, _ := newFaultClient(t, srv.URL)

			err := tt.op.call(context.Background(), client)

			var syntaxErr *json.SyntaxError
			switch {
			case tt.success && err != nil:
				t.Errorf("%s: %v", tt.op.name, err)
			case !tt.success && !errors.As(err, &syntaxErr):
				t.Errorf("error = %v (%T), want one wrapping *json.SyntaxError for a missing body", err, err)
			}
			checkRequests(t, srv, 1, 1)
			checkCreations(t, srv, tt.op, 1)
		})
	}
}

func TestFaultHang(t *testing.T) {
	checkNoLeaks(t)
	for _, op := range getAndPost {
		t.Run(op.name, func(t *testing.T) {
			t.Parallel()
			srv := newWireServer(t, step{fault: hang})
			client, _ := newFaultClient(t, srv.URL)
			ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
			defer cancel()

			err := op.call(ctx, client)

			if !errors.Is(err, context.DeadlineExceeded) {
				t.Errorf("error = %v, want context.DeadlineExceeded", err)
			}
			checkRequests(t, srv, 1, 1)
			checkCreations(t, srv, op, 1)
		})
	}
}
