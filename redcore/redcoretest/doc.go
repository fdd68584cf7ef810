// Package redcoretest is an in-memory RedCore API server for tests, examples
// and demos.
//
// It implements the wire behaviour of the real API as openapi.yaml states
// it. That covers bearer tokens with scopes and organizations, and users and
// products with their list, create, update and delete semantics. It also
// covers the JSON error body with its codes, the X-Request-Id and rate-limit
// headers, idempotency keys, and request validation against the document. Options make a test
// deterministic (clock, id generator, fault seed) or exercise failure paths
// (rate limit, injected 503s and dropped responses, latency).
//
// A test starts one with NewServer, which listens on 127.0.0.1 and stops
// when the test ends:
//
//	srv := redcoretest.NewServer(t)
//	client := srv.Client()
//	page, err := client.Users.List(ctx, redcore.ListUsersParams{Role: redcore.RoleAdmin})
//
// NewHandler gives the http.Handler alone; the redcore mock command serves it.
//
// The handler starts with 42 users and 87 products in the organization
// DefaultOrg, among them the reference's examples usr_98765 (Alice Müller)
// and prod_00123 (Titanium Widget Pro). Without WithGrant the token
// DefaultToken has every scope in DefaultOrg.
package redcoretest
