package redcoretest

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"github.com/redcore/redcore-go/api"
)

// storeUsers returns n users with distinct ids and emails whose created_at
// is drawn from a few instants, so that many share one, in a shuffled
// order.
func storeUsers(n int, seed uint64) []api.User {
	r := rand.New(rand.NewPCG(seed, 0))
	base := time.Date(2026, 5, 4, 10, 0, 0, 0, time.UTC)
	users := make([]api.User, n)
	for i := range users {
		users[i] = api.User{
			Id:        fmt.Sprintf("usr_%05d", r.IntN(100_000)*100+i),
			Email:     fmt.Sprintf("u%d@example.com", i),
			Role:      []api.Role{api.Admin, api.Editor, api.Viewer}[r.IntN(3)],
			CreatedAt: base.Add(time.Duration(r.IntN(8)) * time.Second),
		}
	}
	return users
}

// listOrder returns the ids of users sorted in list order.
func listOrder(users []api.User) []string {
	sorted := slices.Clone(users)
	slices.SortFunc(sorted, func(a, b api.User) int {
		return compareNewestFirst(a.CreatedAt, a.Id, b.CreatedAt, b.Id)
	})
	return userIDs(sorted)
}

func userIDs(users []api.User) []string {
	ids := make([]string, len(users))
	for i, u := range users {
		ids[i] = u.Id
	}
	return ids
}

// allPages lists org's users matching f in pages of limit and joins them.
func allPages(t *testing.T, s *store, f userFilter, limit, want int) []api.User {
	t.Helper()

	var all []api.User
	for offset := 0; ; offset += limit {
		page, total := s.listUsers(DefaultOrg, f, limit, offset)
		if total != want {
			t.Fatalf("total at offset %d = %d, want %d", offset, total, want)
		}
		if len(page) == 0 {
			return all
		}
		all = append(all, page...)
	}
}

func TestStoreOrder(t *testing.T) {
	users := storeUsers(300, 1)
	tests := []struct {
		name string
		fill func(s *store)
	}{
		{"created one by one", func(s *store) {
			for _, u := range users {
				s.createUser(DefaultOrg, u)
			}
		}},
		{"put at once", func(s *store) {
			s.putUsers(DefaultOrg, users)
		}},
		{"put in list order", func(s *store) {
			byOrder := map[string]api.User{}
			for _, u := range users {
				byOrder[u.Id] = u
			}
			var ordered []api.User
			for _, id := range listOrder(users) {
				ordered = append(ordered, byOrder[id])
			}
			s.putUsers(DefaultOrg, ordered)
		}},
		{"restored from a copy", func(s *store) {
			src := newStore()
			src.putUsers(DefaultOrg, users)
			s.restoreData(src.copyData())
		}},
	}
	want := listOrder(users)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := newStore()
			tt.fill(s)

			if got := userIDs(allPages(t, s, userFilter{}, 7, len(users))); !slices.Equal(got, want) {
				t.Errorf("unfiltered pages = %v, want %v", got, want)
			}
			// A filter that matches every user walks the users instead.
			if got := userIDs(allPages(t, s, userFilter{q: "example.com"}, 7, len(users))); !slices.Equal(got, want) {
				t.Errorf("filtered pages = %v, want %v", got, want)
			}
			if got := userIDs(s.snapshotUsersLocked()[DefaultOrg]); !slices.Equal(got, want) {
				t.Errorf("snapshot = %v, want %v", got, want)
			}
		})
	}
}

func TestStoreFilteredPages(t *testing.T) {
	users := storeUsers(200, 2)
	s := newStore()
	s.putUsers(DefaultOrg, users)

	var admins []api.User
	for _, u := range users {
		if u.Role == api.Admin {
			admins = append(admins, u)
		}
	}
	want := listOrder(admins)
	if got := userIDs(allPages(t, s, userFilter{role: api.Admin}, 6, len(admins))); !slices.Equal(got, want) {
		t.Errorf("admin pages = %v, want %v", got, want)
	}
}

func TestStoreDelete(t *testing.T) {
	users := storeUsers(100, 3)
	s := newStore()
	s.putUsers(DefaultOrg, users)
	for _, u := range users[:50] {
		if err := s.deleteUser(DefaultOrg, u.Id); err != nil {
			t.Fatalf("delete %s: %v", u.Id, err)
		}
	}

	want := listOrder(users[50:])
	if got := userIDs(allPages(t, s, userFilter{}, 9, 50)); !slices.Equal(got, want) {
		t.Errorf("pages after delete = %v, want %v", got, want)
	}
}
