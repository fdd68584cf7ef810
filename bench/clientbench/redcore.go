package clientbench

import (
	"context"
	"net/http"

	"github.com/redcore/redcore-go/redcore"
)

// RedcoreClient drives the redcore SDK client with its default settings.
type RedcoreClient struct {
	c *redcore.Client
}

// NewRedcoreClient returns a redcore client for the API at baseURL, which
// includes /v1.
func NewRedcoreClient(baseURL, token string, hc *http.Client) (*RedcoreClient, error) {
	c, err := redcore.NewClient(
		redcore.WithToken(token),
		redcore.WithBaseURL(baseURL),
		redcore.WithHTTPClient(hc),
	)
	if err != nil {
		return nil, err
	}
	return &RedcoreClient{c: c}, nil
}

// GetUser implements UserClient.
func (c *RedcoreClient) GetUser(ctx context.Context, id string) (string, error) {
	u, err := c.c.Users.Get(ctx, id)
	if err != nil {
		return "", err
	}
	return u.Name, nil
}

// ListUsers implements UserClient.
func (c *RedcoreClient) ListUsers(ctx context.Context, limit, offset int) (int, error) {
	page, err := c.c.Users.List(ctx, redcore.ListUsersParams{Limit: limit, Offset: offset})
	if err != nil {
		return 0, err
	}
	return len(page.Data), nil
}

// WalkUsers implements UserClient with UserService.All.
func (c *RedcoreClient) WalkUsers(ctx context.Context, visit func(id string)) error {
	for u, err := range c.c.Users.All(ctx, redcore.ListUsersParams{Limit: WalkPageSize}) {
		if err != nil {
			return err
		}
		visit(u.Id)
	}
	return nil
}
