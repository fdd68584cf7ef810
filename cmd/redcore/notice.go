package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"sync"
	"time"
)

// retryRecord is the message of the client's log record before each retry
// wait, which the doc of redcore.WithLogger gives.
const retryRecord = "redcore: retrying request"

// retryNotices is a slog.Handler for the client's logger. It prints each
// retry record as one plain line, such as "rate limited (429); retrying in
// 20s (attempt 2 of 3)", so that a command waiting on a 429 does not look
// stuck, and passes every other record to next, the -v log, if set.
type retryNotices struct {
	w io.Writer
	// next receives the records other than retries. When it is nil, they
	// are dropped.
	next slog.Handler
	// terminal makes each line first erase the line the cursor is on, where
	// the progress of --all may stand.
	terminal bool
	mu       *sync.Mutex
}

func newRetryNotices(w io.Writer, next slog.Handler, terminal bool) *retryNotices {
	return &retryNotices{w: w, next: next, terminal: terminal, mu: &sync.Mutex{}}
}

// Enabled reports whether records of level are handled: retries are info
// records, and next decides for the others.
func (h *retryNotices) Enabled(ctx context.Context, level slog.Level) bool {
	return level >= slog.LevelInfo || (h.next != nil && h.next.Enabled(ctx, level))
}

// Handle prints a retry record as a notice line and passes other records
// to next.
func (h *retryNotices) Handle(ctx context.Context, r slog.Record) error {
	if r.Message != retryRecord {
		if h.next == nil || !h.next.Enabled(ctx, r.Level) {
			return nil
		}
		return h.next.Handle(ctx, r)
	}

	line := retryNotice(r)
	if h.terminal {
		line = "\r\x1b[K" + line
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	_, err := io.WriteString(h.w, line+"\n")
	return err
}

// WithAttrs returns a handler whose next handler has attrs.
func (h *retryNotices) WithAttrs(attrs []slog.Attr) slog.Handler {
	out := *h
	if h.next != nil {
		out.next = h.next.WithAttrs(attrs)
	}
	return &out
}

// WithGroup returns a handler whose next handler opens group.
func (h *retryNotices) WithGroup(name string) slog.Handler {
	out := *h
	if h.next != nil {
		out.next = h.next.WithGroup(name)
	}
	return &out
}

// retryNotice formats a retry record as "rate limited (429); retrying in
// 20s (attempt 2 of 3)".
func retryNotice(r slog.Record) string {
	var (
		status, attempt, maxAttempts int64
		wait                         time.Duration
		cause                        string
	)
	r.Attrs(func(a slog.Attr) bool {
		switch a.Key {
		case "status":
			status = a.Value.Int64()
		case "attempt":
			attempt = a.Value.Int64()
		case "max_attempts":
			maxAttempts = a.Value.Int64()
		case "wait":
			wait = a.Value.Duration()
		case "error":
			cause = a.Value.String()
		}
		return true
	})

	var reason string
	switch {
	case status == 429:
		reason = "rate limited (429)"
	case status != 0:
		reason = fmt.Sprintf("server error (%d)", status)
	default:
		// A transport error reads `Get "URL": dial tcp ADDR: connect:
		// connection refused`, whose last part is the plain cause.
		reason = "network error"
		if i := strings.LastIndex(cause, ": "); i >= 0 {
			cause = cause[i+2:]
		}
		if cause != "" {
			reason += " (" + oneLine(cause) + ")"
		}
	}
	return fmt.Sprintf("%s; retrying in %s (attempt %d of %d)",
		reason, wait.Round(100*time.Millisecond), attempt, maxAttempts)
}
