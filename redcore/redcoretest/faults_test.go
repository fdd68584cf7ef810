package redcoretest

import (
	"errors"
	"io"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/redcore/redcore-go/api"
)

func TestFailRate(t *testing.T) {
	h := newHarness(t, WithFaults(1, 0, 1))
	r := h.do("POST", "/users", bobBody)

	t.Run("status", func(t *testing.T) {
		if r.status != http.StatusServiceUnavailable {
			t.Fatalf("status = %d, want 503", r.status)
		}
	})
	t.Run("code", func(t *testing.T) {
		if code := r.errorBody(t).Code; code != api.SERVICEUNAVAILABLE {
			t.Errorf("code = %s, want SERVICE_UNAVAILABLE", code)
		}
	})
	t.Run("nothing done", func(t *testing.T) {
		if got := len(h.srv.Handler().Invitations()); got != 0 {
			t.Errorf("%d invitations, want 0", got)
		}
	})
	t.Run("before auth", func(t *testing.T) {
		if got := h.do("GET", "/users", "", "Authorization", "").status; got != http.StatusServiceUnavailable {
			t.Errorf("status = %d, want 503", got)
		}
	})
}

func TestDropRate(t *testing.T) {
	srv := NewServer(t, WithFaults(0, 1, 1))
	req, _ := http.NewRequest("POST", srv.URL+"/users", strings.NewReader(bobBody))
	req.Header.Set("Authorization", "Bearer "+srv.Token)
	req.Header.Set("Content-Type", "application/json")

	resp, err := srv.server.Client().Do(req)
	if err == nil {
		resp.Body.Close()
		t.Fatalf("got a response %d, want the connection closed", resp.StatusCode)
	}
	t.Run("no response", func(t *testing.T) {
		if !errors.Is(err, io.EOF) && !strings.Contains(err.Error(), "EOF") {
			t.Errorf("error = %v, want EOF", err)
		}
	})
	t.Run("work done", func(t *testing.T) {
		if got := len(srv.Handler().Invitations()); got != 1 {
			t.Errorf("%d invitations, want 1", got)
		}
	})
}

// faultStatuses sends n requests one at a time and returns their statuses,
// 0 for a dropped response.
func faultStatuses(t *testing.T, seed int64, n int) []int {
	srv := NewServer(t, WithFaults(0.3, 0.3, seed))
	client := validatingClient(t, srv)
	var statuses []int
	for range n {
		req, _ := http.NewRequest("GET", srv.URL+"/users/usr_98765", nil)
		req.Header.Set("Authorization", "Bearer "+srv.Token)
		resp, err := client.Do(req)
		if err != nil {
			statuses = append(statuses, 0)
			continue
		}
		resp.Body.Close()
		statuses = append(statuses, resp.StatusCode)
	}
	return statuses
}

func TestFaultsRepeatable(t *testing.T) {
	first := faultStatuses(t, 42, 30)
	second := faultStatuses(t, 42, 30)
	other := faultStatuses(t, 7, 30)

	t.Run("same seed", func(t *testing.T) {
		if !slices.Equal(first, second) {
			t.Errorf("statuses differ:\n%v\n%v", first, second)
		}
	})
	t.Run("mixed", func(t *testing.T) {
		for _, want := range []int{0, 200, 503} {
			if !slices.Contains(first, want) {
				t.Errorf("statuses %v have no %d", first, want)
			}
		}
	})
	t.Run("other seed", func(t *testing.T) {
		if slices.Equal(first, other) {
			t.Errorf("seeds 42 and 7 gave the same statuses %v", first)
		}
	})
}

func TestLatency(t *testing.T) {
	h := newHarness(t, WithLatency(20*time.Millisecond))
	start := time.Now()
	h.do("GET", "/users?limit=1", "")
	if elapsed := time.Since(start); elapsed < 20*time.Millisecond {
		t.Errorf("request took %v, want at least 20ms", elapsed)
	}
}
