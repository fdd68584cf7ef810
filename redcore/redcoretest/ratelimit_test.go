package redcoretest

import (
	"net/http"
	"strconv"
	"testing"
	"time"

	"github.com/redcore/redcore-go/api"
)

func TestRateLimit(t *testing.T) {
	clock := newFixedClock()
	h := newHarness(t, WithClock(clock.Now), WithRateLimit(2), WithGrant("a", "", AllScopes...), WithGrant("b", "", AllScopes...))
	asA := []string{"Authorization", "Bearer a"}

	h.do("GET", "/users/usr_98765", "", asA...)
	h.do("GET", "/users/usr_98765", "", asA...)
	limited := h.do("GET", "/users/usr_98765", "", asA...)

	t.Run("status", func(t *testing.T) {
		if limited.status != http.StatusTooManyRequests {
			t.Fatalf("status = %d, want 429", limited.status)
		}
	})
	t.Run("code", func(t *testing.T) {
		if code := limited.errorBody(t).Code; code != api.RATELIMITEXCEEDED {
			t.Errorf("code = %s, want RATE_LIMIT_EXCEEDED", code)
		}
	})
	t.Run("retry after", func(t *testing.T) {
		// Two a minute refill one request every 30 s.
		if got := limited.header.Get("Retry-After"); got != "30" {
			t.Errorf("Retry-After = %q, want 30", got)
		}
	})
	t.Run("remaining", func(t *testing.T) {
		if got := limited.header.Get("X-RateLimit-Remaining"); got != "0" {
			t.Errorf("X-RateLimit-Remaining = %q, want 0", got)
		}
	})
	t.Run("reset", func(t *testing.T) {
		want := strconv.FormatInt(clock.Now().Add(time.Minute).Unix(), 10)
		if got := limited.header.Get("X-RateLimit-Reset"); got != want {
			t.Errorf("X-RateLimit-Reset = %q, want %q", got, want)
		}
	})
	t.Run("other token", func(t *testing.T) {
		if got := h.do("GET", "/users/usr_98765", "", "Authorization", "Bearer b").status; got != http.StatusOK {
			t.Errorf("status = %d, want 200", got)
		}
	})
	t.Run("after retry after", func(t *testing.T) {
		clock.Advance(30 * time.Second)
		r := h.do("GET", "/users/usr_98765", "", asA...)
		if r.status != http.StatusOK {
			t.Fatalf("status = %d, want 200", r.status)
		}
		if got := r.header.Get("X-RateLimit-Remaining"); got != "0" {
			t.Errorf("X-RateLimit-Remaining = %q, want 0", got)
		}
	})
}

func TestRateLimitRetryAfterRoundsUp(t *testing.T) {
	clock := newFixedClock()
	h := newHarness(t, WithClock(clock.Now), WithRateLimit(7))
	for range 7 {
		h.do("GET", "/users?limit=1", "")
	}
	r := h.do("GET", "/users?limit=1", "")
	// 7 a minute refill one request every 8.57 s.
	if got := r.header.Get("Retry-After"); got != "9" {
		t.Errorf("Retry-After = %q, want 9", got)
	}
}

func TestRateLimitDefault(t *testing.T) {
	h := newHarness(t)
	r := h.do("GET", "/users?limit=1", "")
	if got := r.header.Get("X-RateLimit-Limit"); got != "1000" {
		t.Errorf("X-RateLimit-Limit = %q, want 1000", got)
	}
}
