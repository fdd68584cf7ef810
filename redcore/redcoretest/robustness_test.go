package redcoretest

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/redcore/redcore-go/api"
	"github.com/redcore/redcore-go/redcore"
)

// syncBuffer is a bytes.Buffer safe for the concurrent writes of a logger.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// logRecords returns the JSON log records of buf.
func logRecords(t *testing.T, buf *syncBuffer) []map[string]any {
	t.Helper()
	var records []map[string]any
	for _, line := range strings.Split(strings.TrimSpace(buf.String()), "\n") {
		var rec map[string]any
		if err := json.Unmarshal([]byte(line), &rec); err != nil {
			t.Fatalf("decode log line %q: %v", line, err)
		}
		records = append(records, rec)
	}
	return records
}

func TestPanicRecovered(t *testing.T) {
	var logs syncBuffer
	newID := func(string) string { panic("secret internal detail") }
	h := newHarness(t, WithIDGenerator(newID), WithLogger(slog.New(slog.NewJSONHandler(&logs, nil))))

	r := h.do("POST", "/users", bobBody)
	t.Run("status", func(t *testing.T) {
		if r.status != http.StatusInternalServerError {
			t.Fatalf("status = %d, want 500", r.status)
		}
	})
	t.Run("code", func(t *testing.T) {
		if code := r.errorBody(t).Code; code != api.INTERNALERROR {
			t.Errorf("code = %s, want INTERNAL_ERROR", code)
		}
	})
	t.Run("no internal text", func(t *testing.T) {
		if strings.Contains(string(r.body), "secret") {
			t.Errorf("body %s shows the panic", r.body)
		}
	})
	t.Run("logged with request id", func(t *testing.T) {
		id := r.header.Get(headerRequestID)
		found := slices.ContainsFunc(logRecords(t, &logs), func(rec map[string]any) bool {
			return rec["msg"] == "panic recovered" && rec["request_id"] == id
		})
		if !found {
			t.Errorf("no panic record with request_id %s in %s", id, logs.String())
		}
	})
	t.Run("server still serves", func(t *testing.T) {
		if got := h.do("GET", "/users/usr_98765", "").status; got != http.StatusOK {
			t.Errorf("status = %d, want 200", got)
		}
	})
}

func TestOperationErrorHidden(t *testing.T) {
	// An id generator that repeats an existing id makes the store fail
	// with an error that is not an API error.
	h := newHarness(t, WithIDGenerator(func(string) string { return "usr_98765" }))
	r := h.do("POST", "/users", bobBody)
	if r.status != http.StatusInternalServerError {
		t.Fatalf("status = %d, want 500", r.status)
	}
	if msg := r.errorBody(t).Message; strings.Contains(msg, "usr_98765") {
		t.Errorf("message %q shows the internal error", msg)
	}
}

func TestWithoutValidationErrorHooks(t *testing.T) {
	h := newHarness(t, withoutValidation())
	tests := []struct {
		name   string
		method string
		path   string
		body   string
		fields []string
	}{
		{"query not integer", "GET", "/users?limit=abc", "", []string{"limit"}},
		{"limit out of range", "GET", "/products?limit=500", "", []string{"limit"}},
		{"malformed body", "POST", "/users", `{"email":`, []string{"body"}},
		{"invalid email", "POST", "/users", `{"email":"x","name":"X","role":"viewer"}`, []string{"email"}},
		{"empty update", "PATCH", "/users/usr_98765", `{}`, []string{"body"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := h.do(tt.method, tt.path, tt.body)
			if r.status != http.StatusBadRequest {
				t.Fatalf("status = %d, want 400: %s", r.status, r.body)
			}
			if got := detailFields(r.errorBody(t)); !slices.Equal(got, tt.fields) {
				t.Errorf("detail fields = %v, want %v", got, tt.fields)
			}
		})
	}
}

func TestConcurrentCreates(t *testing.T) {
	h := newHarness(t)
	const n = 50
	statuses := make(chan int, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			name := fmt.Sprintf("Bob %d", i)
			r := h.doContext(context.Background(), "POST", "/users", `{"email":"bob@example.com","name":"`+name+`","role":"viewer"}`)
			statuses <- r.status
		}()
	}
	wg.Wait()
	close(statuses)

	count := map[int]int{}
	for s := range statuses {
		count[s]++
	}
	if count[http.StatusCreated] != 1 {
		t.Errorf("%d responses are 201, want 1", count[http.StatusCreated])
	}
	if count[http.StatusConflict] != n-1 {
		t.Errorf("%d responses are 409, want %d", count[http.StatusConflict], n-1)
	}
}

func TestRequestLog(t *testing.T) {
	var logs syncBuffer
	h := newHarness(t, WithLogger(slog.New(slog.NewJSONHandler(&logs, nil))))
	r := h.do("POST", "/users", bobBody)

	records := logRecords(t, &logs)
	i := slices.IndexFunc(records, func(rec map[string]any) bool { return rec["msg"] == "request" })
	if i < 0 {
		t.Fatalf("no request record in %s", logs.String())
	}
	rec := records[i]
	want := map[string]any{
		"method":     "POST",
		"path":       "/v1/users",
		"status":     float64(201),
		"request_id": r.header.Get(headerRequestID),
	}
	for key, value := range want {
		t.Run(key, func(t *testing.T) {
			if rec[key] != value {
				t.Errorf("%s = %v, want %v", key, rec[key], value)
			}
		})
	}
	t.Run("duration", func(t *testing.T) {
		if _, ok := rec["duration"]; !ok {
			t.Error("no duration")
		}
	})
	t.Run("invitation", func(t *testing.T) {
		if !strings.Contains(logs.String(), `"msg":"invitation sent"`) {
			t.Errorf("no invitation record in %s", logs.String())
		}
	})
	t.Run("no token", func(t *testing.T) {
		if strings.Contains(logs.String(), h.srv.Token) {
			t.Error("log contains the token")
		}
	})
}

func TestServerClient(t *testing.T) {
	srv := NewServer(t)
	client := srv.Client()
	ctx := context.Background()

	t.Run("get", func(t *testing.T) {
		u, err := client.Users.Get(ctx, "usr_98765")
		if err != nil {
			t.Fatal(err)
		}
		if u.Name != "Alice Müller" {
			t.Errorf("name = %q, want Alice Müller", u.Name)
		}
	})
	t.Run("create", func(t *testing.T) {
		u, err := client.Users.Create(ctx, redcore.CreateUserParams{Email: "bob@example.com", Name: "Bob Smith", Role: redcore.RoleEditor})
		if err != nil {
			t.Fatal(err)
		}
		if u.Status != redcore.UserStatusPendingInvite {
			t.Errorf("status = %q, want pending_invite", u.Status)
		}
	})
}
