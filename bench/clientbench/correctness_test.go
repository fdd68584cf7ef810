package clientbench

import (
	"context"
	"fmt"
	"testing"
)

// TestClientsAgainstCannedServer checks that every client reads the canned
// server's responses correctly, so that the benchmarks time working code.
func TestClientsAgainstCannedServer(t *testing.T) {
	const total = 250
	srv := startServer(t, total)
	ctx := context.Background()

	for _, name := range clientNames {
		t.Run(name, func(t *testing.T) {
			c := newClient(t, name, srv.URL)

			got, err := c.GetUser(ctx, "usr_98765")
			if err != nil {
				t.Fatalf("GetUser: %v", err)
			}
			if got != "Alice Müller" {
				t.Errorf("GetUser name = %q, want %q", got, "Alice Müller")
			}

			n, err := c.ListUsers(ctx, 100, 0)
			if err != nil {
				t.Fatalf("ListUsers at offset 0: %v", err)
			}
			if n != 100 {
				t.Errorf("ListUsers at offset 0 = %d users, want 100", n)
			}

			n, err = c.ListUsers(ctx, 100, 200)
			if err != nil {
				t.Fatalf("ListUsers at offset 200: %v", err)
			}
			if n != 50 {
				t.Errorf("ListUsers at offset 200 = %d users, want 50", n)
			}

			var ids []string
			if err := c.WalkUsers(ctx, func(id string) { ids = append(ids, id) }); err != nil {
				t.Fatalf("WalkUsers: %v", err)
			}
			if len(ids) != total {
				t.Fatalf("WalkUsers visited %d users, want %d", len(ids), total)
			}
			for i, id := range ids {
				if want := fmt.Sprintf("usr_%08d", total-i); id != want {
					t.Fatalf("WalkUsers user %d = %q, want %q", i, id, want)
				}
			}
		})
	}
}

// TestCannedServerRejects checks the canned server's responses to requests
// it does not serve.
func TestCannedServerRejects(t *testing.T) {
	srv := startServer(t, 10)
	hc := NewHTTPClient()
	t.Cleanup(hc.CloseIdleConnections)

	tests := []struct {
		name   string
		target string
		want   int
	}{
		{"unknown route", "/v1/products", 404},
		{"limit over 100", "/v1/users?limit=101", 400},
		{"limit zero", "/v1/users?limit=0", 400},
		{"offset not a number", "/v1/users?offset=x", 400},
		{"default page", "/v1/users", 200},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp, err := hc.Get(srv.URL[:len(srv.URL)-len("/v1")] + tt.target)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if resp.StatusCode != tt.want {
				t.Errorf("status = %d, want %d", resp.StatusCode, tt.want)
			}
		})
	}
}
