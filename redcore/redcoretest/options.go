package redcoretest

import (
	"log/slog"
	"time"
)

// DefaultToken is the token that has every scope in DefaultOrg when no
// WithGrant option is given.
const DefaultToken = "sandbox_token"

// DefaultOrg is the organization that holds the fixtures, and the one a
// grant without an organization belongs to.
const DefaultOrg = "org_default"

// Scopes a token can carry. Each operation of the API requires one of them.
const (
	ScopeUsersRead    = "users:read"
	ScopeUsersWrite   = "users:write"
	ScopeProductsRead = "products:read"
)

// AllScopes lists every scope, in the order the API reference names them.
var AllScopes = []string{ScopeUsersRead, ScopeUsersWrite, ScopeProductsRead}

// DefaultRateLimit is the number of requests per minute a token may make
// when WithRateLimit is not given; the real API has the same limit.
const DefaultRateLimit = 1000

// Option configures a Handler made by NewHandler or NewServer.
type Option func(*config)

// grant is one token's organization and scopes.
type grant struct {
	token  string
	org    string
	scopes []string
}

// config is the settings that options fill in before NewHandler builds a
// Handler.
type config struct {
	grants      []grant
	noFixtures  bool
	rateLimit   int
	clock       func() time.Time
	newID       func(prefix string) string
	failRate    float64
	dropRate    float64
	faultSeed   int64
	latency     time.Duration
	stateFile   string
	logger      *slog.Logger
	noValidate  bool
	idempotency int
	randomToken bool
}

// WithGrant adds a token that belongs to org and carries scopes. An empty
// org means DefaultOrg. Once any grant is given, DefaultToken is no longer
// accepted unless it is granted too. WithGrant may be given many times; a
// later grant of the same token replaces the earlier one.
func WithGrant(token, org string, scopes ...string) Option {
	return func(c *config) {
		if org == "" {
			org = DefaultOrg
		}
		c.grants = append(c.grants, grant{token: token, org: org, scopes: append([]string(nil), scopes...)})
	}
}

// WithRandomToken grants a new random token with every scope in
// DefaultOrg, such as sandbox_k3x7..., which Handler.Token returns. Without
// WithGrant, DefaultToken is then not accepted. With WithStateFile the token
// is kept in the state file and granted again when a handler starts from
// that file, so that clients configured with it, and the idempotency keys
// recorded for it, keep working after a restart.
func WithRandomToken() Option {
	return func(c *config) { c.randomToken = true }
}

// WithoutFixtures starts the handler with no users and no products.
func WithoutFixtures() Option {
	return func(c *config) { c.noFixtures = true }
}

// WithRateLimit sets the number of requests per minute each token may make.
// Zero or less means DefaultRateLimit.
func WithRateLimit(perMinute int) Option {
	return func(c *config) { c.rateLimit = perMinute }
}

// WithClock sets the source of the current time, used for created_at,
// updated_at, the rate limit and the expiry of idempotency keys.
func WithClock(now func() time.Time) Option {
	return func(c *config) { c.clock = now }
}

// WithIDGenerator sets the function that makes the id of each new user.
// It is called with the prefix "usr_" and must return a complete id that
// no other user of the handler has, such as prefix plus a counter.
func WithIDGenerator(newID func(prefix string) string) Option {
	return func(c *config) { c.newID = newID }
}

// WithFaults injects failures into API requests, which are all requests
// but those of /openapi.yaml and /docs. A fraction failRate of them get 503
// SERVICE_UNAVAILABLE before anything is done. A fraction dropRate are done
// and then have their connection closed without a response. The draws come from a generator seeded with seed, so the same
// sequence of requests, sent one at a time, meets the same faults.
func WithFaults(failRate, dropRate float64, seed int64) Option {
	return func(c *config) {
		c.failRate = failRate
		c.dropRate = dropRate
		c.faultSeed = seed
	}
}

// WithLatency delays every API request by d before it is handled. The
// documents /openapi.yaml and /docs are not delayed.
func WithLatency(d time.Duration) Option {
	return func(c *config) { c.latency = d }
}

// WithStateFile keeps the users, the invitations, the recorded
// idempotency keys and the token of WithRandomToken in the file at path. The file is read when the handler
// starts, if it exists, and rewritten before the response to every
// acknowledged write is sent, so a killed process loses nothing it
// confirmed. Without this option all data lives in memory only.
func WithStateFile(path string) Option {
	return func(c *config) { c.stateFile = path }
}

// WithLogger sets the logger that receives one record per request (method,
// path, status, duration, request_id), each invitation sent, and each error
// the handler recovers from. By default nothing is logged.
func WithLogger(logger *slog.Logger) Option {
	return func(c *config) { c.logger = logger }
}

// withoutValidation turns off request validation against openapi.yaml, so
// that benchmarks can measure what it costs. Routing, authentication and
// scopes still apply.
func withoutValidation() Option {
	return func(c *config) { c.noValidate = true }
}

// withIdempotencyLimit sets how many idempotency keys the handler keeps
// before it evicts the oldest.
func withIdempotencyLimit(n int) Option {
	return func(c *config) { c.idempotency = n }
}
