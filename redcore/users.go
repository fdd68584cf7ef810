package redcore

import (
	"context"
	"fmt"
	"iter"
	"net/http"

	"github.com/redcore/redcore-go/api"
)

// UserService manages the users of the token's organization. Reads need
// the users:read scope, and changes need users:write.
type UserService struct {
	client *Client
}

// ListUsersParams filters and pages a list of users. A zero field is not
// sent, so the server's default applies (20 items from offset 0).
type ListUsersParams struct {
	// Limit is the page size, from 1 to 100. All and Pages use 100 when it
	// is 0 and cap it at 100.
	Limit int
	// Offset is the number of matching users to skip.
	Offset int
	// Role keeps only users with this role.
	Role Role
	// Status keeps only users with this status.
	Status UserStatus
	// Q keeps only users whose name or email contains it, ignoring case.
	Q string
}

// CreateUserParams are the fields of a new user, all required.
type CreateUserParams struct {
	Email string
	Name  string
	Role  Role
}

// UpdateUserParams are the fields to change; only the fields that are not
// nil are sent. Status can be set to UserStatusActive or
// UserStatusInactive only.
type UpdateUserParams struct {
	Name   *string
	Role   *Role
	Status *UserStatus
}

// List returns one page of users, newest first. A Limit over 100 or a
// negative Limit or Offset is an ErrValidation error before any request.
func (s *UserService) List(ctx context.Context, params ListUsersParams) (*Page[User], error) {
	if err := checkListRange(params.Limit, params.Offset); err != nil {
		return nil, err
	}

	query := &api.ListUsersParams{
		Limit:  nonZero(params.Limit),
		Offset: nonZero(params.Offset),
		Role:   nonZero(params.Role),
		Status: nonZero(params.Status),
		Q:      nonZero(params.Q),
	}
	resp, err := s.client.raw().ListUsers(ctx, query)
	list, err := decode[api.UserList](s.client, resp, err)
	if err != nil {
		return nil, err
	}
	return newPage(list.Data, list.Meta), nil
}

// Pages returns the pages of users that match params, from params.Offset
// to the end, fetching each page only when the range loop reaches it. The
// rules of the walk:
//
//   - The page size is params.Limit, or 100 when it is 0; a larger Limit is
//     capped at 100, since the page size only changes the number of requests.
//   - The offset advances by the number of users received, not by the
//     limit, so a server that returns short pages makes no user be skipped.
//   - The walk ends when the offset reaches the total or a page is empty.
//   - Users added during the walk move older users to later offsets,
//     so a page can repeat users already yielded. Each user is still
//     yielded once, because the walk skips a user whose place in the order
//     (created_at descending, then id descending) it has passed. Memory
//     stays bounded by one page.
//   - Users deleted during the walk move later users to lower offsets,
//     so the walk can miss users; the client cannot see that.
//   - A server that returns the same page again, with the same total, ends
//     the walk with an error instead of a loop.
//   - An error, such as a failed request or a canceled ctx, is the last
//     element of the sequence.
//   - Stopping the range loop stops fetching.
func (s *UserService) Pages(ctx context.Context, params ListUsersParams) iter.Seq2[*Page[User], error] {
	fetch := func(ctx context.Context, limit, offset int) (*Page[User], error) {
		p := params
		p.Limit, p.Offset = limit, offset
		return s.List(ctx, p)
	}
	return walkPages(ctx, params.Limit, params.Offset, fetch, userKey)
}

// All returns every user that matches params, one by one, as Pages
// fetches them page by page, and follows the same rules. Each user is
// yielded once, even when users are added during the walk, but users
// deleted during the walk can be missed. An error is the last element, and
// breaking out of the loop stops fetching.
func (s *UserService) All(ctx context.Context, params ListUsersParams) iter.Seq2[User, error] {
	return walkItems(s.Pages(ctx, params))
}

// Get returns the user with the given id, or an ErrNotFound error.
func (s *UserService) Get(ctx context.Context, id string) (*User, error) {
	if err := checkID("user_id", id); err != nil {
		return nil, err
	}

	resp, err := s.client.getByID(ctx, "/users/", id)
	return decode[User](s.client, resp, err)
}

// Create creates a user, who gets an invitation email and the status
// pending_invite. A user with the same email, compared ignoring case, is
// an ErrDuplicate error. The request carries an Idempotency-Key, so a
// retry after a lost response does not create a second user.
func (s *UserService) Create(ctx context.Context, params CreateUserParams) (*User, error) {
	body := api.CreateUserRequest{Email: params.Email, Name: params.Name, Role: params.Role}
	resp, err := s.client.raw().CreateUser(ctx, nil, body)
	return decode[User](s.client, resp, err)
}

// Update changes the fields of params that are not nil and returns the
// updated user. Setting no field is an ErrValidation error from the server.
func (s *UserService) Update(ctx context.Context, id string, params UpdateUserParams) (*User, error) {
	if err := checkID("user_id", id); err != nil {
		return nil, err
	}

	body := api.UpdateUserRequest{Name: params.Name, Role: params.Role}
	if params.Status != nil {
		status := api.UpdateUserRequestStatus(*params.Status)
		body.Status = &status
	}
	resp, err := s.client.raw().UpdateUser(ctx, id, nil, body)
	return decode[User](s.client, resp, err)
}

// Delete removes the user with the given id for good, and frees the email
// for a new user. An unknown id is an ErrNotFound error.
func (s *UserService) Delete(ctx context.Context, id string) error {
	if err := checkID("user_id", id); err != nil {
		return err
	}

	resp, err := s.client.raw().DeleteUser(ctx, id, nil)
	if err != nil {
		return requestError(err)
	}
	return decodeResponse(resp, nil, s.client.transport.now())
}

// userKey returns what a page walk remembers of a user.
func userKey(u User) itemKey {
	return itemKey{id: u.Id, created: u.CreatedAt}
}

// nonZero returns a pointer to v, or nil for the zero value, which the
// parameter structs use for "not set".
func nonZero[T comparable](v T) *T {
	var zero T
	if v == zero {
		return nil
	}
	return &v
}

// newPage converts a page of the wire format.
func newPage[T any](data []T, meta api.ListMeta) *Page[T] {
	if data == nil {
		data = []T{}
	}
	return &Page[T]{Data: data, Total: meta.Total, Limit: meta.Limit, Offset: meta.Offset}
}

// decode returns the object of a 2xx response to a request that returned
// resp and err, or the error of the request or of the response.
func decode[T any](c *Client, resp *http.Response, err error) (*T, error) {
	if err != nil {
		return nil, requestError(err)
	}

	var out T
	if err := decodeResponse(resp, &out, c.transport.now()); err != nil {
		return nil, err
	}
	return &out, nil
}

// requestError wraps an error that kept a request from getting a response:
// a failed connection, a cancelled context, or an invalid request.
func requestError(err error) error {
	return fmt.Errorf("redcore: %w", err)
}
