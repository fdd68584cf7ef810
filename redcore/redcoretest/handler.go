package redcoretest

import (
	"context"
	cryptorand "crypto/rand"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"runtime/debug"
	"slices"
	"strings"
	"sync"
	"time"

	redcoreapi "github.com/redcore/redcore-go"
	"github.com/redcore/redcore-go/api"
)

// Handler is the sandbox as an http.Handler. It serves the API under /v1,
// the OpenAPI document at GET /openapi.yaml and its reference page at
// GET /docs, the last two without authentication. It is safe for
// concurrent use.
type Handler struct {
	spec        *spec
	auth        *authenticator
	limiter     *rateLimiter
	idempotency *idempotencyStore
	store       *store
	faults      *faults
	state       *stateFile
	logger      *slog.Logger
	clock       func() time.Time
	newID       func(prefix string) string
	latency     time.Duration
	validate    bool
	operations  http.Handler

	// token is the random token of WithRandomToken, else the first granted
	// token with every scope, else the first token.
	token string
	// randomToken is the token of WithRandomToken, or the one a state file
	// kept, which every save writes back.
	randomToken string

	// writeMu runs writes one at a time when there is a state file; see
	// beginWrite.
	writeMu sync.Mutex

	closeOnce sync.Once
	closeErr  error
}

// NewHandler returns a sandbox configured by opts. With WithStateFile it
// reads the state file if it exists and writes it once, so that a path it
// cannot write fails here rather than on the first request.
func NewHandler(opts ...Option) (*Handler, error) {
	var cfg config
	for _, opt := range opts {
		opt(&cfg)
	}
	if cfg.clock == nil {
		cfg.clock = time.Now
	}
	if cfg.newID == nil {
		cfg.newID = randomID
	}
	if cfg.logger == nil {
		cfg.logger = slog.New(slog.DiscardHandler)
	}
	// The state file is read first, because it may hold the random token
	// to grant.
	var state *stateFile
	var doc stateDocument
	var restored bool
	if cfg.stateFile != "" {
		state = &stateFile{path: cfg.stateFile}
		var err error
		if doc, restored, err = state.load(); err != nil {
			return nil, fmt.Errorf("redcoretest: %w", err)
		}
	}
	randomToken := doc.Token
	if cfg.randomToken {
		if randomToken == "" {
			randomToken = newRandomToken()
		}
		cfg.grants = append(cfg.grants, grant{token: randomToken, org: DefaultOrg, scopes: slices.Clone(AllScopes)})
	}
	if len(cfg.grants) == 0 {
		cfg.grants = []grant{{token: DefaultToken, org: DefaultOrg, scopes: slices.Clone(AllScopes)}}
	}
	if cfg.failRate < 0 || cfg.failRate > 1 || cfg.dropRate < 0 || cfg.dropRate > 1 {
		return nil, fmt.Errorf("redcoretest: fault rates must be from 0 to 1, got fail rate %v and drop rate %v", cfg.failRate, cfg.dropRate)
	}
	for _, g := range cfg.grants {
		if g.token == "" || strings.ContainsAny(g.token, " \t\r\n") {
			return nil, fmt.Errorf("redcoretest: granted token for organization %q is empty or contains white space", g.org)
		}
		for _, scope := range g.scopes {
			if !slices.Contains(AllScopes, scope) {
				return nil, fmt.Errorf("redcoretest: unknown scope %q granted; use %s", scope, strings.Join(AllScopes, ", "))
			}
		}
	}

	spec, err := loadSpec()
	if err != nil {
		return nil, fmt.Errorf("redcoretest: %w", err)
	}
	h := &Handler{
		spec:        spec,
		auth:        newAuthenticator(cfg.grants),
		limiter:     newRateLimiter(cfg.rateLimit, cfg.clock),
		idempotency: newIdempotencyStore(cfg.idempotency, cfg.clock),
		store:       newStore(),
		faults:      newFaults(cfg.failRate, cfg.dropRate, cfg.faultSeed),
		logger:      cfg.logger,
		clock:       cfg.clock,
		newID:       cfg.newID,
		latency:     cfg.latency,
		validate:    !cfg.noValidate,
		token:       fullScopeToken(cfg.grants),
		state:       state,
		randomToken: randomToken,
	}
	if cfg.randomToken {
		h.token = randomToken
	}
	strict := api.NewStrictHandlerWithOptions(operations{h: h}, nil, api.StrictHTTPServerOptions{
		RequestErrorHandlerFunc:  writeBodyError,
		ResponseErrorHandlerFunc: h.writeOperationError,
	})
	mux := http.NewServeMux()
	mux.HandleFunc("/", writeRouteNotFound)
	h.operations = api.HandlerWithOptions(strict, api.StdHTTPServerOptions{
		BaseURL:          basePath,
		BaseRouter:       mux,
		ErrorHandlerFunc: writeParamError,
	})

	if err := h.loadData(cfg, doc, restored); err != nil {
		return nil, err
	}
	return h, nil
}

// loadData fills the store from the state document when one was restored,
// or from the fixtures otherwise, and writes the state file once.
func (h *Handler) loadData(cfg config, doc stateDocument, restored bool) error {
	if !cfg.noFixtures {
		h.store.setProducts(fixtureProducts())
	}
	if restored {
		h.restore(doc)
	} else if !cfg.noFixtures {
		h.store.putUsers(DefaultOrg, fixtureUsers())
	}
	if h.state == nil {
		return nil
	}
	if err := h.state.save(h.snapshot); err != nil {
		return fmt.Errorf("redcoretest: %w", err)
	}
	return nil
}

// newRandomToken returns a token of 26 random base32 characters after the
// prefix sandbox_, from crypto/rand.
func newRandomToken() string {
	return "sandbox_" + strings.ToLower(cryptorand.Text())
}

// fullScopeToken returns the first granted token with every scope, or the
// first token if none has them all.
func fullScopeToken(grants []grant) string {
	for _, g := range grants {
		if !slices.ContainsFunc(AllScopes, func(s string) bool { return !slices.Contains(g.scopes, s) }) {
			return g.token
		}
	}
	return grants[0].token
}

// randomID returns prefix followed by 16 random hexadecimal digits.
func randomID(prefix string) string {
	return fmt.Sprintf("%s%016x", prefix, rand.Uint64())
}

// Token returns the token that Server.Token also reports: the random token
// of WithRandomToken, else DefaultToken when no WithGrant is given, else the
// first granted token with every scope, else the first granted token.
func (h *Handler) Token() string {
	return h.token
}

// Invitations returns the invitations sent to created users, oldest first.
func (h *Handler) Invitations() []Invitation {
	return h.store.listInvitations()
}

// Close writes the state file a last time, if there is one. The handler
// must not serve requests after Close. Close may be called more than once.
func (h *Handler) Close() error {
	h.closeOnce.Do(func() {
		if h.state != nil {
			h.closeErr = h.state.save(h.snapshot)
		}
	})
	return h.closeErr
}

// ServeHTTP handles one request. It gives the request an id, logs it, and
// turns a panic into 500 INTERNAL_ERROR.
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	start := time.Now()
	requestID := fmt.Sprintf("req_%016x", rand.Uint64())
	w.Header().Set(headerRequestID, requestID)
	rec := &statusRecorder{ResponseWriter: w}

	defer h.logRequest(r, rec, requestID, start)
	defer h.recoverPanic(rec, requestID)

	switch r.URL.Path {
	case "/openapi.yaml":
		serveDocument(rec, r, "application/yaml", redcoreapi.OpenAPI)
	case "/docs":
		serveDocument(rec, r, "text/html; charset=utf-8", redcoreapi.ReferenceHTML)
	default:
		h.serveAPI(rec, r, requestID)
	}
}

// serveDocument serves content to GET and HEAD, without authentication.
func serveDocument(w http.ResponseWriter, r *http.Request, contentType string, content []byte) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		writeError(w, &apiError{
			status:  http.StatusMethodNotAllowed,
			code:    api.METHODNOTALLOWED,
			message: fmt.Sprintf("method %s is not allowed on %s; use GET or HEAD", r.Method, r.URL.Path),
			allow:   "GET, HEAD",
		})
		return
	}
	w.Header().Set("Content-Type", contentType)
	w.WriteHeader(http.StatusOK)
	if r.Method == http.MethodGet {
		w.Write(content)
	}
}

// writeRouteNotFound writes the 404 of a request that the generated router
// does not match. The OpenAPI router rejects those first, so this is a
// fallback that keeps the JSON error body.
func writeRouteNotFound(w http.ResponseWriter, r *http.Request) {
	writeError(w, &apiError{
		status:  http.StatusNotFound,
		code:    api.NOTFOUND,
		message: fmt.Sprintf("no route for %s %s", r.Method, r.URL.Path),
	})
}

// writeOperationError is the strict server's response error hook. An
// operation's *apiError becomes its error response. Any other error is a
// bug, so it is logged with the request id and the client gets a 500 that
// does not show it.
func (h *Handler) writeOperationError(w http.ResponseWriter, r *http.Request, err error) {
	if e, ok := err.(*apiError); ok {
		writeError(w, e)
		return
	}
	h.logger.Error("operation failed", "method", r.Method, "path", r.URL.Path,
		"request_id", w.Header().Get(headerRequestID), "error", err)
	writeError(w, internalError)
}

// recoverPanic turns a panic of the request into a logged error and, if
// nothing was sent yet, a 500 INTERNAL_ERROR. http.ErrAbortHandler passes
// through: it is how a response is dropped on purpose.
func (h *Handler) recoverPanic(w *statusRecorder, requestID string) {
	v := recover()
	if v == nil {
		return
	}
	if v == http.ErrAbortHandler {
		w.dropped = true
		panic(v)
	}
	h.logger.Error("panic recovered", "request_id", requestID, "panic", fmt.Sprint(v), "stack", string(debug.Stack()))
	if w.status == 0 {
		writeError(w, internalError)
	}
}

// logRequest logs one record per request. It never logs the Authorization
// header or the query, which may hold personal data.
func (h *Handler) logRequest(r *http.Request, w *statusRecorder, requestID string, start time.Time) {
	attrs := []slog.Attr{
		slog.String("method", r.Method),
		slog.String("path", r.URL.Path),
		slog.Int("status", w.status),
		slog.Duration("duration", time.Since(start)),
		slog.String("request_id", requestID),
	}
	if w.dropped {
		attrs = append(attrs, slog.Bool("dropped", true))
	}
	h.logger.LogAttrs(context.Background(), slog.LevelInfo, "request", attrs...)
}
