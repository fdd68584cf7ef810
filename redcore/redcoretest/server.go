package redcoretest

import (
	"net/http/httptest"
	"testing"

	"github.com/redcore/redcore-go/redcore"
)

// Server is a sandbox listening on 127.0.0.1 for the length of a test.
type Server struct {
	// URL is the base URL of the API, including /v1, such as
	// http://127.0.0.1:41234/v1.
	URL string
	// Token is the token that Handler.Token returns: the random token of
	// WithRandomToken, else DefaultToken unless WithGrant is given, else the
	// first granted token with every scope, else the first granted token.
	Token string

	t       testing.TB
	handler *Handler
	server  *httptest.Server
}

// NewServer starts a sandbox configured by opts on 127.0.0.1 and stops it
// when the test and its subtests end. It fails the test if the sandbox
// cannot start.
func NewServer(t testing.TB, opts ...Option) *Server {
	t.Helper()

	h, err := NewHandler(opts...)
	if err != nil {
		t.Fatalf("redcoretest: start sandbox: %v", err)
	}
	ts := httptest.NewServer(h)
	s := &Server{URL: ts.URL + basePath, Token: h.token, t: t, handler: h, server: ts}
	t.Cleanup(func() {
		ts.Close()
		if err := h.Close(); err != nil {
			t.Errorf("redcoretest: close sandbox: %v", err)
		}
	})
	return s
}

// Handler returns the sandbox's handler, for its invitations.
func (s *Server) Handler() *Handler {
	return s.handler
}

// Client returns a client of the sandbox that uses s.Token, the sandbox's
// HTTP client and opts, which may override either. It fails the test if
// the client cannot be made, so call it from the test's goroutine.
func (s *Server) Client(opts ...redcore.Option) *redcore.Client {
	s.t.Helper()

	all := append([]redcore.Option{
		redcore.WithBaseURL(s.URL),
		redcore.WithToken(s.Token),
		redcore.WithHTTPClient(s.server.Client()),
	}, opts...)
	client, err := redcore.NewClient(all...)
	if err != nil {
		s.t.Fatalf("redcoretest: new client: %v", err)
	}
	return client
}
