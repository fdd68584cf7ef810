package redcoretest_test

import (
	"context"
	"fmt"
	"net/http/httptest"
	"time"

	"github.com/redcore/redcore-go/redcore"
	"github.com/redcore/redcore-go/redcore/redcoretest"
)

// The handler serves the sandbox on any server; a test would rather call
// NewServer, which does this and hands back a ready client.
func ExampleNewHandler() {
	h, err := redcoretest.NewHandler(
		redcoretest.WithClock(func() time.Time { return time.Date(2026, 5, 4, 10, 0, 0, 0, time.UTC) }),
		redcoretest.WithIDGenerator(func(prefix string) string { return prefix + "1b2c3d" }),
	)
	if err != nil {
		fmt.Println(err)
		return
	}
	server := httptest.NewServer(h)
	defer server.Close()

	client, err := redcore.NewClient(
		redcore.WithBaseURL(server.URL+"/v1"),
		redcore.WithToken(redcoretest.DefaultToken),
	)
	if err != nil {
		fmt.Println(err)
		return
	}
	ctx := context.Background()

	page, err := client.Users.List(ctx, redcore.ListUsersParams{Role: redcore.RoleAdmin, Status: redcore.UserStatusActive, Limit: 10})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(page.Data[0].Name, page.Total)

	bob, err := client.Users.Create(ctx, redcore.CreateUserParams{Email: "bob@example.com", Name: "Bob Smith", Role: redcore.RoleEditor})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(bob.Id, bob.Status, bob.CreatedAt.Format(time.RFC3339))
	fmt.Println(h.Invitations()[0].Email)
	// Output:
	// Alice Müller 9
	// usr_1b2c3d pending_invite 2026-05-04T10:00:00Z
	// bob@example.com
}
