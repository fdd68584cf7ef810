package redcoretest

import (
	"fmt"
	"strings"
	"time"

	"github.com/redcore/redcore-go/api"
)

// The fixtures are generated from these lists, so they are the same on every
// start. No first name is "Bob": the reference creates bob@example.com, and
// that request must succeed against a fresh sandbox.
var (
	fixtureFirstNames = []string{
		"Amara", "Bruno", "Chen", "Dana", "Emil", "Fatima", "Goran", "Hana",
		"Ivan", "Julia", "Kofi", "Lena", "Mateo", "Nadia", "Oscar", "Priya",
		"Quinn", "Rosa", "Sven", "Tara", "Umar",
	}
	fixtureLastNames = []string{"Novak", "Okafor", "Lindqvist", "Tanaka", "Moreau", "Haddad", "Costa"}

	fixtureProductNouns = []string{
		"Widget", "Gadget", "Sprocket", "Bracket", "Hinge", "Valve", "Gear",
		"Bearing", "Clamp", "Coupling", "Flange", "Spring",
	}
	fixtureProductMaterials = []string{"Steel", "Copper", "Carbon", "Nylon", "Aluminium", "Brass", "Ceramic", "Oak"}
)

// fixtureUsers returns the 42 users of DefaultOrg: the reference's example
// usr_98765 (Alice Müller), which is the newest, and 41 older users.
func fixtureUsers() []api.User {
	alice := api.User{
		Id:        "usr_98765",
		Email:     "alice@example.com",
		Name:      "Alice Müller",
		Role:      api.Admin,
		Status:    api.UserStatusActive,
		CreatedAt: time.Date(2025, 11, 15, 8, 30, 0, 0, time.UTC),
		UpdatedAt: time.Date(2026, 4, 1, 14, 22, 0, 0, time.UTC),
	}
	users := []api.User{alice}

	roles := []api.Role{api.Viewer, api.Editor, api.Viewer, api.Admin, api.Editor}
	statuses := []api.UserStatus{api.UserStatusActive, api.UserStatusActive, api.UserStatusInactive, api.UserStatusActive, api.UserStatusPendingInvite}
	start := time.Date(2024, 1, 8, 9, 0, 0, 0, time.UTC)
	for i := range 41 {
		first := fixtureFirstNames[i%len(fixtureFirstNames)]
		last := fixtureLastNames[(i+i/len(fixtureFirstNames))%len(fixtureLastNames)]
		created := start.Add(time.Duration(i) * 7 * 24 * time.Hour).Add(time.Duration(i%5) * time.Hour)
		users = append(users, api.User{
			Id:        fmt.Sprintf("usr_%05d", 10001+i),
			Email:     fmt.Sprintf("%s.%s@example.com", strings.ToLower(first), strings.ToLower(last)),
			Name:      first + " " + last,
			Role:      roles[i%len(roles)],
			Status:    statuses[i%len(statuses)],
			CreatedAt: created,
			UpdatedAt: created.Add(time.Duration(i%3) * 24 * time.Hour),
		})
	}
	return users
}

// fixtureProducts returns the 87 products of the catalog: the reference's
// example prod_00123 (Titanium Widget Pro), which is the newest, and 86
// older products.
func fixtureProducts() []api.Product {
	widget := api.Product{
		Id:        "prod_00123",
		Name:      "Titanium Widget Pro",
		Sku:       "TWP-001",
		Price:     4999,
		Stock:     250,
		Status:    api.Available,
		CreatedAt: time.Date(2026, 1, 10, 12, 0, 0, 0, time.UTC),
	}
	products := []api.Product{widget}

	statuses := []api.ProductStatus{api.Available, api.Available, api.OutOfStock, api.Available, api.Discontinued}
	start := time.Date(2024, 3, 1, 10, 0, 0, 0, time.UTC)
	for i := range 86 {
		noun := fixtureProductNouns[i%len(fixtureProductNouns)]
		material := fixtureProductMaterials[i%len(fixtureProductMaterials)]
		status := statuses[i%len(statuses)]
		stock := 10 + (i*37)%400
		if status == api.OutOfStock {
			stock = 0
		}
		products = append(products, api.Product{
			Id:        fmt.Sprintf("prod_%05d", 201+i),
			Name:      fmt.Sprintf("%s %s %d", material, noun, 100+i),
			Sku:       fmt.Sprintf("%c%c-%03d", material[0], noun[0], 100+i),
			Price:     int64(499 + (i*1250)%25000),
			Stock:     stock,
			Status:    status,
			CreatedAt: start.Add(time.Duration(i) * 5 * 24 * time.Hour),
		})
	}
	return products
}
