package test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"

	"github.com/redcore/redcore-go/redcore"
)

// uriRecorder is a loopback server that keeps the request URI of the last
// request, exactly as it arrived, and responds with a user or an empty page.
type uriRecorder struct {
	*httptest.Server

	mu   sync.Mutex
	uris []string
}

func newURIRecorder() *uriRecorder {
	r := &uriRecorder{}
	r.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		r.mu.Lock()
		r.uris = append(r.uris, req.RequestURI)
		r.mu.Unlock()

		w.Header().Set("Content-Type", "application/json")
		if strings.HasSuffix(req.URL.Path, "/users") {
			_, _ = w.Write([]byte(`{"data":[],"meta":{"total":0,"limit":20,"offset":0}}`))
			return
		}
		_, _ = w.Write([]byte(wireUserJSON))
	}))
	return r
}

// take returns the request URIs received since the last call.
func (r *uriRecorder) take() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	uris := r.uris
	r.uris = nil
	return uris
}

// FuzzEncoding checks that an id, a search string and a filter value reach
// the server unchanged. The id must arrive as one path segment that
// unescapes to it. The others must arrive as the q and role (users) or
// status (products) query parameters that decode to them. The ids "", "." and ".."
// are rejected before sending, because URL resolution would change them.
func FuzzEncoding(f *testing.F) {
	seeds := [][3]string{
		{"usr_98765", "alice", "admin"},
		{"a/b", "a&b=c", "x y"},
		{"?x=1#frag", "%", "+"},
		{"%2e%2e", "é ü 日本", "a;b"},
		{"..", "", ""},
		{".", "q", ""},
		{"", "\x00\xff", "\n"},
		{"...", "#", "role=admin&status=active"},
		{"usr 1", "+%20", "%zz"},
		{"\xff\xfe", "a\\b", "\"quoted\""},
	}
	for _, s := range seeds {
		f.Add(s[0], s[1], s[2])
	}

	srv := newURIRecorder()
	f.Cleanup(srv.Close)
	transport := &http.Transport{}
	f.Cleanup(transport.CloseIdleConnections)
	client, err := redcore.NewClient(
		redcore.WithToken(faultToken),
		redcore.WithBaseURL(srv.URL+"/v1"),
		redcore.WithHTTPClient(&http.Client{Transport: transport}),
		redcore.WithMaxRetries(0),
	)
	if err != nil {
		f.Fatal(err)
	}

	f.Fuzz(func(t *testing.T, id, q, role string) {
		ctx := context.Background()
		srv.take()

		_, err := client.Users.Get(ctx, id)
		checkPathSegment(t, srv.take(), "/v1/users/", id, err)
		_, err = client.Products.Get(ctx, id)
		checkPathSegment(t, srv.take(), "/v1/products/", id, err)

		_, err = client.Users.List(ctx, redcore.ListUsersParams{Q: q, Role: redcore.Role(role)})
		checkQuery(t, srv.take(), "/v1/users", err, map[string]string{"q": q, "role": role})
		_, err = client.Products.List(ctx, redcore.ListProductsParams{Q: q, Status: redcore.ProductStatus(role)})
		checkQuery(t, srv.take(), "/v1/products", err, map[string]string{"q": q, "status": role})
	})
}

// checkPathSegment checks that a get of id sent one request whose path is
// prefix and one segment that unescapes to id, or none for an id that
// must be rejected.
func checkPathSegment(t *testing.T, uris []string, prefix, id string, err error) {
	t.Helper()
	if id == "" || id == "." || id == ".." {
		if !errors.Is(err, redcore.ErrValidation) {
			t.Errorf("get of id %q: error = %v, want ErrValidation", id, err)
		}
		if len(uris) != 0 {
			t.Errorf("get of id %q sent %v, want no request", id, uris)
		}
		return
	}

	if err != nil {
		t.Fatalf("get of id %q: %v", id, err)
	}
	if len(uris) != 1 {
		t.Fatalf("get of id %q sent %d requests, want 1", id, len(uris))
	}
	path, _, hasQuery := strings.Cut(uris[0], "?")
	if hasQuery {
		t.Errorf("get of id %q sent a query: %q", id, uris[0])
	}
	segment, ok := strings.CutPrefix(path, prefix)
	if !ok || strings.Contains(segment, "/") {
		t.Fatalf("get of id %q sent path %q, want %s and one segment", id, path, prefix)
	}
	got, err := url.PathUnescape(segment)
	if err != nil {
		t.Fatalf("segment %q of id %q does not unescape: %v", segment, id, err)
	}
	if got != id {
		t.Errorf("id arrived as %q, want %q", got, id)
	}
}

// checkQuery checks that a list sent one request to path whose query has
// each parameter of want once with its value, or not at all when the
// value is empty.
func checkQuery(t *testing.T, uris []string, path string, err error, want map[string]string) {
	t.Helper()
	if err != nil {
		t.Fatalf("list %s with %q: %v", path, want, err)
	}
	if len(uris) != 1 {
		t.Fatalf("list %s sent %d requests, want 1", path, len(uris))
	}
	gotPath, rawQuery, _ := strings.Cut(uris[0], "?")
	if gotPath != path {
		t.Errorf("list path = %q, want %q", gotPath, path)
	}
	query, err := url.ParseQuery(rawQuery)
	if err != nil {
		t.Fatalf("query %q of %q does not parse: %v", rawQuery, want, err)
	}
	for name, value := range want {
		checkQueryValue(t, query, name, value)
	}
}

// checkQueryValue checks that query has want as the one value of name, or
// no value when want is empty, which the client leaves out.
func checkQueryValue(t *testing.T, query url.Values, name, want string) {
	t.Helper()
	values := query[name]
	if want == "" {
		if len(values) != 0 {
			t.Errorf("%s = %q, want it left out", name, values)
		}
		return
	}
	if len(values) != 1 || values[0] != want {
		t.Errorf("%s arrived as %q, want [%q]", name, values, want)
	}
}
