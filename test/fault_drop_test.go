package test

import (
	"context"
	"fmt"
	"log/slog"
	"strings"
	"testing"

	"github.com/redcore/redcore-go/redcore"
	"github.com/redcore/redcore-go/redcore/redcoretest"
)

// TestFaultResponseLost runs calls against a sandbox that does a share of
// the requests and then closes the connection without a response. The
// sandbox's log counts the requests and the dropped responses, and its
// store shows what was created.
func TestFaultResponseLost(t *testing.T) {
	checkNoLeaks(t)
	const calls = 8
	for _, name := range []string{"GET", "POST"} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			log := &attemptLog{}
			// With seed 3, a drop rate of 0.4 drops the responses of 7 of
			// the 15 requests that the 8 calls make.
			srv := redcoretest.NewServer(t,
				redcoretest.WithFaults(0, 0.4, 3),
				redcoretest.WithLogger(slog.New(slog.NewJSONHandler(log, nil))),
			)
			client := srv.Client(redcore.WithMaxRetries(3), redcore.WithMaxRetryWait(faultRetryWait))
			ctx := context.Background()

			for i := range calls {
				var err error
				if name == "GET" {
					_, err = client.Users.Get(ctx, "usr_98765")
				} else {
					_, err = client.Users.Create(ctx, redcore.CreateUserParams{
						Email: fmt.Sprintf("lost%02d@example.com", i), Name: "Lost Response", Role: redcore.RoleViewer,
					})
				}
				if err != nil {
					t.Fatalf("call %d: %v", i+1, err)
				}
			}

			records := log.String()
			requests := strings.Count(records, `"msg":"request"`)
			dropped := strings.Count(records, `"dropped":true`)
			if dropped == 0 {
				t.Fatal("no response was dropped; the test proves nothing")
			}
			if requests != calls+dropped {
				t.Errorf("requests = %d, want %d calls plus %d retries after dropped responses", requests, calls, dropped)
			}
			if name == "GET" {
				return
			}
			if got := len(srv.Handler().Invitations()); got != calls {
				t.Errorf("invitations = %d, want %d", got, calls)
			}
			page, err := client.Users.List(ctx, redcore.ListUsersParams{Q: "lost", Limit: 100})
			if err != nil {
				t.Fatalf("List: %v", err)
			}
			if page.Total != calls {
				t.Errorf("users created = %d, want %d", page.Total, calls)
			}
		})
	}
}
