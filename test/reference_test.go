package test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/redcore/redcore-go/redcore"
	"github.com/redcore/redcore-go/redcore/redcoretest"
)

// The tests in this file walk the API reference's examples with the redcore
// client against the sandbox over real HTTP on loopback.

func TestReferenceListActiveAdmins(t *testing.T) {
	client := redcoretest.NewServer(t).Client()

	page, err := client.Users.List(context.Background(), redcore.ListUsersParams{
		Role: redcore.RoleAdmin, Status: redcore.UserStatusActive, Limit: 10,
	})
	if err != nil {
		t.Fatalf("List: %v", err)
	}

	if page.Limit != 10 {
		t.Errorf("Limit = %d, want 10", page.Limit)
	}
	if page.Offset != 0 {
		t.Errorf("Offset = %d, want 0", page.Offset)
	}
	if page.Total < 1 || page.Total > 42 {
		t.Errorf("Total = %d, want between 1 and 42", page.Total)
	}
	if len(page.Data) > 10 {
		t.Errorf("len(Data) = %d, want at most 10", len(page.Data))
	}
	for _, u := range page.Data {
		if u.Role != redcore.RoleAdmin || u.Status != redcore.UserStatusActive {
			t.Errorf("user %s is %s/%s, want admin/active", u.Id, u.Role, u.Status)
		}
	}
	if !containsUser(page.Data, "usr_98765") {
		t.Errorf("page does not contain usr_98765")
	}
}

func TestReferenceRetrieveAlice(t *testing.T) {
	client := redcoretest.NewServer(t).Client()

	user, err := client.Users.Get(context.Background(), "usr_98765")
	if err != nil {
		t.Fatalf("Get: %v", err)
	}

	want := redcore.User{
		Id:        "usr_98765",
		Email:     "alice@example.com",
		Name:      "Alice Müller",
		Role:      redcore.RoleAdmin,
		Status:    redcore.UserStatusActive,
		CreatedAt: time.Date(2025, 11, 15, 8, 30, 0, 0, time.UTC),
		UpdatedAt: time.Date(2026, 4, 1, 14, 22, 0, 0, time.UTC),
	}
	if !user.CreatedAt.Equal(want.CreatedAt) {
		t.Errorf("CreatedAt = %v, want %v", user.CreatedAt, want.CreatedAt)
	}
	if !user.UpdatedAt.Equal(want.UpdatedAt) {
		t.Errorf("UpdatedAt = %v, want %v", user.UpdatedAt, want.UpdatedAt)
	}
	user.CreatedAt, user.UpdatedAt = want.CreatedAt, want.UpdatedAt
	if *user != want {
		t.Errorf("Get = %+v, want %+v", *user, want)
	}
}

func TestReferenceUserLifecycle(t *testing.T) {
	srv := redcoretest.NewServer(t)
	client := srv.Client()
	ctx := context.Background()

	bob, err := client.Users.Create(ctx, redcore.CreateUserParams{
		Email: "bob@example.com", Name: "Bob Smith", Role: redcore.RoleEditor,
	})
	if err != nil {
		t.Fatalf("Create: %v", err)
	}
	if bob.Status != redcore.UserStatusPendingInvite {
		t.Errorf("Status = %q, want pending_invite", bob.Status)
	}
	if !bob.CreatedAt.Equal(bob.UpdatedAt) {
		t.Errorf("CreatedAt %v != UpdatedAt %v", bob.CreatedAt, bob.UpdatedAt)
	}
	if invitations := srv.Handler().Invitations(); len(invitations) != 1 {
		t.Errorf("invitations = %d, want 1", len(invitations))
	}

	_, err = client.Users.Create(ctx, redcore.CreateUserParams{
		Email: "BOB@example.com", Name: "Bob Again", Role: redcore.RoleViewer,
	})
	if !errors.Is(err, redcore.ErrDuplicate) {
		t.Errorf("second Create error = %v, want ErrDuplicate", err)
	}

	updated, err := client.Users.Update(ctx, bob.Id, redcore.UpdateUserParams{Role: redcore.Ptr(redcore.RoleAdmin)})
	if err != nil {
		t.Fatalf("Update: %v", err)
	}
	if updated.Role != redcore.RoleAdmin {
		t.Errorf("Role = %q, want admin", updated.Role)
	}
	if updated.Name != "Bob Smith" {
		t.Errorf("Name = %q, want it unchanged", updated.Name)
	}
	if !updated.UpdatedAt.After(bob.UpdatedAt) {
		t.Errorf("UpdatedAt %v did not advance past %v", updated.UpdatedAt, bob.UpdatedAt)
	}

	if err := client.Users.Delete(ctx, bob.Id); err != nil {
		t.Fatalf("Delete: %v", err)
	}
	_, err = client.Users.Get(ctx, bob.Id)
	if !errors.Is(err, redcore.ErrNotFound) {
		t.Errorf("Get after Delete error = %v, want ErrNotFound", err)
	}
	if err := client.Users.Delete(ctx, bob.Id); !errors.Is(err, redcore.ErrNotFound) {
		t.Errorf("second Delete error = %v, want ErrNotFound", err)
	}

	// The email address is free again once its user is deleted.
	if _, err := client.Users.Create(ctx, redcore.CreateUserParams{
		Email: "bob@example.com", Name: "Bob Smith", Role: redcore.RoleEditor,
	}); err != nil {
		t.Errorf("Create after Delete: %v", err)
	}
}

func TestReferenceCreateValidation(t *testing.T) {
	client := redcoretest.NewServer(t).Client()

	_, err := client.Users.Create(context.Background(), redcore.CreateUserParams{
		Email: "not-an-address", Name: "Bob Smith", Role: redcore.RoleEditor,
	})

	var apiErr *redcore.APIError
	if !errors.As(err, &apiErr) {
		t.Fatalf("error = %v, want *APIError", err)
	}
	if !errors.Is(err, redcore.ErrValidation) {
		t.Errorf("error = %v, want ErrValidation", err)
	}
	if apiErr.StatusCode != 400 {
		t.Errorf("StatusCode = %d, want 400", apiErr.StatusCode)
	}
	if len(apiErr.Details) == 0 || apiErr.Details[0].Field != "email" {
		t.Errorf("Details = %+v, want one naming email", apiErr.Details)
	}
	if apiErr.RequestID == "" {
		t.Errorf("RequestID is empty")
	}
}

func TestReferenceProducts(t *testing.T) {
	client := redcoretest.NewServer(t).Client()
	ctx := context.Background()

	page, err := client.Products.List(ctx, redcore.ListProductsParams{Status: redcore.ProductStatusAvailable, Limit: 5})
	if err != nil {
		t.Fatalf("List: %v", err)
	}
	if len(page.Data) != 5 {
		t.Errorf("len(Data) = %d, want 5", len(page.Data))
	}
	if page.Total < 5 || page.Total > 87 {
		t.Errorf("Total = %d, want between 5 and 87", page.Total)
	}

	product, err := client.Products.Get(ctx, "prod_00123")
	if err != nil {
		t.Fatalf("Get: %v", err)
	}
	if product.Name != "Titanium Widget Pro" || product.Sku != "TWP-001" {
		t.Errorf("product = %s %s, want Titanium Widget Pro TWP-001", product.Name, product.Sku)
	}
	if product.Price != 4999 {
		t.Errorf("Price = %d, want 4999", product.Price)
	}
	if product.Stock != 250 {
		t.Errorf("Stock = %d, want 250", product.Stock)
	}

	var count int
	for _, err := range client.Products.All(ctx, redcore.ListProductsParams{}) {
		if err != nil {
			t.Fatalf("All: %v", err)
		}
		count++
	}
	if count != 87 {
		t.Errorf("All yielded %d products, want 87", count)
	}
}

func TestReferenceScopesAndOrganizations(t *testing.T) {
	srv := redcoretest.NewServer(t,
		redcoretest.WithGrant("reader", redcoretest.DefaultOrg, redcoretest.ScopeUsersRead),
		redcoretest.WithGrant("other", "org_other", redcoretest.AllScopes...),
	)
	ctx := context.Background()
	reader := srv.Client(redcore.WithToken("reader"))
	other := srv.Client(redcore.WithToken("other"))

	_, err := reader.Users.Create(ctx, redcore.CreateUserParams{
		Email: "bob@example.com", Name: "Bob Smith", Role: redcore.RoleEditor,
	})
	if !errors.Is(err, redcore.ErrForbidden) {
		t.Errorf("Create without users:write error = %v, want ErrForbidden", err)
	}
	if _, err := reader.Products.Get(ctx, "prod_00123"); !errors.Is(err, redcore.ErrForbidden) {
		t.Errorf("product Get without products:read error = %v, want ErrForbidden", err)
	}
	if _, err := other.Users.Get(ctx, "usr_98765"); !errors.Is(err, redcore.ErrNotFound) {
		t.Errorf("Get of another organization's user error = %v, want ErrNotFound", err)
	}

	unknown := srv.Client(redcore.WithToken("no-such-token"))
	if _, err := unknown.Users.Get(ctx, "usr_98765"); !errors.Is(err, redcore.ErrUnauthorized) {
		t.Errorf("Get with an unknown token error = %v, want ErrUnauthorized", err)
	}
}

func containsUser(users []redcore.User, id string) bool {
	for _, u := range users {
		if u.Id == id {
			return true
		}
	}
	return false
}
