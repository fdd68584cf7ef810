package test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/redcore/redcore-go/redcore"
	"github.com/redcore/redcore-go/redcore/redcoretest"
)

// TestFaultStateNotSaved makes the sandbox fail to save its state file
// once, by removing the file's directory, and retries the create with the
// same Idempotency-Key after the directory is back. A 5xx is not recorded
// for the key, so the retry must succeed and create the user once.
func TestFaultStateNotSaved(t *testing.T) {
	checkNoLeaks(t)
	dir := filepath.Join(t.TempDir(), "state-dir")
	if err := os.Mkdir(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	srv := redcoretest.NewServer(t, redcoretest.WithStateFile(filepath.Join(dir, "state.json")))
	client := srv.Client(redcore.WithMaxRetries(0))
	ctx := redcore.ContextWithIdempotencyKey(context.Background(), "state-retry-1")
	params := redcore.CreateUserParams{Email: "state@example.com", Name: "State Retry", Role: redcore.RoleViewer}

	if err := os.RemoveAll(dir); err != nil {
		t.Fatal(err)
	}
	_, err := client.Users.Create(ctx, params)
	var apiErr *redcore.APIError
	if !errors.As(err, &apiErr) || apiErr.StatusCode != 500 {
		t.Fatalf("create without the state directory: error = %v, want a 500", err)
	}
	if err := os.Mkdir(dir, 0o700); err != nil {
		t.Fatal(err)
	}

	user, err := client.Users.Create(ctx, params)
	if err != nil {
		t.Fatalf("retry with the same key: %v", err)
	}
	if user.Email != params.Email {
		t.Errorf("email = %q, want %q", user.Email, params.Email)
	}
	page, err := client.Users.List(context.Background(), redcore.ListUsersParams{Q: "state@"})
	if err != nil {
		t.Fatalf("List: %v", err)
	}
	if page.Total != 1 {
		t.Errorf("users with the email = %d, want 1", page.Total)
	}
}
