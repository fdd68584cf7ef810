package redcoretest

import (
	"cmp"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/redcore/redcore-go/api"
)

// Errors of the store, which the handlers turn into error responses.
var (
	errUserNotFound    = errors.New("user not found")
	errProductNotFound = errors.New("product not found")
	errDuplicateEmail  = errors.New("duplicate email")
	errIDTaken         = errors.New("user id already taken")
)

// Invitation is the invitation email the API sends to a created user. The
// sandbox sends no email: it records the invitation, and redcore mock logs it.
type Invitation struct {
	// UserID is the id of the created user.
	UserID string `json:"user_id"`
	// Email is the address the invitation goes to.
	Email string `json:"email"`
	// Org is the organization the user was created in.
	Org string `json:"org"`
	// SentAt is when the user was created.
	SentAt time.Time `json:"sent_at"`
}

// orgUsers is the users of one organization, indexed by id and by
// lower-cased email address. ordered is oldest first, the reverse of list
// order, so that a new user is appended. Lists read it from the end.
type orgUsers struct {
	ordered []*api.User
	byID    map[string]*api.User
	byEmail map[string]*api.User
}

// store is the data of the sandbox: users per organization, the product
// catalog shared by all organizations, and the invitations sent. It is safe
// for concurrent use.
type store struct {
	mu          sync.RWMutex
	orgs        map[string]*orgUsers
	products    []api.Product
	productByID map[string]int
	invitations []Invitation
}

func newStore() *store {
	return &store{orgs: map[string]*orgUsers{}, productByID: map[string]int{}}
}

// compareNewestFirst orders items by created_at descending, then by id
// descending, which is the order of every list of the API.
func compareNewestFirst(aCreated time.Time, aID string, bCreated time.Time, bID string) int {
	if c := bCreated.Compare(aCreated); c != 0 {
		return c
	}
	return cmp.Compare(bID, aID)
}

// compareOldestFirst orders users by created_at ascending, then by id
// ascending: the reverse of list order.
func compareOldestFirst(a, b *api.User) int {
	return compareNewestFirst(b.CreatedAt, b.Id, a.CreatedAt, a.Id)
}

// setProducts replaces the catalog.
func (s *store) setProducts(products []api.Product) {
	s.mu.Lock()
	defer s.mu.Unlock()

	s.products = slices.Clone(products)
	slices.SortFunc(s.products, func(a, b api.Product) int {
		return compareNewestFirst(a.CreatedAt, a.Id, b.CreatedAt, b.Id)
	})
	s.productByID = make(map[string]int, len(s.products))
	for i, p := range s.products {
		s.productByID[p.Id] = i
	}
}

// org returns the users of org, making the organization if it is new.
// The caller holds s.mu for writing.
func (s *store) org(org string) *orgUsers {
	o := s.orgs[org]
	if o == nil {
		o = &orgUsers{byID: map[string]*api.User{}, byEmail: map[string]*api.User{}}
		s.orgs[org] = o
	}
	return o
}

// putUsers adds users to org without checks; fixtures and the state file
// use it.
func (s *store) putUsers(org string, users []api.User) {
	s.mu.Lock()
	defer s.mu.Unlock()

	s.org(org).insertAll(users)
}

// insertAll inserts copies of users, which are usually in list order, so
// it inserts them from the last, the oldest, to the first.
func (o *orgUsers) insertAll(users []api.User) {
	for i := len(users) - 1; i >= 0; i-- {
		u := users[i]
		o.insert(&u)
	}
}

// insert adds u in order. A user newer than every other one, as a new
// user is unless the clock went back, is appended. Another user is
// inserted where it belongs, after any user that orders as equal.
func (o *orgUsers) insert(u *api.User) {
	n := len(o.ordered)
	if n == 0 || compareOldestFirst(o.ordered[n-1], u) <= 0 {
		o.ordered = append(o.ordered, u)
	} else {
		i, _ := slices.BinarySearchFunc(o.ordered, u, func(e, target *api.User) int {
			return cmp.Or(compareOldestFirst(e, target), -1)
		})
		o.ordered = slices.Insert(o.ordered, i, u)
	}
	o.byID[u.Id] = u
	o.byEmail[strings.ToLower(u.Email)] = u
}

func (o *orgUsers) remove(u *api.User) {
	i, found := slices.BinarySearchFunc(o.ordered, u, compareOldestFirst)
	if found {
		o.ordered = slices.Delete(o.ordered, i, i+1)
	}
	delete(o.byID, u.Id)
	delete(o.byEmail, strings.ToLower(u.Email))
}

// userFilter is the filters of a user list; empty fields match everything.
type userFilter struct {
	role   api.Role
	status api.UserStatus
	q      string
}

func (f userFilter) match(u *api.User) bool {
	if f.role != "" && u.Role != f.role {
		return false
	}
	if f.status != "" && u.Status != f.status {
		return false
	}
	return f.q == "" || containsFold(u.Name, f.q) || containsFold(u.Email, f.q)
}

// containsFold reports whether substr is in s, ignoring case.
func containsFold(s, substr string) bool {
	return strings.Contains(strings.ToLower(s), strings.ToLower(substr))
}

// listUsers returns the page of org's users that match f, and how many
// match in all. The page is never nil.
func (s *store) listUsers(org string, f userFilter, limit, offset int) ([]api.User, int) {
	s.mu.RLock()
	defer s.mu.RUnlock()

	page := []api.User{}
	total := 0
	o := s.orgs[org]
	if o == nil {
		return page, 0
	}
	if f == (userFilter{}) {
		// Every user matches: the page is the users from offset on, in
		// list order, which is ordered read backwards.
		n := len(o.ordered)
		page = make([]api.User, 0, max(0, min(limit, n-offset)))
		for i := n - 1 - offset; i >= 0 && len(page) < limit; i-- {
			page = append(page, *o.ordered[i])
		}
		return page, n
	}
	for _, u := range slices.Backward(o.ordered) {
		if !f.match(u) {
			continue
		}
		if total >= offset && len(page) < limit {
			page = append(page, *u)
		}
		total++
	}
	return page, total
}

func (s *store) getUser(org, id string) (api.User, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()

	o := s.orgs[org]
	if o == nil || o.byID[id] == nil {
		return api.User{}, errUserNotFound
	}
	return *o.byID[id], nil
}

// createUser adds u to org and records its invitation. It fails with
// errDuplicateEmail when org has a user with the same email address,
// compared case-insensitively.
func (s *store) createUser(org string, u api.User) (Invitation, error) {
	s.mu.Lock()
	defer s.mu.Unlock()

	o := s.org(org)
	if o.byEmail[strings.ToLower(u.Email)] != nil {
		return Invitation{}, errDuplicateEmail
	}
	// An id generator that repeats itself is a bug of its caller; the
	// existing user is kept.
	if o.byID[u.Id] != nil {
		return Invitation{}, fmt.Errorf("create user %q: %w", u.Id, errIDTaken)
	}
	o.insert(&u)

	inv := Invitation{UserID: u.Id, Email: u.Email, Org: org, SentAt: u.CreatedAt}
	s.invitations = append(s.invitations, inv)
	return inv, nil
}

// userChanges is the fields of an update; nil fields keep their value.
type userChanges struct {
	name   *string
	role   *api.Role
	status *api.UserStatus
}

// updateUser applies c to the user id of org and sets its updated_at to
// now, or to just after the previous updated_at if the clock has not moved
// past it, so that updated_at always advances.
func (s *store) updateUser(org, id string, c userChanges, now time.Time) (api.User, error) {
	s.mu.Lock()
	defer s.mu.Unlock()

	o := s.orgs[org]
	if o == nil || o.byID[id] == nil {
		return api.User{}, errUserNotFound
	}
	u := o.byID[id]
	if c.name != nil {
		u.Name = *c.name
	}
	if c.role != nil {
		u.Role = *c.role
	}
	if c.status != nil {
		u.Status = *c.status
	}
	if !now.After(u.UpdatedAt) {
		now = u.UpdatedAt.Add(time.Millisecond)
	}
	u.UpdatedAt = now
	return *u, nil
}

func (s *store) deleteUser(org, id string) error {
	s.mu.Lock()
	defer s.mu.Unlock()

	o := s.orgs[org]
	if o == nil || o.byID[id] == nil {
		return errUserNotFound
	}
	o.remove(o.byID[id])
	return nil
}

// productFilter is the filters of a product list; empty fields match
// everything.
type productFilter struct {
	status api.ProductStatus
	q      string
}

func (f productFilter) match(p *api.Product) bool {
	if f.status != "" && p.Status != f.status {
		return false
	}
	return f.q == "" || containsFold(p.Name, f.q) || containsFold(p.Sku, f.q)
}

// listProducts returns the page of products that match f, and how many
// match in all. The page is never nil.
func (s *store) listProducts(f productFilter, limit, offset int) ([]api.Product, int) {
	s.mu.RLock()
	defer s.mu.RUnlock()

	page := []api.Product{}
	total := 0
	for i := range s.products {
		p := &s.products[i]
		if !f.match(p) {
			continue
		}
		if total >= offset && len(page) < limit {
			page = append(page, *p)
		}
		total++
	}
	return page, total
}

func (s *store) getProduct(id string) (api.Product, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()

	i, ok := s.productByID[id]
	if !ok {
		return api.Product{}, errProductNotFound
	}
	return s.products[i], nil
}

// listInvitations returns a copy of the invitations, oldest first.
func (s *store) listInvitations() []Invitation {
	s.mu.RLock()
	defer s.mu.RUnlock()

	return slices.Clone(s.invitations)
}

// snapshotUsersLocked returns a copy of every organization's users in list
// order. The caller holds s.mu.
func (s *store) snapshotUsersLocked() map[string][]api.User {
	out := make(map[string][]api.User, len(s.orgs))
	for name, o := range s.orgs {
		users := make([]api.User, len(o.ordered))
		for i, u := range o.ordered {
			users[len(users)-1-i] = *u
		}
		out[name] = users
	}
	return out
}
