package clientbench

import (
	"context"
	"fmt"
	"net/http"

	"github.com/redcore/redcore-go/api"
)

// GeneratedClient drives api.ClientWithResponses, the client oapi-codegen
// generates from openapi.yaml, which the redcore package wraps.
type GeneratedClient struct {
	c *api.ClientWithResponses
}

// NewGeneratedClient returns a generated client for the API at baseURL,
// which includes /v1.
func NewGeneratedClient(baseURL, token string, hc *http.Client) (*GeneratedClient, error) {
	authorization := "Bearer " + token
	c, err := api.NewClientWithResponses(baseURL,
		api.WithHTTPClient(hc),
		api.WithRequestEditorFn(func(_ context.Context, req *http.Request) error {
			req.Header.Set("Authorization", authorization)
			return nil
		}),
	)
	if err != nil {
		return nil, err
	}
	return &GeneratedClient{c: c}, nil
}

// GetUser implements UserClient.
func (c *GeneratedClient) GetUser(ctx context.Context, id string) (string, error) {
	resp, err := c.c.GetUserWithResponse(ctx, id)
	if err != nil {
		return "", err
	}
	if resp.JSON200 == nil {
		return "", fmt.Errorf("generated: get user %q: status %d", id, resp.StatusCode())
	}
	return resp.JSON200.Name, nil
}

// ListUsers implements UserClient.
func (c *GeneratedClient) ListUsers(ctx context.Context, limit, offset int) (int, error) {
	page, err := c.listUsers(ctx, limit, offset)
	if err != nil {
		return 0, err
	}
	return len(page.Data), nil
}

// WalkUsers implements UserClient with the loop a user of the generated
// client writes, which stops like the floor client's.
func (c *GeneratedClient) WalkUsers(ctx context.Context, visit func(id string)) error {
	offset := 0
	for {
		page, err := c.listUsers(ctx, WalkPageSize, offset)
		if err != nil {
			return err
		}
		for _, u := range page.Data {
			visit(u.Id)
		}
		offset += len(page.Data)
		if len(page.Data) == 0 || offset >= page.Meta.Total {
			return nil
		}
	}
}

func (c *GeneratedClient) listUsers(ctx context.Context, limit, offset int) (*api.UserList, error) {
	resp, err := c.c.ListUsersWithResponse(ctx, &api.ListUsersParams{Limit: &limit, Offset: &offset})
	if err != nil {
		return nil, err
	}
	if resp.JSON200 == nil {
		return nil, fmt.Errorf("generated: list users at offset %d: status %d", offset, resp.StatusCode())
	}
	return resp.JSON200, nil
}
