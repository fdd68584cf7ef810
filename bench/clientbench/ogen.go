package clientbench

import (
	"context"
	"fmt"
	"net/http"

	"github.com/redcore/redcore-go/bench/ogenapi"
)

// OgenClient drives the client that ogen generates from openapi.yaml into
// the ogenapi package. ogen decodes JSON with code generated per type
// instead of encoding/json's reflection.
type OgenClient struct {
	c *ogenapi.Client
}

// ogenToken is the security source of the ogen client: one fixed token.
type ogenToken string

func (t ogenToken) BearerAuth(context.Context, ogenapi.OperationName) (ogenapi.BearerAuth, error) {
	return ogenapi.BearerAuth{Token: string(t)}, nil
}

// NewOgenClient returns an ogen client for the API at baseURL, which
// includes /v1.
func NewOgenClient(baseURL, token string, hc *http.Client) (*OgenClient, error) {
	c, err := ogenapi.NewClient(baseURL, ogenToken(token), ogenapi.WithClient(hc))
	if err != nil {
		return nil, err
	}
	return &OgenClient{c: c}, nil
}

// GetUser implements UserClient.
func (c *OgenClient) GetUser(ctx context.Context, id string) (string, error) {
	res, err := c.c.GetUser(ctx, ogenapi.GetUserParams{UserID: id})
	if err != nil {
		return "", err
	}
	ok, isOK := res.(*ogenapi.GetUserOKHeaders)
	if !isOK {
		return "", fmt.Errorf("ogen: get user %q: response %T", id, res)
	}
	return ok.Response.Name, nil
}

// ListUsers implements UserClient.
func (c *OgenClient) ListUsers(ctx context.Context, limit, offset int) (int, error) {
	page, err := c.listUsers(ctx, limit, offset)
	if err != nil {
		return 0, err
	}
	return len(page.Data), nil
}

// WalkUsers implements UserClient with the loop a user of the ogen client
// writes, which stops like the floor client's.
func (c *OgenClient) WalkUsers(ctx context.Context, visit func(id string)) error {
	offset := 0
	for {
		page, err := c.listUsers(ctx, WalkPageSize, offset)
		if err != nil {
			return err
		}
		for _, u := range page.Data {
			visit(u.ID)
		}
		offset += len(page.Data)
		if len(page.Data) == 0 || offset >= page.Meta.Total {
			return nil
		}
	}
}

func (c *OgenClient) listUsers(ctx context.Context, limit, offset int) (*ogenapi.UserList, error) {
	res, err := c.c.ListUsers(ctx, ogenapi.ListUsersParams{
		Limit:  ogenapi.NewOptInt(limit),
		Offset: ogenapi.NewOptInt(offset),
	})
	if err != nil {
		return nil, err
	}
	ok, isOK := res.(*ogenapi.UserListHeaders)
	if !isOK {
		return nil, fmt.Errorf("ogen: list users at offset %d: response %T", offset, res)
	}
	return &ok.Response, nil
}
