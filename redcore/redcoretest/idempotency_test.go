package redcoretest

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/redcore/redcore-go/api"
)

const bobBody = `{"email":"bob@example.com","name":"Bob Smith","role":"editor"}`

func TestIdempotencyReplay(t *testing.T) {
	h := newHarness(t, WithIDGenerator(counterIDs()))
	first := h.do("POST", "/users", bobBody, "Idempotency-Key", "k1")
	second := h.do("POST", "/users", bobBody, "Idempotency-Key", "k1")

	t.Run("status", func(t *testing.T) {
		if second.status != http.StatusCreated {
			t.Errorf("status = %d, want 201", second.status)
		}
	})
	t.Run("body", func(t *testing.T) {
		if string(second.body) != string(first.body) {
			t.Errorf("body = %s, want %s", second.body, first.body)
		}
	})
	t.Run("location", func(t *testing.T) {
		if got := second.header.Get("Location"); got != "/v1/users/usr_00001" {
			t.Errorf("Location = %q, want /v1/users/usr_00001", got)
		}
	})
	t.Run("own request id", func(t *testing.T) {
		if second.header.Get(headerRequestID) == first.header.Get(headerRequestID) {
			t.Error("replay has the first request's X-Request-Id")
		}
	})
	t.Run("work done once", func(t *testing.T) {
		if got := len(h.srv.Handler().Invitations()); got != 1 {
			t.Errorf("%d invitations, want 1", got)
		}
	})
	t.Run("per token", func(t *testing.T) {
		other := newHarness(t, WithGrant("a", "", AllScopes...), WithGrant("b", "", AllScopes...))
		other.do("POST", "/users", bobBody, "Idempotency-Key", "k1", "Authorization", "Bearer a")
		r := other.do("POST", "/users", bobBody, "Idempotency-Key", "k1", "Authorization", "Bearer b")
		if code := r.errorBody(t).Code; code != api.DUPLICATEEMAIL {
			t.Errorf("second token's code = %s, want DUPLICATE_EMAIL (its own request, not a replay)", code)
		}
	})
}

func TestIdempotencyReuse(t *testing.T) {
	h := newHarness(t)
	h.do("POST", "/users", bobBody, "Idempotency-Key", "k1")
	tests := []struct {
		name   string
		method string
		path   string
		body   string
	}{
		{"other body", "POST", "/users", `{"email":"carol@example.com","name":"Carol","role":"editor"}`},
		{"other method and path", "DELETE", "/users/usr_98765", ""},
		{"other path", "PATCH", "/users/usr_98765", bobBody},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := h.do(tt.method, tt.path, tt.body, "Idempotency-Key", "k1")
			if r.status != http.StatusConflict {
				t.Fatalf("status = %d, want 409", r.status)
			}
			if code := r.errorBody(t).Code; code != api.IDEMPOTENCYKEYREUSED {
				t.Errorf("code = %s, want IDEMPOTENCY_KEY_REUSED", code)
			}
		})
	}
	t.Run("alice kept", func(t *testing.T) {
		if got := h.do("GET", "/users/usr_98765", "").status; got != http.StatusOK {
			t.Errorf("status = %d, want 200", got)
		}
	})
}

func TestIdempotencyKeyRejects(t *testing.T) {
	h := newHarness(t)
	for _, key := range []string{strings.Repeat("k", 256)} {
		r := h.do("POST", "/users", bobBody, "Idempotency-Key", key)
		if r.status != http.StatusBadRequest {
			t.Fatalf("status = %d, want 400", r.status)
		}
		if got := detailFields(r.errorBody(t)); len(got) != 1 || got[0] != "Idempotency-Key" {
			t.Errorf("detail fields = %v, want [Idempotency-Key]", got)
		}
	}
	if got := h.do("POST", "/users", bobBody, "Idempotency-Key", strings.Repeat("k", 255)).status; got != http.StatusCreated {
		t.Errorf("255-character key: status = %d, want 201", got)
	}
}

func TestIdempotencyRecords4xx(t *testing.T) {
	h := newHarness(t)
	alice := `{"email":"alice@example.com","name":"Alice","role":"admin"}`
	first := h.do("POST", "/users", alice, "Idempotency-Key", "dup")
	h.do("DELETE", "/users/usr_98765", "")
	second := h.do("POST", "/users", alice, "Idempotency-Key", "dup")

	t.Run("replayed status", func(t *testing.T) {
		if second.status != http.StatusConflict {
			t.Errorf("status = %d, want the recorded 409", second.status)
		}
	})
	t.Run("request id rewritten", func(t *testing.T) {
		e := second.errorBody(t)
		if e.RequestId == first.errorBody(t).RequestId {
			t.Error("replayed error has the first request's request_id")
		}
	})
}

func TestIdempotencyExpiry(t *testing.T) {
	clock := newFixedClock()
	h := newHarness(t, WithClock(clock.Now))
	h.do("DELETE", "/users/usr_98765", "", "Idempotency-Key", "del")

	clock.Advance(24*time.Hour - time.Second)
	if got := h.do("DELETE", "/users/usr_98765", "", "Idempotency-Key", "del").status; got != http.StatusNoContent {
		t.Errorf("before 24 h: status = %d, want the recorded 204", got)
	}
	clock.Advance(time.Second)
	if got := h.do("DELETE", "/users/usr_98765", "", "Idempotency-Key", "del").status; got != http.StatusNotFound {
		t.Errorf("after 24 h: status = %d, want 404 from running again", got)
	}
}

func TestIdempotencyBound(t *testing.T) {
	h := newHarness(t, withIdempotencyLimit(2))
	for _, key := range []string{"a", "b", "c"} {
		h.do("POST", "/users", `{"email":"`+key+`@example.com","name":"N","role":"viewer"}`, "Idempotency-Key", key)
	}
	t.Run("oldest evicted", func(t *testing.T) {
		r := h.do("POST", "/users", `{"email":"a2@example.com","name":"N","role":"viewer"}`, "Idempotency-Key", "a")
		if r.status != http.StatusCreated {
			t.Errorf("status = %d, want 201 for an evicted key", r.status)
		}
	})
	t.Run("newest kept", func(t *testing.T) {
		r := h.do("POST", "/users", `{"email":"c2@example.com","name":"N","role":"viewer"}`, "Idempotency-Key", "c")
		if r.status != http.StatusConflict {
			t.Errorf("status = %d, want 409", r.status)
		}
	})
}

func TestIdempotencyBoundKeepsRunningKey(t *testing.T) {
	store := newIdempotencyStore(1, time.Now)
	ctx := context.Background()
	fp := fingerprint("POST", "/v1/users", "", []byte(`{}`))

	running, err := store.begin(ctx, "token", "running", fp)
	if err != nil || running.entry == nil {
		t.Fatalf("begin running = %+v, %v; want a new entry", running, err)
	}
	if _, err := store.begin(ctx, "token", "next", fp); err != nil {
		t.Fatalf("begin next: %v", err)
	}

	// The first key is still running, so a repeat must wait for it rather
	// than start the write again.
	waitCtx, cancel := context.WithTimeout(ctx, 20*time.Millisecond)
	defer cancel()
	repeat, err := store.begin(waitCtx, "token", "running", fp)
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("repeat of a running key = %+v, %v; want it to wait until the deadline", repeat, err)
	}
}

func TestIdempotencyNotRecorded(t *testing.T) {
	var mu sync.Mutex
	fail := true
	ids := counterIDs()
	newID := func(prefix string) string {
		mu.Lock()
		defer mu.Unlock()
		if fail {
			fail = false
			panic("id generator failed")
		}
		return ids(prefix)
	}
	h := newHarness(t, WithIDGenerator(newID))

	if got := h.do("POST", "/users", bobBody, "Idempotency-Key", "k").status; got != http.StatusInternalServerError {
		t.Fatalf("first status = %d, want 500", got)
	}
	if got := h.do("POST", "/users", bobBody, "Idempotency-Key", "k").status; got != http.StatusCreated {
		t.Errorf("retry status = %d, want 201 because a 500 is not recorded", got)
	}
}

func TestIdempotencyRateLimitNotRecorded(t *testing.T) {
	clock := newFixedClock()
	h := newHarness(t, WithClock(clock.Now), WithRateLimit(1))
	h.do("GET", "/users?limit=1", "")
	if got := h.do("POST", "/users", bobBody, "Idempotency-Key", "k").status; got != http.StatusTooManyRequests {
		t.Fatalf("status = %d, want 429", got)
	}
	clock.Advance(time.Minute)
	if got := h.do("POST", "/users", bobBody, "Idempotency-Key", "k").status; got != http.StatusCreated {
		t.Errorf("retry status = %d, want 201", got)
	}
}

func TestIdempotencyConcurrentRepeat(t *testing.T) {
	entered := make(chan struct{})
	release := make(chan struct{})
	ids := counterIDs()
	var once sync.Once
	newID := func(prefix string) string {
		once.Do(func() {
			close(entered)
			<-release
		})
		return ids(prefix)
	}
	h := newHarness(t, WithIDGenerator(newID))
	waiting := make(chan struct{})
	store := h.srv.Handler().idempotency
	store.mu.Lock()
	store.onWait = func() { close(waiting) }
	store.mu.Unlock()

	results := make(chan result, 2)
	go func() {
		results <- h.doContext(context.Background(), "POST", "/users", bobBody, "Idempotency-Key", "k")
	}()
	<-entered
	go func() {
		results <- h.doContext(context.Background(), "POST", "/users", bobBody, "Idempotency-Key", "k")
	}()
	<-waiting
	close(release)

	a, b := <-results, <-results
	t.Run("both created", func(t *testing.T) {
		if a.status != http.StatusCreated || b.status != http.StatusCreated {
			t.Errorf("statuses = %d, %d, want 201, 201", a.status, b.status)
		}
	})
	t.Run("same body", func(t *testing.T) {
		if string(a.body) != string(b.body) {
			t.Errorf("bodies differ: %s and %s", a.body, b.body)
		}
	})
	t.Run("work done once", func(t *testing.T) {
		if got := len(h.srv.Handler().Invitations()); got != 1 {
			t.Errorf("%d invitations, want 1", got)
		}
	})
}

func TestIdempotencyCanonicalBody(t *testing.T) {
	h := newHarness(t, WithIDGenerator(counterIDs()))
	first := h.do("POST", "/users", bobBody, "Idempotency-Key", "k1")
	if first.status != http.StatusCreated {
		t.Fatalf("first: status = %d, want 201: %s", first.status, first.body)
	}

	same := []struct {
		name string
		body string
	}{
		{"keys reordered", `{"role":"editor","name":"Bob Smith","email":"bob@example.com"}`},
		{"white space", "{ \"email\" : \"bob@example.com\",\n  \"name\": \"Bob Smith\", \"role\": \"editor\" }\n"},
		{"escaped letters", `{"email":"bob@example.com","name":"Bob \u0053mith","role":"editor"}`},
	}
	for _, tt := range same {
		t.Run(tt.name, func(t *testing.T) {
			r := h.do("POST", "/users", tt.body, "Idempotency-Key", "k1")
			if r.status != http.StatusCreated {
				t.Fatalf("status = %d, want the recorded 201: %s", r.status, r.body)
			}
			if string(r.body) != string(first.body) {
				t.Errorf("body = %s, want %s", r.body, first.body)
			}
		})
	}

	t.Run("other value", func(t *testing.T) {
		r := h.do("POST", "/users", `{"role":"viewer","name":"Bob Smith","email":"bob@example.com"}`, "Idempotency-Key", "k1")
		if r.status != http.StatusConflict {
			t.Fatalf("status = %d, want 409", r.status)
		}
		e := r.errorBody(t)
		if e.Code != api.IDEMPOTENCYKEYREUSED {
			t.Errorf("code = %s, want IDEMPOTENCY_KEY_REUSED", e.Code)
		}
		want := `idempotency key "k1" was used before with a different method, path or body; send a new key for a new request`
		if e.Message != want {
			t.Errorf("message = %q, want %q", e.Message, want)
		}
		if e.Details != nil {
			t.Errorf("details = %v, want none", *e.Details)
		}
	})
	t.Run("invalid json compared as bytes", func(t *testing.T) {
		bad := `{"email":"x@example.com",`
		h.do("POST", "/users", bad, "Idempotency-Key", "k2")
		if r := h.do("POST", "/users", bad, "Idempotency-Key", "k2"); r.status != http.StatusBadRequest {
			t.Errorf("same bytes: status = %d, want the recorded 400", r.status)
		}
		if r := h.do("POST", "/users", bad+" ", "Idempotency-Key", "k2"); r.status != http.StatusConflict {
			t.Errorf("other bytes: status = %d, want 409", r.status)
		}
	})
	t.Run("duplicate keys compared as bytes", func(t *testing.T) {
		dup := `{"email":"y@example.com","name":"A","name":"B","role":"viewer"}`
		h.do("POST", "/users", dup, "Idempotency-Key", "k3")
		r := h.do("POST", "/users", `{"email":"y@example.com","name":"B","role":"viewer"}`, "Idempotency-Key", "k3")
		if r.status != http.StatusConflict {
			t.Errorf("status = %d, want 409 for a body that differs from the rejected one", r.status)
		}
	})
}
