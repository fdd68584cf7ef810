package redcore_test

import (
	"context"
	"errors"
	"fmt"
	"log"
	"net/http/httptest"
	"time"

	"github.com/redcore/redcore-go/redcore"
	"github.com/redcore/redcore-go/redcore/redcoretest"
)

// startSandbox starts the in-memory RedCore API on 127.0.0.1, with a fixed
// clock and numbered ids so that the output does not change, and returns a
// client of it and the function that stops it. With the real API, the
// client is redcore.NewClient(redcore.WithToken(token)).
func startSandbox(opts ...redcore.Option) (*redcore.Client, func()) {
	clock := func() time.Time { return time.Date(2026, 12, 4, 9, 0, 0, 0, time.UTC) }
	next := 0
	ids := func(prefix string) string {
		next++
		return fmt.Sprintf("%s%05d", prefix, next)
	}
	handler, err := redcoretest.NewHandler(redcoretest.WithClock(clock), redcoretest.WithIDGenerator(ids))
	if err != nil {
		log.Fatal(err)
	}
	server := httptest.NewServer(handler)

	all := append([]redcore.Option{
		redcore.WithBaseURL(server.URL + "/v1"),
		redcore.WithToken(redcoretest.DefaultToken),
	}, opts...)
	client, err := redcore.NewClient(all...)
	if err != nil {
		log.Fatal(err)
	}
	return client, func() {
		server.Close()
		_ = handler.Close()
	}
}

func ExampleNewClient() {
	client, stop := startSandbox(
		redcore.WithMaxRetries(4),
		redcore.WithMaxRetryWait(30*time.Second),
		redcore.WithUserAgent("inventory-sync/2.3"),
		redcore.WithRateLimit(600),
	)
	defer stop()

	user, err := client.Users.Get(context.Background(), "usr_98765")
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(user.Name)
	// Output: Alice Müller
}

func ExampleUserService_List() {
	client, stop := startSandbox()
	defer stop()

	// GET /v1/users?role=admin&status=active&limit=10
	page, err := client.Users.List(context.Background(), redcore.ListUsersParams{
		Role:   redcore.RoleAdmin,
		Status: redcore.UserStatusActive,
		Limit:  10,
	})
	if err != nil {
		log.Fatal(err)
	}
	first := page.Data[0]
	fmt.Println(first.Id, first.Email, first.Name, first.CreatedAt.Format(time.RFC3339))
	fmt.Printf("%d of %d, limit %d, offset %d\n", len(page.Data), page.Total, page.Limit, page.Offset)
	// Output:
	// usr_98765 alice@example.com Alice Müller 2025-11-15T08:30:00Z
	// 9 of 9, limit 10, offset 0
}

func ExampleUserService_All() {
	client, stop := startSandbox()
	defer stop()

	// Every active admin, fetched 50 per page as the loop goes.
	params := redcore.ListUsersParams{Role: redcore.RoleAdmin, Status: redcore.UserStatusActive, Limit: 50}
	for user, err := range client.Users.All(context.Background(), params) {
		if err != nil {
			log.Fatal(err)
		}
		fmt.Println(user.Id, user.Email)
	}
	// Output:
	// usr_98765 alice@example.com
	// usr_10039 rosa.moreau@example.com
	// usr_10034 mateo.costa@example.com
	// usr_10029 hana.okafor@example.com
	// usr_10024 chen.tanaka@example.com
	// usr_10019 sven.moreau@example.com
	// usr_10014 nadia.costa@example.com
	// usr_10009 ivan.okafor@example.com
	// usr_10004 dana.tanaka@example.com
}

func ExampleUserService_Pages() {
	client, stop := startSandbox()
	defer stop()

	for page, err := range client.Users.Pages(context.Background(), redcore.ListUsersParams{Limit: 20}) {
		if err != nil {
			log.Fatal(err)
		}
		fmt.Printf("offset %d: %d of %d users\n", page.Offset, len(page.Data), page.Total)
	}
	// Output:
	// offset 0: 20 of 42 users
	// offset 20: 20 of 42 users
	// offset 40: 2 of 42 users
}

func ExampleUserService_Get() {
	client, stop := startSandbox()
	defer stop()

	for _, id := range []string{"usr_98765", "usr_00000"} {
		user, err := client.Users.Get(context.Background(), id)
		if errors.Is(err, redcore.ErrNotFound) {
			fmt.Println("User does not exist.")
			continue
		}
		if err != nil {
			log.Fatal(err)
		}
		fmt.Println(user.Name, user.Role)
	}
	// Output:
	// Alice Müller admin
	// User does not exist.
}

func ExampleUserService_Create() {
	client, stop := startSandbox()
	defer stop()

	attempts := []redcore.CreateUserParams{
		{Email: "bob@example.com", Name: "Bob Smith", Role: redcore.RoleEditor},
		{Email: "BOB@example.com", Name: "Bob Smith", Role: redcore.RoleEditor},
		{Email: "not-an-address", Name: "Bob Smith", Role: redcore.RoleEditor},
	}
	for _, params := range attempts {
		user, err := client.Users.Create(context.Background(), params)
		var apiErr *redcore.APIError
		switch {
		case errors.Is(err, redcore.ErrValidation) && errors.As(err, &apiErr):
			for _, detail := range apiErr.Details {
				fmt.Println(detail.Field, detail.Issue)
			}
		case errors.Is(err, redcore.ErrDuplicate):
			fmt.Println("A user with this email already exists.")
		case err != nil:
			log.Fatal(err)
		default:
			fmt.Println("Invited:", user.Id, user.Status)
		}
	}
	// Output:
	// Invited: usr_00001 pending_invite
	// A user with this email already exists.
	// email must be a valid email address, got "not-an-address"
}

func ExampleUserService_Update() {
	client, stop := startSandbox()
	defer stop()

	updated, err := client.Users.Update(context.Background(), "usr_10001", redcore.UpdateUserParams{
		Role: redcore.Ptr(redcore.RoleAdmin),
	})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(updated.Role, updated.UpdatedAt.Format(time.RFC3339))
	// Output: admin 2026-12-04T09:00:00Z
}

func ExampleUserService_Delete() {
	client, stop := startSandbox()
	defer stop()

	ctx := context.Background()
	if err := client.Users.Delete(ctx, "usr_98765"); err != nil {
		log.Fatal(err)
	}
	err := client.Users.Delete(ctx, "usr_98765")
	fmt.Println(errors.Is(err, redcore.ErrNotFound))
	// Output: true
}

func ExampleProductService_List() {
	client, stop := startSandbox()
	defer stop()

	// GET /v1/products?status=available&limit=5
	page, err := client.Products.List(context.Background(), redcore.ListProductsParams{
		Status: redcore.ProductStatusAvailable,
		Limit:  5,
	})
	if err != nil {
		log.Fatal(err)
	}
	p := page.Data[0]
	fmt.Println(p.Id, p.Name, p.Sku, p.Price, p.Stock, p.Status)
	fmt.Printf("%d of %d, limit %d, offset %d\n", len(page.Data), page.Total, page.Limit, page.Offset)
	// Output:
	// prod_00123 Titanium Widget Pro TWP-001 4999 250 available
	// 5 of 53, limit 5, offset 0
}

func ExampleProductService_All() {
	client, stop := startSandbox()
	defer stop()

	// Every product, 100 per page, counted by status.
	counts := map[redcore.ProductStatus]int{}
	for product, err := range client.Products.All(context.Background(), redcore.ListProductsParams{}) {
		if err != nil {
			log.Fatal(err)
		}
		counts[product.Status]++
	}
	fmt.Println(counts[redcore.ProductStatusAvailable], "available")
	fmt.Println(counts[redcore.ProductStatusOutOfStock], "out of stock")
	fmt.Println(counts[redcore.ProductStatusDiscontinued], "discontinued")
	// Output:
	// 53 available
	// 17 out of stock
	// 17 discontinued
}

func ExampleProductService_Pages() {
	client, stop := startSandbox()
	defer stop()

	for page, err := range client.Products.Pages(context.Background(), redcore.ListProductsParams{Limit: 40}) {
		if err != nil {
			log.Fatal(err)
		}
		fmt.Printf("offset %d: %d products\n", page.Offset, len(page.Data))
	}
	// Output:
	// offset 0: 40 products
	// offset 40: 40 products
	// offset 80: 7 products
}

func ExampleProductService_Get() {
	client, stop := startSandbox()
	defer stop()

	product, err := client.Products.Get(context.Background(), "prod_00123")
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("%s — $%d.%02d\n", product.Name, product.Price/100, product.Price%100)
	// Output: Titanium Widget Pro — $49.99
}

func ExampleContextWithIdempotencyKey() {
	client, stop := startSandbox()
	defer stop()

	// A batch job names each row's request, so that a run restarted after
	// a crash does not create the row's user a second time.
	ctx := redcore.ContextWithIdempotencyKey(context.Background(), "import-2026-12-04-row-17")
	params := redcore.CreateUserParams{Email: "bob@example.com", Name: "Bob Smith", Role: redcore.RoleEditor}
	first, err := client.Users.Create(ctx, params)
	if err != nil {
		log.Fatal(err)
	}
	again, err := client.Users.Create(ctx, params)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(first.Id, again.Id)
	// Output: usr_00001 usr_00001
}

func ExampleAPIError() {
	client, stop := startSandbox()
	defer stop()

	_, err := client.Users.Get(context.Background(), "usr_00000")
	var apiErr *redcore.APIError
	if errors.As(err, &apiErr) {
		fmt.Println(apiErr.StatusCode, apiErr.Code, apiErr.Message)
	}
	// Output: 404 NOT_FOUND user "usr_00000" not found
}

func ExampleClient_API() {
	client, stop := startSandbox()
	defer stop()

	// The generated client shares the token, retries and transport.
	resp, err := client.API().GetProductWithResponse(context.Background(), "prod_00123")
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(resp.StatusCode(), resp.JSON200.Sku)
	// Output: 200 TWP-001
}
