package redcoretest

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"time"

	"github.com/redcore/redcore-go/api"
)

// operations implements the generated api.StrictServerInterface over the
// store. An operation runs only after the handler routed, authenticated,
// rate-limited, scope-checked and (unless turned off) validated the request.
// It still checks what the document cannot state (email addresses, names
// that are blank or contain control characters) and what it can, so that
// it stays correct when validation is off.
// A failed operation returns an *apiError, which the strict server's
// response error hook writes.
type operations struct {
	h *Handler
}

var _ api.StrictServerInterface = operations{}

const (
	defaultLimit = 20
	maxLimit     = 100
)

// pageBounds applies the defaults of limit and offset and checks their
// ranges.
func pageBounds(limit, offset *int) (int, int, error) {
	l, o := defaultLimit, 0
	if limit != nil {
		l = *limit
	}
	if offset != nil {
		o = *offset
	}
	var details []api.ErrorDetail
	if l < 1 || l > maxLimit {
		details = append(details, api.ErrorDetail{Field: "limit", Issue: fmt.Sprintf("must be from 1 to %d", maxLimit)})
	}
	if o < 0 {
		details = append(details, api.ErrorDetail{Field: "offset", Issue: "must be at least 0"})
	}
	if details != nil {
		return 0, 0, validationError(details...)
	}
	return l, o, nil
}

func (op operations) ListUsers(ctx context.Context, req api.ListUsersRequestObject) (api.ListUsersResponseObject, error) {
	info := requestInfoFrom(ctx)
	p := req.Params
	limit, offset, err := pageBounds(p.Limit, p.Offset)
	if err != nil {
		return nil, err
	}

	var f userFilter
	if p.Role != nil {
		f.role = *p.Role
	}
	if p.Status != nil {
		f.status = *p.Status
	}
	if p.Q != nil {
		f.q = *p.Q
	}
	users, total := op.h.store.listUsers(info.principal.org, f, limit, offset)
	return api.ListUsers200JSONResponse{Body: api.UserList{
		Data: users,
		Meta: api.ListMeta{Total: total, Limit: limit, Offset: offset},
	}}, nil
}

func (op operations) GetUser(ctx context.Context, req api.GetUserRequestObject) (api.GetUserResponseObject, error) {
	info := requestInfoFrom(ctx)
	u, err := op.h.store.getUser(info.principal.org, req.UserId)
	if err != nil {
		return nil, userNotFound(req.UserId)
	}
	return api.GetUser200JSONResponse{Body: u}, nil
}

func (op operations) CreateUser(ctx context.Context, req api.CreateUserRequestObject) (api.CreateUserResponseObject, error) {
	info := requestInfoFrom(ctx)
	if req.Body == nil {
		return nil, validationError(api.ErrorDetail{Field: "body", Issue: "is required"})
	}
	b := *req.Body

	var details []api.ErrorDetail
	if issue := emailIssue(b.Email); issue != "" {
		details = append(details, api.ErrorDetail{Field: "email", Issue: issue})
	}
	if issue := nameIssue(b.Name); issue != "" {
		details = append(details, api.ErrorDetail{Field: "name", Issue: issue})
	}
	if !b.Role.Valid() {
		details = append(details, api.ErrorDetail{Field: "role", Issue: "must be one of admin, editor, viewer"})
	}
	if details != nil {
		return nil, validationError(details...)
	}

	now := op.h.now()
	u := api.User{
		Id:        op.h.newID("usr_"),
		Email:     b.Email,
		Name:      b.Name,
		Role:      b.Role,
		Status:    api.UserStatusPendingInvite,
		CreatedAt: now,
		UpdatedAt: now,
	}
	inv, err := op.h.store.createUser(info.principal.org, u)
	if errors.Is(err, errDuplicateEmail) {
		return nil, &apiError{
			status:  http.StatusConflict,
			code:    api.DUPLICATEEMAIL,
			message: fmt.Sprintf("a user with email %q already exists", b.Email),
		}
	}
	if err != nil {
		return nil, err
	}
	op.h.logger.Info("invitation sent", "user_id", inv.UserID, "email", inv.Email, "org", inv.Org, "request_id", info.id)

	location := basePath + "/users/" + url.PathEscape(u.Id)
	return api.CreateUser201JSONResponse{
		Body:    u,
		Headers: api.CreateUser201ResponseHeaders{Location: &location},
	}, nil
}

func (op operations) UpdateUser(ctx context.Context, req api.UpdateUserRequestObject) (api.UpdateUserResponseObject, error) {
	info := requestInfoFrom(ctx)
	if req.Body == nil {
		return nil, validationError(api.ErrorDetail{Field: "body", Issue: "is required"})
	}
	b := *req.Body

	var details []api.ErrorDetail
	if b.Name == nil && b.Role == nil && b.Status == nil {
		details = append(details, api.ErrorDetail{Field: "body", Issue: "must have at least 1 field"})
	}
	if b.Name != nil {
		if issue := nameIssue(*b.Name); issue != "" {
			details = append(details, api.ErrorDetail{Field: "name", Issue: issue})
		}
	}
	if b.Role != nil && !b.Role.Valid() {
		details = append(details, api.ErrorDetail{Field: "role", Issue: "must be one of admin, editor, viewer"})
	}
	if b.Status != nil && !b.Status.Valid() {
		details = append(details, api.ErrorDetail{Field: "status", Issue: "must be one of active, inactive"})
	}
	if details != nil {
		return nil, validationError(details...)
	}

	c := userChanges{name: b.Name, role: b.Role}
	if b.Status != nil {
		status := api.UserStatus(*b.Status)
		c.status = &status
	}
	u, err := op.h.store.updateUser(info.principal.org, req.UserId, c, op.h.now())
	if err != nil {
		return nil, userNotFound(req.UserId)
	}
	return api.UpdateUser200JSONResponse{Body: u}, nil
}

func (op operations) DeleteUser(ctx context.Context, req api.DeleteUserRequestObject) (api.DeleteUserResponseObject, error) {
	info := requestInfoFrom(ctx)
	if err := op.h.store.deleteUser(info.principal.org, req.UserId); err != nil {
		return nil, userNotFound(req.UserId)
	}
	return api.DeleteUser204Response{}, nil
}

func (op operations) ListProducts(ctx context.Context, req api.ListProductsRequestObject) (api.ListProductsResponseObject, error) {
	p := req.Params
	limit, offset, err := pageBounds(p.Limit, p.Offset)
	if err != nil {
		return nil, err
	}

	var f productFilter
	if p.Status != nil {
		f.status = *p.Status
	}
	if p.Q != nil {
		f.q = *p.Q
	}
	products, total := op.h.store.listProducts(f, limit, offset)
	return api.ListProducts200JSONResponse{Body: api.ProductList{
		Data: products,
		Meta: api.ListMeta{Total: total, Limit: limit, Offset: offset},
	}}, nil
}

func (op operations) GetProduct(ctx context.Context, req api.GetProductRequestObject) (api.GetProductResponseObject, error) {
	product, err := op.h.store.getProduct(req.ProductId)
	if err != nil {
		return nil, &apiError{
			status:  http.StatusNotFound,
			code:    api.NOTFOUND,
			message: fmt.Sprintf("product %q not found", req.ProductId),
		}
	}
	return api.GetProduct200JSONResponse{Body: product}, nil
}

func userNotFound(id string) *apiError {
	return &apiError{status: http.StatusNotFound, code: api.NOTFOUND, message: fmt.Sprintf("user %q not found", id)}
}

// now returns the handler's clock in UTC, to the millisecond, as the API
// writes times.
func (h *Handler) now() time.Time {
	return h.clock().UTC().Truncate(time.Millisecond)
}
