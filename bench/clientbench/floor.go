package clientbench

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"time"
)

// FloorClient is the least a correct client does: build the request with
// net/http, send the token, check the status, decode with encoding/json and
// drain the body so that the connection is reused. It has no retries, no
// logging and no error body parsing, so it is the floor the other clients
// are measured against.
type FloorClient struct {
	hc            *http.Client
	baseURL       string
	authorization string
}

// floorUser is the user as the floor client decodes it, field for field the
// shape of the generated model.
type floorUser struct {
	ID        string    `json:"id"`
	Email     string    `json:"email"`
	Name      string    `json:"name"`
	Role      string    `json:"role"`
	Status    string    `json:"status"`
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
}

type floorUserList struct {
	Data []floorUser `json:"data"`
	Meta struct {
		Total  int `json:"total"`
		Limit  int `json:"limit"`
		Offset int `json:"offset"`
	} `json:"meta"`
}

// NewFloorClient returns a floor client for the API at baseURL, which
// includes /v1.
func NewFloorClient(baseURL, token string, hc *http.Client) *FloorClient {
	return &FloorClient{hc: hc, baseURL: baseURL, authorization: "Bearer " + token}
}

// GetUser implements UserClient.
func (c *FloorClient) GetUser(ctx context.Context, id string) (string, error) {
	var u floorUser
	if err := c.get(ctx, c.baseURL+"/users/"+url.PathEscape(id), &u); err != nil {
		return "", err
	}
	return u.Name, nil
}

// ListUsers implements UserClient.
func (c *FloorClient) ListUsers(ctx context.Context, limit, offset int) (int, error) {
	page, err := c.listUsers(ctx, limit, offset)
	if err != nil {
		return 0, err
	}
	return len(page.Data), nil
}

// WalkUsers implements UserClient. It stops at the first empty page or when
// the offset reaches the total.
func (c *FloorClient) WalkUsers(ctx context.Context, visit func(id string)) error {
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

func (c *FloorClient) listUsers(ctx context.Context, limit, offset int) (*floorUserList, error) {
	target := c.baseURL + "/users?limit=" + strconv.Itoa(limit) + "&offset=" + strconv.Itoa(offset)
	var page floorUserList
	if err := c.get(ctx, target, &page); err != nil {
		return nil, err
	}
	return &page, nil
}

// get sends a GET request to target and decodes the 200 response into v.
func (c *FloorClient) get(ctx context.Context, target string, v any) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, target, nil)
	if err != nil {
		return err
	}
	req.Header.Set("Authorization", c.authorization)

	resp, err := c.hc.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		_, _ = io.Copy(io.Discard, resp.Body)
		return fmt.Errorf("floor: GET %s: status %d", target, resp.StatusCode)
	}

	if err := json.NewDecoder(resp.Body).Decode(v); err != nil {
		return fmt.Errorf("floor: GET %s: decode: %w", target, err)
	}
	_, err = io.Copy(io.Discard, resp.Body)
	return err
}
