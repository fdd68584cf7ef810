package redcore

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"os"
	"runtime"
	"strings"
	"time"

	"golang.org/x/time/rate"

	"github.com/redcore/redcore-go/api"
)

// Version is the version of this SDK. It is sent in the User-Agent header.
const Version = "0.1.0"

// DefaultBaseURL is the production base URL of the RedCore API, version 1
// included. WithBaseURL and REDCORE_BASE_URL replace it.
const DefaultBaseURL = "https://api.redcore.com/v1"

// Defaults of the retry options.
const (
	defaultMaxRetries   = 2
	defaultMaxRetryWait = 60 * time.Second
)

// Client is a client of the RedCore API. Its services send every request with
// the bearer token, retries, idempotency keys, the User-Agent and the
// optional rate limit. A Client is safe for concurrent use.
type Client struct {
	// Users manages the users of the token's organization.
	Users *UserService
	// Products reads the product catalog.
	Products *ProductService

	generated  *api.ClientWithResponses
	transport  *transport
	httpClient *http.Client // the generated client's, with transport under it
	base       string       // the base URL without a trailing slash
}

// Option configures a Client in NewClient.
type Option func(*config) error

// config collects the options before NewClient checks and applies them.
type config struct {
	token        string
	baseURL      string
	httpClient   *http.Client
	maxRetries   int
	maxRetryWait time.Duration
	logger       *slog.Logger
	userAgent    string
	perMinute    int
	insecureHTTP bool
}

// WithToken sets the API token sent as "Authorization: Bearer TOKEN". The
// default is the value of the REDCORE_API_TOKEN environment variable.
func WithToken(token string) Option {
	return func(c *config) error {
		c.token = token
		return nil
	}
}

// WithBaseURL sets the base URL of the API, including the version path, such
// as "http://127.0.0.1:8080/v1". The default is the value of the
// REDCORE_BASE_URL environment variable, else DefaultBaseURL. NewClient
// rejects a value without the http or https scheme or without a host, such
// as "127.0.0.1:8080/v1".
func WithBaseURL(baseURL string) Option {
	return func(c *config) error {
		c.baseURL = baseURL
		return nil
	}
}

// WithHTTPClient sets the HTTP client whose transport, timeout, cookie jar
// and redirect policy the Client uses. The Client wraps a copy of it and
// leaves the original unchanged. The default is a client with
// http.DefaultTransport.
func WithHTTPClient(hc *http.Client) Option {
	return func(c *config) error {
		if hc == nil {
			return errors.New("redcore: WithHTTPClient: the HTTP client is nil")
		}
		c.httpClient = hc
		return nil
	}
}

// WithMaxRetries sets how many times a failed request is retried. The default
// is 2, so a request is attempted at most 3 times. Zero turns retries off.
func WithMaxRetries(n int) Option {
	return func(c *config) error {
		if n < 0 {
			return fmt.Errorf("redcore: WithMaxRetries: %d is negative", n)
		}
		c.maxRetries = n
		return nil
	}
}

// WithMaxRetryWait sets the maximum wait before a retry. When the server
// requests a longer wait with Retry-After, the request fails at once with an
// *APIError whose RetryAfter is the server's wait. The default is 60 seconds.
func WithMaxRetryWait(d time.Duration) Option {
	return func(c *config) error {
		if d < 0 {
			return fmt.Errorf("redcore: WithMaxRetryWait: %s is negative", d)
		}
		c.maxRetryWait = d
		return nil
	}
}

// WithLogger sets the logger of the client's requests. Each attempt gets a
// debug record "redcore: request attempt" with method, path, status,
// attempt, duration and request_id. Each retry wait gets an info record
// "redcore: retrying request" with method, path, attempt (the attempt to
// come), max_attempts, wait and reason, then status for a failed response
// or error for a transport error. No record contains the token or any
// header. The default discards them.
func WithLogger(logger *slog.Logger) Option {
	return func(c *config) error {
		c.logger = logger
		return nil
	}
}

// WithUserAgent appends a product token, such as "my-app/1.2", to the
// User-Agent header "redcore-go/VERSION (go VERSION; OS/ARCH)".
func WithUserAgent(userAgent string) Option {
	return func(c *config) error {
		c.userAgent = userAgent
		return nil
	}
}

// WithRateLimit paces the requests of the Client, retries included, to at
// most perMinute a minute, spread evenly, so that a batch job stays under the
// server's rate limit instead of running into 429 responses. Zero turns
// pacing off, which is the default.
func WithRateLimit(perMinute int) Option {
	return func(c *config) error {
		if perMinute < 0 {
			return fmt.Errorf("redcore: WithRateLimit: %d requests per minute is negative", perMinute)
		}
		c.perMinute = perMinute
		return nil
	}
}

// WithInsecureHTTP allows a base URL with the http scheme on a host that is
// not a loopback address. Without it such a base URL is rejected, because the
// token would cross the network in clear text.
func WithInsecureHTTP() Option {
	return func(c *config) error {
		c.insecureHTTP = true
		return nil
	}
}

// NewClient returns a Client configured by opts. It fails when no token is
// given by WithToken or REDCORE_API_TOKEN, and when the base URL is invalid or
// uses http on a host that is not loopback without WithInsecureHTTP.
func NewClient(opts ...Option) (*Client, error) {
	cfg := config{
		token:        os.Getenv("REDCORE_API_TOKEN"),
		baseURL:      os.Getenv("REDCORE_BASE_URL"),
		maxRetries:   defaultMaxRetries,
		maxRetryWait: defaultMaxRetryWait,
	}
	for _, opt := range opts {
		if err := opt(&cfg); err != nil {
			return nil, err
		}
	}

	if cfg.token == "" {
		return nil, errors.New("redcore: missing API token: pass WithToken or set REDCORE_API_TOKEN")
	}
	if cfg.baseURL == "" {
		cfg.baseURL = DefaultBaseURL
	}
	base, err := parseBaseURL(cfg.baseURL, cfg.insecureHTTP)
	if err != nil {
		return nil, err
	}

	tr := newTransport(cfg, base)
	hc := &http.Client{Transport: tr}
	if cfg.httpClient != nil {
		copied := *cfg.httpClient
		tr.next = copied.Transport
		copied.Transport = tr
		hc = &copied
	}

	generated, err := api.NewClientWithResponses(base.String(), api.WithHTTPClient(hc))
	if err != nil {
		return nil, fmt.Errorf("redcore: base URL %q: %w", cfg.baseURL, err)
	}

	c := &Client{
		generated:  generated,
		transport:  tr,
		httpClient: hc,
		base:       strings.TrimRight(base.String(), "/"),
	}
	c.Users = &UserService{client: c}
	c.Products = &ProductService{client: c}
	return c, nil
}

// API returns the generated client for operations or details that the
// services do not cover. It shares the Client's token, retries, idempotency
// keys, rate limit, logger and transport.
//
// NOTE: the generated Parse functions read Retry-After as whole seconds only,
// so a 429 with an HTTP-date Retry-After makes them fail; the raw
// *http.Response of the ClientInterface methods is not affected.
func (c *Client) API() *api.ClientWithResponses {
	return c.generated
}

// raw returns the generated client that hands back *http.Response unparsed,
// so that the services decode bodies and errors themselves.
func (c *Client) raw() *api.Client {
	return c.generated.ClientInterface.(*api.Client)
}

// getByID sends GET base+prefix+id, with id escaped as one path segment,
// through the same HTTP client as the generated client. It joins strings
// where the generated request builders parse the server URL, format the
// path and resolve it on every call.
func (c *Client) getByID(ctx context.Context, prefix, id string) (*http.Response, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, c.base+prefix+url.PathEscape(id), nil)
	if err != nil {
		return nil, err
	}
	return c.httpClient.Do(req)
}

// parseBaseURL checks that baseURL is an absolute http or https URL and that
// http is used only on loopback hosts unless insecureHTTP is set. A value
// without a scheme, such as "127.0.0.1:8080/v1", gets an error that shows it
// with each scheme.
func parseBaseURL(baseURL string, insecureHTTP bool) (*url.URL, error) {
	invalid := func(reason string) error {
		return fmt.Errorf("redcore: invalid base URL %q: %s", baseURL, reason)
	}
	if !strings.Contains(baseURL, "://") {
		// "host:8080/v1" parses as the scheme "host", and "127.0.0.1:8080/v1"
		// does not parse at all, so the scheme is checked before parsing.
		rest := strings.TrimPrefix(strings.TrimPrefix(baseURL, "https:"), "http:")
		rest = strings.TrimLeft(rest, "/")
		return nil, invalid(fmt.Sprintf("it needs the http or https scheme and a host: use http://%s or https://%s", rest, rest))
	}

	u, err := url.Parse(strings.TrimSuffix(baseURL, "/"))
	if err != nil {
		var urlErr *url.Error
		if errors.As(err, &urlErr) {
			err = urlErr.Err
		}
		return nil, invalid(err.Error())
	}
	if u.Scheme != "http" && u.Scheme != "https" {
		return nil, invalid(fmt.Sprintf("the scheme must be http or https, not %q", u.Scheme))
	}
	if u.Host == "" {
		return nil, invalid("the host is missing: use a URL such as https://api.redcore.com/v1 or http://127.0.0.1:8080/v1")
	}
	if u.RawQuery != "" || u.Fragment != "" || u.User != nil {
		return nil, invalid("it must not contain user info, a query or a fragment")
	}
	if u.Scheme == "http" && !insecureHTTP && !isLoopback(u.Hostname()) {
		return nil, fmt.Errorf("redcore: base URL %q sends the token unencrypted to a host that is not loopback: use https, or WithInsecureHTTP to allow it", baseURL)
	}
	return u, nil
}

// isLoopback reports whether host is "localhost" or a loopback IP address.
func isLoopback(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// userAgent returns the User-Agent header value, with extra appended.
func userAgent(extra string) string {
	ua := fmt.Sprintf("redcore-go/%s (go %s; %s/%s)",
		Version, strings.TrimPrefix(runtime.Version(), "go"), runtime.GOOS, runtime.GOARCH)
	if extra != "" {
		ua += " " + extra
	}
	return ua
}

// newLimiter returns a limiter that spaces requests evenly at perMinute a
// minute, or nil when perMinute is zero.
func newLimiter(perMinute int) *rate.Limiter {
	if perMinute == 0 {
		return nil
	}
	return rate.NewLimiter(rate.Limit(float64(perMinute)/60), 1)
}

// Ptr returns a pointer to v, for the optional fields of UpdateUserParams.
func Ptr[T any](v T) *T {
	return &v
}
