package redcore

import (
	"context"
	"crypto/rand"
	"errors"
	"io"
	"math"
	mathrand "math/rand/v2"
	"net"
	"net/http"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// Backoff bounds. The n-th retry waits a random time between zero and
// min(backoffBase * 2^(n-1), backoffCap): "full jitter", so that clients that
// failed together do not retry together.
const (
	backoffBase = 500 * time.Millisecond
	backoffCap  = 8 * time.Second
)

// maxDrainBytes bounds how much of a failed response body is read before it
// is closed. Reading the rest lets the connection be reused for the retry,
// and the bound keeps a huge error page from costing more than a new
// connection would.
const maxDrainBytes = 64 << 10

// maxIdempotencyKeyLen is the longest Idempotency-Key the API accepts.
const maxIdempotencyKeyLen = 255

// isRetryableStatus reports whether a response status is worth another
// attempt: a rate limit or a server-side failure that may pass. Other 4xx
// statuses would fail the same way again.
func isRetryableStatus(status int) bool {
	switch status {
	case http.StatusTooManyRequests,
		http.StatusInternalServerError,
		http.StatusBadGateway,
		http.StatusServiceUnavailable,
		http.StatusGatewayTimeout:
		return true
	}
	return false
}

// isRetryableError reports whether a transport error may pass on another
// attempt: a refused or reset connection, a connection closed before the
// response (EOF) or a network timeout. A cancelled or expired context is
// final, and so are errors such as an invalid certificate.
func isRetryableError(err error) bool {
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return false
	}
	if errors.Is(err, syscall.ECONNREFUSED) || errors.Is(err, syscall.ECONNRESET) || errors.Is(err, syscall.EPIPE) {
		return true
	}
	if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
		return true
	}
	var netErr net.Error
	return errors.As(err, &netErr) && netErr.Timeout()
}

// isRetryableMethod reports whether a request may be sent again. GET, HEAD,
// OPTIONS, PUT and DELETE are idempotent by definition. POST and PATCH are
// retried only with an Idempotency-Key, because the server uses the key to
// do the work once. The client adds a key to every POST, PATCH and DELETE.
func isRetryableMethod(req *http.Request) bool {
	switch req.Method {
	case http.MethodGet, http.MethodHead, http.MethodOptions, http.MethodPut, http.MethodDelete:
		return true
	}
	return req.Header.Get("Idempotency-Key") != ""
}

// needsIdempotencyKey reports whether the client adds an Idempotency-Key to
// a request: the API accepts one on every method that changes data.
func needsIdempotencyKey(method string) bool {
	return method == http.MethodPost || method == http.MethodPatch || method == http.MethodDelete
}

// backoff returns the wait before retry number retry (1 for the first),
// drawn by jitter from [0, min(backoffBase * 2^(retry-1), backoffCap)].
func backoff(retry int, jitter func(time.Duration) time.Duration) time.Duration {
	ceiling := backoffCap
	if retry < 16 {
		ceiling = min(backoffBase<<(retry-1), backoffCap)
	}
	return jitter(ceiling)
}

// fullJitter returns a uniformly random duration in [0, ceiling].
func fullJitter(ceiling time.Duration) time.Duration {
	if ceiling <= 0 {
		return 0
	}
	return mathrand.N(ceiling + 1)
}

// parseRetryAfter reads a Retry-After header value, either whole seconds
// ("120") or an HTTP-date ("Fri, 04 Dec 2026 21:00:00 GMT", and the two
// obsolete date forms HTTP/1.1 still accepts). A date in the past means no
// wait. It reports false for an empty or malformed value, so that the
// caller falls back to its own backoff.
func parseRetryAfter(value string, now time.Time) (time.Duration, bool) {
	value = strings.TrimSpace(value)
	if value == "" {
		return 0, false
	}

	if isDigits(value) {
		seconds, err := strconv.ParseInt(value, 10, 64)
		if err != nil || seconds > math.MaxInt64/int64(time.Second) {
			// Only a number too large for int64 nanoseconds gets here: a
			// wait that long is beyond any retry wait.
			return time.Duration(math.MaxInt64), true
		}
		return time.Duration(seconds) * time.Second, true
	}

	date, err := http.ParseTime(value)
	if err != nil {
		return 0, false
	}
	return max(date.Sub(now), 0), true
}

// isDigits reports whether s is made of ASCII digits only.
func isDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}

// sleepContext waits for d or until ctx is done, whichever comes first, and
// returns the context's error in the second case.
func sleepContext(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	timer := time.NewTimer(d)
	defer timer.Stop()

	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-timer.C:
		return nil
	}
}

// outlastsDeadline reports whether waiting d from now would end after the
// context's deadline. Such a wait is not started, because the retry after
// it could not be sent.
func outlastsDeadline(ctx context.Context, now time.Time, d time.Duration) bool {
	deadline, ok := ctx.Deadline()
	return ok && now.Add(d).After(deadline)
}

// drainAndClose reads at most maxDrainBytes of body and closes it, so that
// the connection goes back to the pool for the next attempt. It reads up to
// one byte more, because a body of exactly maxDrainBytes reports its end
// only on the read after its last byte.
func drainAndClose(body io.ReadCloser) {
	_, _ = io.CopyN(io.Discard, body, maxDrainBytes+1)
	_ = body.Close()
}

type idempotencyKeyContextKey struct{}

// ContextWithIdempotencyKey returns a copy of ctx that makes the client send
// key as the Idempotency-Key of the POST, PATCH or DELETE made with it,
// instead of a key of its own. Use it to retry a call across processes: the
// server replays the recorded response of a finished request with the same
// key, method, path and body for 24 hours. Every call made with the
// returned context sends the same key, so derive one context per call: a
// second call with another body gets ErrIdempotencyKeyReused. The key must
// be 1 to 255 characters, and an empty key means the client makes one.
func ContextWithIdempotencyKey(ctx context.Context, key string) context.Context {
	return context.WithValue(ctx, idempotencyKeyContextKey{}, key)
}

// idempotencyKeyFromContext returns the key set by ContextWithIdempotencyKey.
func idempotencyKeyFromContext(ctx context.Context) string {
	key, _ := ctx.Value(idempotencyKeyContextKey{}).(string)
	return key
}

// newIdempotencyKey returns a random key of 26 base32 characters (130
// bits), so that two calls practically never share a key.
func newIdempotencyKey() string {
	return rand.Text()
}
