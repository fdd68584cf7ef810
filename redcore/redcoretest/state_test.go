package redcoretest

import (
	"encoding/base64"
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

func TestStateFileKeepsRandomToken(t *testing.T) {
	path := filepath.Join(t.TempDir(), "state.json")
	opts := []Option{WithStateFile(path), WithRandomToken(), WithIDGenerator(counterIDs())}

	before := newHarness(t, opts...)
	created := before.do("POST", "/users", bobBody, "Idempotency-Key", "create")
	after := newHarness(t, opts...)

	t.Run("random", func(t *testing.T) {
		if !strings.HasPrefix(before.srv.Token, "sandbox_") || before.srv.Token == DefaultToken {
			t.Errorf("token = %q, want a random sandbox_ token", before.srv.Token)
		}
	})
	t.Run("same token", func(t *testing.T) {
		if after.srv.Token != before.srv.Token {
			t.Errorf("token = %q after restart, want %q", after.srv.Token, before.srv.Token)
		}
	})
	t.Run("default token rejected", func(t *testing.T) {
		r := after.do("GET", "/users", "", "Authorization", "Bearer "+DefaultToken)
		if r.status != http.StatusUnauthorized {
			t.Errorf("status = %d, want 401", r.status)
		}
	})
	t.Run("key replays", func(t *testing.T) {
		r := after.do("POST", "/users", bobBody, "Idempotency-Key", "create")
		if r.status != http.StatusCreated {
			t.Fatalf("status = %d, want 201: %s", r.status, r.body)
		}
		if string(r.body) != string(created.body) {
			t.Errorf("body = %s, want %s", r.body, created.body)
		}
	})
	t.Run("kept without the option", func(t *testing.T) {
		// A start with grants instead leaves the token in the file for the
		// next start without them.
		newHarness(t, WithStateFile(path), WithGrant("other", "", AllScopes...))
		again := newHarness(t, opts...)
		if again.srv.Token != before.srv.Token {
			t.Errorf("token = %q, want %q", again.srv.Token, before.srv.Token)
		}
	})
	t.Run("new file new token", func(t *testing.T) {
		other := NewServer(t, WithStateFile(filepath.Join(t.TempDir(), "state.json")), WithRandomToken())
		if other.Token == before.srv.Token {
			t.Errorf("two state files share token %q", other.Token)
		}
	})
}

func TestStateFileVersion1(t *testing.T) {
	path := filepath.Join(t.TempDir(), "state.json")
	// A version 1 file hashed the body's bytes for its idempotency keys and
	// had no token.
	user := `{"created_at":"2026-01-01T00:00:00Z","email":"a@example.com","id":"usr_10001","name":"Renamed",` +
		`"role":"viewer","status":"active","updated_at":"2026-01-02T00:00:00Z"}`
	body := `{"name": "Renamed"}`
	fp := fingerprint("PATCH", "/v1/users/usr_10001", "", []byte(body)).raw
	v1 := `{"version":1,"users":{"org_default":[` + user + `]},"invitations":[],` +
		`"idempotency":[{"token_id":"` + tokenID(DefaultToken) + `","key":"k1","fingerprint":"` + fp + `","status":200,` +
		`"content_type":"application/json","body":"` + base64.StdEncoding.EncodeToString([]byte(user)) + `",` +
		`"expires":"2999-01-01T00:00:00Z"}]}`
	if err := os.WriteFile(path, []byte(v1), 0o600); err != nil {
		t.Fatal(err)
	}
	h := newHarness(t, WithStateFile(path))

	t.Run("users", func(t *testing.T) {
		if got := h.do("GET", "/users", "").users(t).Meta.Total; got != 1 {
			t.Errorf("total = %d, want the 1 user of the file", got)
		}
	})
	t.Run("key replays same bytes", func(t *testing.T) {
		r := h.do("PATCH", "/users/usr_10001", body, "Idempotency-Key", "k1")
		if r.status != http.StatusOK {
			t.Fatalf("status = %d, want the recorded 200: %s", r.status, r.body)
		}
		if string(r.body) != user {
			t.Errorf("body = %s, want %s", r.body, user)
		}
	})
	t.Run("saved as version 2", func(t *testing.T) {
		data, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(string(data), `"version":2`) {
			t.Errorf("state file = %s, want version 2", data)
		}
		if !strings.Contains(string(data), `"raw_body_fingerprint":true`) {
			t.Errorf("state file = %s, want the key marked as a raw-body fingerprint", data)
		}
	})
}

func TestStateFileErrors(t *testing.T) {
	dir := t.TempDir()
	tests := []struct {
		name    string
		content string
		want    string
	}{
		{"not json", "{\n  \"version\": 2,\n  x", `is not valid JSON (invalid character 'x' looking for beginning of object key string at line 3, column 3); fix the file, or delete it to start again from the sample data`},
		{"empty", "", `is not valid JSON (unexpected end of JSON input at line 1, column 1)`},
		{"no version", `{"users":{}}`, `has no version, so it is not a sandbox state file; fix the file`},
		{"other version", `{"version":99}`, `has version 99, but this sandbox reads versions 1 to 2; fix the file, or delete it`},
		{"array", `[]`, `is not a sandbox state file (json: cannot unmarshal array`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(dir, tt.name+".json")
			if err := os.WriteFile(path, []byte(tt.content), 0o600); err != nil {
				t.Fatal(err)
			}
			_, err := NewHandler(WithStateFile(path))
			if err == nil {
				t.Fatal("NewHandler succeeded, want an error")
			}
			if prefix := `redcoretest: state file "` + path + `" `; !strings.HasPrefix(err.Error(), prefix) {
				t.Errorf("error = %q, want it to start with %q", err, prefix)
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error = %q, want %q in it", err, tt.want)
			}
		})
	}
	t.Run("directory missing", func(t *testing.T) {
		path := filepath.Join(dir, "missing", "state.json")
		_, err := NewHandler(WithStateFile(path))
		want := `redcoretest: cannot write state file "` + path + `": directory "` + filepath.Dir(path) + `" does not exist; create it or choose another path`
		if err == nil || err.Error() != want {
			t.Errorf("error = %v, want %s", err, want)
		}
	})
	t.Run("directory as file", func(t *testing.T) {
		_, err := NewHandler(WithStateFile(dir))
		want := `redcoretest: cannot read state file "` + dir + `": is a directory; make it a readable file or choose another path`
		if err == nil || err.Error() != want {
			t.Errorf("error = %v, want %s", err, want)
		}
	})
}
