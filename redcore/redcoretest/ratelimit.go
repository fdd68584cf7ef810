package redcoretest

import (
	"math"
	"net/http"
	"strconv"
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// rateLimiter limits each token to perMinute requests per minute with a
// token bucket from golang.org/x/time/rate. The bucket contains up to
// perMinute requests and refills at perMinute/60 a second. So a token may
// spend a whole minute's allowance at once, and then gets one request back
// every 60/perMinute seconds.
//
// The headers it reports follow from the bucket itself, which makes them
// true for it: X-RateLimit-Remaining is the number of whole requests left
// in the bucket, so that many sent at once succeed. X-RateLimit-Reset is
// when the bucket is full again, so X-RateLimit-Limit requests succeed
// from then on. Retry-After is the time until the bucket holds one request
// again, rounded up to whole seconds, so a retry after it succeeds unless
// another request of the same token took that place first.
type rateLimiter struct {
	perMinute int
	now       func() time.Time

	mu       sync.Mutex
	limiters map[string]*rate.Limiter
}

func newRateLimiter(perMinute int, now func() time.Time) *rateLimiter {
	if perMinute <= 0 {
		perMinute = DefaultRateLimit
	}
	return &rateLimiter{perMinute: perMinute, now: now, limiters: map[string]*rate.Limiter{}}
}

// rateDecision is the outcome of one request against the rate limit.
type rateDecision struct {
	allowed    bool
	limit      int
	remaining  int
	reset      time.Time
	retryAfter int
}

// allow takes one request from the bucket of tokenID, if it has one.
func (l *rateLimiter) allow(tokenID string) rateDecision {
	l.mu.Lock()
	defer l.mu.Unlock()

	perSecond := rate.Limit(float64(l.perMinute) / 60)
	lim := l.limiters[tokenID]
	if lim == nil {
		lim = rate.NewLimiter(perSecond, l.perMinute)
		l.limiters[tokenID] = lim
	}

	now := l.now()
	d := rateDecision{allowed: lim.AllowN(now, 1), limit: l.perMinute}
	tokens := lim.TokensAt(now)
	d.remaining = max(0, int(math.Floor(tokens)))
	untilFull := time.Duration((float64(l.perMinute) - tokens) / float64(perSecond) * float64(time.Second))
	d.reset = now.Add(untilFull)
	if !d.allowed {
		untilOne := (1 - tokens) / float64(perSecond)
		d.retryAfter = max(1, int(math.Ceil(untilOne)))
	}
	return d
}

// setHeaders sets the X-RateLimit headers of d on h.
func (d rateDecision) setHeaders(h http.Header) {
	h.Set("X-RateLimit-Limit", strconv.Itoa(d.limit))
	h.Set("X-RateLimit-Remaining", strconv.Itoa(d.remaining))
	reset := d.reset.Unix()
	if d.reset.Nanosecond() > 0 {
		reset++
	}
	h.Set("X-RateLimit-Reset", strconv.FormatInt(reset, 10))
}
