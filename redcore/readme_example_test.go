package redcore_test

import (
	"context"
	"errors"
	"fmt"
	"log"
	"testing"

	"github.com/redcore/redcore-go/redcore"
	"github.com/redcore/redcore-go/redcore/redcoretest"
)

// Example is the first program of README.md, run against the sandbox: with
// the real API, the client is redcore.NewClient() and the token comes from
// $REDCORE_API_TOKEN.
func Example() {
	client, stop := startSandbox()
	defer stop()
	ctx := context.Background()

	// All walks every page as needed; breaking out of the loop stops fetching.
	seen := 0
	for user, err := range client.Users.All(ctx, redcore.ListUsersParams{Status: redcore.UserStatusActive}) {
		if err != nil {
			log.Fatal(err)
		}
		fmt.Println(user.Id, user.Email)
		seen++
		if seen == 2 {
			break
		}
	}

	user, err := client.Users.Create(ctx, redcore.CreateUserParams{
		Email: "bob@example.com",
		Name:  "Bob Smith",
		Role:  redcore.RoleEditor,
	})
	switch {
	case errors.Is(err, redcore.ErrDuplicate):
		fmt.Println("a user with this email already exists")
	case err != nil:
		log.Fatal(err)
	default:
		fmt.Println("invited", user.Id)
	}
	// Output:
	// usr_98765 alice@example.com
	// usr_10041 tara.costa@example.com
	// invited usr_00001
}

// TestReadmeInvite is the test of README.md's section on testing with the
// sandbox.
func TestReadmeInvite(t *testing.T) {
	srv := redcoretest.NewServer(t) // on 127.0.0.1, closed when the test ends
	client := srv.Client()

	user, err := client.Users.Create(context.Background(), redcore.CreateUserParams{
		Email: "bob@example.com", Name: "Bob Smith", Role: redcore.RoleEditor,
	})
	if err != nil {
		t.Fatal(err)
	}
	if user.Status != redcore.UserStatusPendingInvite {
		t.Errorf("status = %q, want pending_invite", user.Status)
	}
}
