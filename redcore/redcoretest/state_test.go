package redcoretest

import (
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestStateFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "state.json")
	opts := []Option{WithStateFile(path), WithIDGenerator(counterIDs())}

	before := newHarness(t, opts...)
	created := before.do("POST", "/users", bobBody, "Idempotency-Key", "create")
	before.do("PATCH", "/users/usr_10001", `{"name":"Renamed"}`)
	before.do("DELETE", "/users/usr_98765", "")
	// A second handler on the same file reads what the first acknowledged,
	// without the first being closed, as after a crash.
	after := newHarness(t, opts...)

	t.Run("created user", func(t *testing.T) {
		if got := after.do("GET", "/users/usr_00001", "").status; got != http.StatusOK {
			t.Errorf("status = %d, want 200", got)
		}
	})
	t.Run("updated user", func(t *testing.T) {
		if got := after.do("GET", "/users/usr_10001", "").user(t).Name; got != "Renamed" {
			t.Errorf("name = %q, want Renamed", got)
		}
	})
	t.Run("deleted user", func(t *testing.T) {
		if got := after.do("GET", "/users/usr_98765", "").status; got != http.StatusNotFound {
			t.Errorf("status = %d, want 404", got)
		}
	})
	t.Run("invitations", func(t *testing.T) {
		if got := len(after.srv.Handler().Invitations()); got != 1 {
			t.Errorf("%d invitations, want 1", got)
		}
	})
	t.Run("key replays", func(t *testing.T) {
		r := after.do("POST", "/users", bobBody, "Idempotency-Key", "create")
		if r.status != http.StatusCreated {
			t.Fatalf("status = %d, want 201", r.status)
		}
		if string(r.body) != string(created.body) {
			t.Errorf("body = %s, want %s", r.body, created.body)
		}
	})
	t.Run("no token in file", func(t *testing.T) {
		data, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		if strings.Contains(string(data), DefaultToken) {
			t.Error("state file contains the token")
		}
	})
	t.Run("no temporary files left", func(t *testing.T) {
		entries, _ := os.ReadDir(filepath.Dir(path))
		if len(entries) != 1 {
			t.Errorf("directory has %d entries, want only the state file", len(entries))
		}
	})
}

func TestStateFileRejects(t *testing.T) {
	dir := t.TempDir()
	tests := []struct {
		name    string
		content string
	}{
		{"not json", "{"},
		{"other version", `{"version":99}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(dir, tt.name+".json")
			os.WriteFile(path, []byte(tt.content), 0o600)
			if _, err := NewHandler(WithStateFile(path)); err == nil {
				t.Error("NewHandler succeeded, want an error")
			}
		})
	}
	t.Run("unwritable directory", func(t *testing.T) {
		if _, err := NewHandler(WithStateFile(filepath.Join(dir, "missing", "state.json"))); err == nil {
			t.Error("NewHandler succeeded, want an error")
		}
	})
}
