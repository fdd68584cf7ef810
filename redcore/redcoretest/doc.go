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
// Beyond openapi.yaml, the sandbox rejects with 400 VALIDATION_ERROR, and
// names every invalid field or parameter of a request in one response:
//   - a body that is not exactly one JSON value in UTF-8: data after it,
//     and a key given twice in one object, are rejected;
//   - a user name that is blank or contains a control character (C0, DEL
//     or C1);
//   - an email address that net/mail does not parse as a bare address, or
//     that is over 254 characters or has over 64 before the "@". Its domain
//     must be a dotted host name of letters, digits and hyphens, where no
//     label starts or ends with a hyphen, so a@[127.0.0.1], a@b and
//     x@localhost are rejected;
//   - a query parameter that the operation does not take, that is given
//     twice, that has an invalid percent-encoding, or that is empty although
//     it takes an integer or one of a set of values.
//
// A path that is not clean, such as /v1/users/., is 404 rather than a
// redirect, and a 405 carries an Allow header. An Idempotency-Key repeat
// whose body is the same JSON value, with its keys in another order or
// other white space, is the same request. A body that is not valid JSON is
// compared byte for byte.
//
// The handler starts with 42 users and 87 products in the organization
// DefaultOrg, among them the reference's examples usr_98765 (Alice Müller)
// and prod_00123 (Titanium Widget Pro). Without WithGrant the token
// DefaultToken has every scope in DefaultOrg.
package redcoretest
