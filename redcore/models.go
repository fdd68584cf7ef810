package redcore

import "github.com/redcore/redcore-go/api"

// User is a user of the organization. Unknown enum values from a newer
// server decode as they are.
type User = api.User

// Product is a product of the catalog.
type Product = api.Product

// Role is the role of a user: RoleAdmin, RoleEditor or RoleViewer.
type Role = api.Role

// UserStatus is the status of a user.
type UserStatus = api.UserStatus

// ProductStatus is the availability of a product.
type ProductStatus = api.ProductStatus

// ErrorDetail is one invalid field or parameter of a VALIDATION_ERROR.
type ErrorDetail = api.ErrorDetail

// Roles of a user.
const (
	RoleAdmin  = api.Admin
	RoleEditor = api.Editor
	RoleViewer = api.Viewer
)

// Statuses of a user. A created user is UserStatusPendingInvite until the
// invitation is accepted; an update sets only active or inactive.
const (
	UserStatusActive        = api.UserStatusActive
	UserStatusInactive      = api.UserStatusInactive
	UserStatusPendingInvite = api.UserStatusPendingInvite
)

// Statuses of a product.
const (
	ProductStatusAvailable    = api.Available
	ProductStatusOutOfStock   = api.OutOfStock
	ProductStatusDiscontinued = api.Discontinued
)
