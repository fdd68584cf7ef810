package redcore_test

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/redcore/redcore-go/redcore"
	"github.com/redcore/redcore-go/redcore/redcoretest"
)

// TestCreateAfterLostResponses creates users through a sandbox that drops
// the response of some requests after doing them, and fails others with
// 503. The retries carry the same Idempotency-Key, so each user is created
// exactly once.
func TestCreateAfterLostResponses(t *testing.T) {
	srv := redcoretest.NewServer(t, redcoretest.WithFaults(0.2, 0.3, 7))
	var log bytes.Buffer
	// Waits of a millisecond keep the test fast; the retry rules are the same.
	client := srv.Client(
		redcore.WithMaxRetries(12),
		redcore.WithMaxRetryWait(time.Millisecond),
		redcore.WithLogger(slog.New(slog.NewTextHandler(&log, nil))),
	)
	ctx := context.Background()

	const n = 20
	ids := map[string]bool{}
	for i := range n {
		user, err := client.Users.Create(ctx, redcore.CreateUserParams{
			Email: fmt.Sprintf("batch%02d@example.com", i), Name: "Batch User", Role: redcore.RoleViewer,
		})
		if err != nil {
			t.Fatalf("Create %d: %v", i, err)
		}
		ids[user.Id] = true
	}

	if retries := strings.Count(log.String(), "retrying request"); retries < n/2 {
		t.Errorf("retries = %d, want at least %d from the injected faults", retries, n/2)
	}
	if len(ids) != n {
		t.Errorf("distinct ids = %d, want %d", len(ids), n)
	}
	if got := len(srv.Handler().Invitations()); got != n {
		t.Errorf("invitations = %d, want %d", got, n)
	}
	page, err := client.Users.List(ctx, redcore.ListUsersParams{Q: "batch"})
	if err != nil {
		t.Fatalf("List: %v", err)
	}
	if page.Total != n {
		t.Errorf("users matching batch = %d, want %d", page.Total, n)
	}
}

// TestAllDuringCreates walks the sandbox's users while another user is
// created before each page, and checks that every fixture user is yielded
// exactly once.
func TestAllDuringCreates(t *testing.T) {
	srv := redcoretest.NewServer(t)
	client := srv.Client()
	ctx := context.Background()

	seen := map[string]int{}
	created := map[string]bool{}
	for user, err := range client.Users.All(ctx, redcore.ListUsersParams{Limit: 5}) {
		if err != nil {
			t.Fatalf("All: %v", err)
		}
		seen[user.Id]++
		if len(seen)%5 == 0 {
			user, err := client.Users.Create(ctx, redcore.CreateUserParams{
				Email: fmt.Sprintf("new%02d@example.com", len(created)), Name: "New User", Role: redcore.RoleViewer,
			})
			if err != nil {
				t.Fatalf("Create: %v", err)
			}
			created[user.Id] = true
		}
	}

	for id, count := range seen {
		if count != 1 {
			t.Errorf("user %s yielded %d times", id, count)
		}
	}
	fixtures := 0
	for id := range seen {
		if !created[id] {
			fixtures++
		}
	}
	if fixtures != 42 {
		t.Errorf("fixture users yielded = %d, want 42", fixtures)
	}
}
