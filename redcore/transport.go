package redcore

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"time"

	"golang.org/x/time/rate"
)

// retryMessage is the message of the info record logged before each retry
// wait. WithLogger lists its attributes.
const retryMessage = "redcore: retrying request"

// transport is the http.RoundTripper under every request of a Client, the
// generated client's included. It adds the token, the User-Agent and an
// Idempotency-Key, paces requests, and retries failed attempts.
//
// It works below http.Client, so that a redirect followed by http.Client
// comes back through RoundTrip as a new request: the token is added only
// when that request goes to the base URL's origin.
type transport struct {
	next         http.RoundTripper // nil means http.DefaultTransport
	origin       string            // scheme://host:port of the base URL
	scheme, host string            // the base URL's, as parsed
	bearer       string            // "Bearer " and the token
	userAgent    string
	maxRetries   int
	maxRetryWait time.Duration
	limiter      *rate.Limiter // nil means no pacing
	logger       *slog.Logger

	// Hooks that tests replace to observe waits without sleeping.
	sleep  func(ctx context.Context, d time.Duration) error
	jitter func(ceiling time.Duration) time.Duration
	now    func() time.Time
}

func newTransport(cfg config, base *url.URL) *transport {
	logger := cfg.logger
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	return &transport{
		origin:       originOf(base),
		scheme:       base.Scheme,
		host:         base.Host,
		bearer:       "Bearer " + cfg.token,
		userAgent:    userAgent(cfg.userAgent),
		maxRetries:   cfg.maxRetries,
		maxRetryWait: cfg.maxRetryWait,
		limiter:      newLimiter(cfg.perMinute),
		logger:       logger,
		sleep:        sleepContext,
		jitter:       fullJitter,
		now:          time.Now,
	}
}

// originOf returns the origin of u as scheme://host:port, with the default
// port filled in, so that "https://h" and "https://h:443" compare equal.
func originOf(u *url.URL) string {
	port := u.Port()
	if port == "" {
		port = "80"
		if u.Scheme == "https" {
			port = "443"
		}
	}
	return strings.ToLower(u.Scheme) + "://" + strings.ToLower(u.Hostname()) + ":" + port
}

// toBase reports whether u goes to the base URL's origin. A URL with the
// base URL's scheme and host, as the client's own requests have, matches
// without building its origin.
func (t *transport) toBase(u *url.URL) bool {
	if u.Scheme == t.scheme && u.Host == t.host {
		return true
	}
	return originOf(u) == t.origin
}

// RoundTrip sends req, retrying it as the retry rules allow, and returns the
// last response or error. A response that is not retried is returned
// unread, whatever its status.
func (t *transport) RoundTrip(req *http.Request) (*http.Response, error) {
	ctx := req.Context()

	body, err := readRequestBody(req)
	if err != nil {
		return nil, err
	}
	prepared, err := t.prepare(req)
	if err != nil {
		return nil, err
	}

	for attempt := 1; ; attempt++ {
		if t.limiter != nil {
			if err := t.limiter.Wait(ctx); err != nil {
				return nil, fmt.Errorf("redcore: waiting for the client rate limit: %w", err)
			}
		}

		started := t.now()
		resp, err := t.send(prepared, body, attempt)
		t.logAttempt(ctx, prepared, attempt, resp, err, t.now().Sub(started))

		wait, retry := t.retryWait(prepared, attempt, resp, err)
		if !retry {
			return resp, err
		}

		attrs := []slog.Attr{
			slog.String("method", prepared.Method),
			slog.String("path", prepared.URL.EscapedPath()),
			slog.Int("attempt", attempt+1),
			slog.Int("max_attempts", t.maxRetries+1),
			slog.Duration("wait", wait),
		}
		if resp != nil {
			attrs = append(attrs, slog.String("reason", resp.Status), slog.Int("status", resp.StatusCode))
			drainAndClose(resp.Body)
		} else {
			attrs = append(attrs, slog.String("reason", "transport error"), slog.String("error", err.Error()))
		}
		t.logger.LogAttrs(ctx, slog.LevelInfo, retryMessage, attrs...)
		if err := t.sleep(ctx, wait); err != nil {
			return nil, fmt.Errorf("redcore: retry wait of %s after attempt %d: %w", wait, attempt, err)
		}
	}
}

// prepare returns a copy of req with the client's headers set. The token
// goes only to the base URL's origin, and is removed from a request to any
// other origin even when the caller set it.
//
// The copy shares req's URL and header values, which neither side changes:
// its header map is new, and each header the client sets gets a new slice.
func (t *transport) prepare(req *http.Request) (*http.Request, error) {
	out := new(http.Request)
	*out = *req
	out.Header = make(http.Header, len(req.Header)+4)
	for k, v := range req.Header {
		out.Header[k] = v
	}

	// One backing array for the three values, each slice capped at its
	// element so that an append by a later layer cannot reach the next.
	// The keys are canonical already, as Header.Set would make them.
	values := [...]string{t.bearer, t.userAgent, "application/json"}
	shared := values[:]
	if t.toBase(req.URL) {
		out.Header["Authorization"] = shared[0:1:1]
	} else {
		delete(out.Header, "Authorization")
	}
	out.Header["User-Agent"] = shared[1:2:2]
	if out.Header.Get("Accept") == "" {
		out.Header["Accept"] = shared[2:3:3]
	}

	if needsIdempotencyKey(req.Method) && out.Header.Get("Idempotency-Key") == "" {
		key := idempotencyKeyFromContext(req.Context())
		if key == "" {
			key = newIdempotencyKey()
		}
		out.Header.Set("Idempotency-Key", key)
	}
	if key := out.Header.Get("Idempotency-Key"); len(key) > maxIdempotencyKeyLen {
		return nil, fmt.Errorf("redcore: idempotency key of %d characters is longer than the maximum of %d", len(key), maxIdempotencyKeyLen)
	}
	return out, nil
}

// send makes one attempt with a fresh reader over body, so that every
// attempt sends the same bytes. The first attempt of a request without a
// body sends req itself; any other gets a copy of its own.
func (t *transport) send(req *http.Request, body []byte, attempt int) (*http.Response, error) {
	out := req
	if body != nil || attempt > 1 {
		out = new(http.Request)
		*out = *req
	}
	if body != nil {
		out.Body = io.NopCloser(bytes.NewReader(body))
		out.GetBody = func() (io.ReadCloser, error) {
			return io.NopCloser(bytes.NewReader(body)), nil
		}
		out.ContentLength = int64(len(body))
	}

	next := t.next
	if next == nil {
		next = http.DefaultTransport
	}
	return next.RoundTrip(out)
}

// retryWait decides whether the attempt that gave resp or err is retried,
// and after how long. It declines when the retries are used up, the method
// is not safe to repeat, the failure is final, the server's Retry-After is
// beyond maxRetryWait, or the wait would outlast the context's deadline.
func (t *transport) retryWait(req *http.Request, attempt int, resp *http.Response, err error) (time.Duration, bool) {
	if attempt > t.maxRetries || !isRetryableMethod(req) {
		return 0, false
	}
	if req.Context().Err() != nil {
		return 0, false
	}

	var wait time.Duration
	switch {
	case err != nil:
		if !isRetryableError(err) {
			return 0, false
		}
		wait = min(backoff(attempt, t.jitter), t.maxRetryWait)
	case !isRetryableStatus(resp.StatusCode):
		return 0, false
	default:
		serverWait, ok := parseRetryAfter(resp.Header.Get("Retry-After"), t.now())
		if ok && serverWait > t.maxRetryWait {
			// Waiting less than the server asked would only earn another
			// 429, so the caller gets the error with its RetryAfter.
			return 0, false
		}
		wait = serverWait
		if !ok {
			wait = min(backoff(attempt, t.jitter), t.maxRetryWait)
		}
	}

	if outlastsDeadline(req.Context(), t.now(), wait) {
		return 0, false
	}
	return wait, true
}

// logAttempt writes the debug record of one attempt. It never logs headers,
// so the token stays out of the log.
func (t *transport) logAttempt(ctx context.Context, req *http.Request, attempt int, resp *http.Response, err error, took time.Duration) {
	if !t.logger.Enabled(ctx, slog.LevelDebug) {
		return
	}
	attrs := []slog.Attr{
		slog.String("method", req.Method),
		slog.String("path", req.URL.EscapedPath()),
		slog.Int("status", 0),
		slog.Int("attempt", attempt),
		slog.Duration("duration", took),
		slog.String("request_id", ""),
	}
	if resp != nil {
		attrs[2] = slog.Int("status", resp.StatusCode)
		attrs[5] = slog.String("request_id", resp.Header.Get("X-Request-Id"))
	}
	if err != nil {
		attrs = append(attrs, slog.String("error", err.Error()))
	}
	t.logger.LogAttrs(ctx, slog.LevelDebug, "redcore: request attempt", attrs...)
}

// readRequestBody reads and closes the body of req, so that every attempt
// can send the same bytes. It returns nil for a request without a body.
func readRequestBody(req *http.Request) ([]byte, error) {
	if req.Body == nil || req.Body == http.NoBody {
		return nil, nil
	}
	defer req.Body.Close()

	body, err := io.ReadAll(req.Body)
	if err != nil {
		return nil, fmt.Errorf("redcore: reading the request body: %w", err)
	}
	return body, nil
}
