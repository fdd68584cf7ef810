// Package redcore is the Go client of the RedCore REST API: the users of an
// organization and its product catalog.
//
// # Getting started
//
// NewClient reads the token from REDCORE_API_TOKEN unless WithToken gives
// one, and sends requests to https://api.redcore.com/v1 unless WithBaseURL
// or REDCORE_BASE_URL sets another base URL:
//
//	client, err := redcore.NewClient(redcore.WithToken(token))
//	if err != nil {
//		return err
//	}
//	user, err := client.Users.Get(ctx, "usr_98765")
//
// Client.Users lists, reads, creates, updates and deletes users;
// Client.Products lists and reads products. Client.API returns the
// generated client of the api package for anything else, with the same
// token, retries and transport. The redcoretest package serves the whole
// API in memory for tests and examples.
//
// # Retries
//
// A request that fails with 429, 500, 502, 503 or 504, or with a refused
// or reset connection or a connection closed before the response, is
// retried up to twice (WithMaxRetries). Other 4xx statuses are never
// retried. The wait before the n-th retry is random between zero and
// min(0.5 s * 2^(n-1), 8 s), unless the response has a Retry-After header,
// in seconds or as an HTTP-date, which then sets the wait. When the server
// requests a wait longer than WithMaxRetryWait (60 s by default), or longer
// than the context has left, the call returns the error at once, with
// APIError.RetryAfter set, instead of waiting less than requested. Cancelling
// the context ends a wait at once. Every attempt sends the same body, and
// the body of a failed response is drained (up to 64 KiB) so that the
// retry reuses the connection.
//
// # Idempotency keys
//
// Every POST, PATCH and DELETE carries an Idempotency-Key header: one new
// random key per call, the same on every attempt of that call.
// ContextWithIdempotencyKey sets a key of the caller's own instead, for
// example to resume a batch job after a crash. POST is retried only
// because of this key: retrying a POST after a lost response relies on the
// server honouring the key, which it does by replaying the recorded
// response for 24 hours instead of creating the user again. A server or
// proxy that ignores the header would create a second user.
//
// # Pagination
//
// List returns one page. All and Pages walk every page from the given
// offset, 100 items per page unless ListUsersParams.Limit is smaller, and
// fetch the next page only when the range loop needs it, so
// breaking out of the loop stops fetching. The walk advances by the items
// received, stops at the total or at an empty page, and fails instead of
// looping when the server ignores the offset. Offset paging shifts items
// when the list changes during a walk. Users created during the walk move
// older users to later pages, and the walk drops the repeats, so no id is
// yielded twice. Users deleted during the walk move later users to earlier
// pages, which can hide them from the walk: nothing on the client side can
// see that.
//
// # Errors
//
// A non-2xx response is an *APIError with the status, the API's error code,
// message, request id and field details. errors.Is matches it against
// ErrValidation, ErrUnauthorized, ErrForbidden, ErrNotFound, ErrDuplicate,
// ErrIdempotencyKeyReused and ErrRateLimited by its code. A response
// without the API's JSON error body, such as a proxy's HTML page, is an
// *APIError too, with the content type and the start of the body in
// Message. Input that the API would reject, such as an empty id or a List
// limit over 100, is an ErrValidation *APIError with StatusCode 0, returned
// before any request.
//
// # Security
//
// The token goes only to the origin (scheme, host and port) of the base
// URL: a redirect to any other origin is followed without it. A base URL
// with http instead of https is accepted only for loopback hosts unless
// WithInsecureHTTP is given. Logs written through WithLogger never contain
// the token.
package redcore
