// Package test holds end-to-end tests that cross packages: the client against
// the sandbox over real HTTP, and the reference page in a real browser.
package test

import (
	"context"
	"html"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/getkin/kin-openapi/openapi3"

	redcoreapi "github.com/redcore/redcore-go"
	"github.com/redcore/redcore-go/redcore/redcoretest"
)

// chromium is where Debian's chromium package installs the browser.
const chromium = "/usr/bin/chromium"

// requestLog records the requests a server receives, as method, host and
// request URI.
type requestLog struct {
	mu       sync.Mutex
	requests []loggedRequest
}

type loggedRequest struct {
	method, host, uri string
}

func (r loggedRequest) String() string {
	return r.method + " " + r.host + " " + r.uri
}

func (l *requestLog) wrap(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		l.mu.Lock()
		l.requests = append(l.requests, loggedRequest{r.Method, r.Host, r.RequestURI})
		l.mu.Unlock()
		next.ServeHTTP(w, r)
	})
}

func (l *requestLog) list() []loggedRequest {
	l.mu.Lock()
	defer l.mu.Unlock()
	return slices.Clone(l.requests)
}

// browserServiceHosts are the hosts that Debian's Chromium contacts by itself
// (updates, accounts, network time, autofill) even with background
// networking disabled. No web page loads anything from them, so requests to
// them are left out of the page's requests. Font and CDN hosts are not here.
var browserServiceHosts = []string{
	"accounts.google.com",
	"clients2.google.com",
	"content-autofill.googleapis.com",
	"update.googleapis.com",
}

// dumpDOM opens url in headless Chromium and returns the DOM after the
// page's scripts ran, and the messages the page logged to the console. Every
// request to a host other than loopback goes to proxy, so that the test
// records it and the network never gets it.
func dumpDOM(t *testing.T, url, proxy string) (dom string, console []string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()

	cmd := exec.CommandContext(ctx, chromium,
		"--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
		"--no-first-run", "--disable-background-networking",
		"--disable-component-update", "--disable-sync",
		"--disable-extensions", "--disable-default-apps", "--no-default-browser-check",
		"--disable-client-side-phishing-detection", "--disable-domain-reliability",
		"--disable-features=NetworkTimeServiceQuerying,AutofillServerCommunication,OptimizationHints,Translate,MediaRouter",
		"--user-data-dir="+t.TempDir(),
		"--proxy-server="+proxy,
		// Console messages go to stderr as lines with "CONSOLE".
		"--enable-logging=stderr", "--v=0",
		// Virtual time runs the page's timers and idle work without real
		// waiting, so the DOM is dumped after the page has settled.
		"--virtual-time-budget=10000",
		"--dump-dom", url)
	var stderr strings.Builder
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("chromium failed: %v\n%s", err, stderr.String())
	}

	message := regexp.MustCompile(`CONSOLE[^\]]*\] "(.*)", source: `)
	for line := range strings.Lines(stderr.String()) {
		if m := message.FindStringSubmatch(line); m != nil {
			console = append(console, m[1])
		}
	}
	return string(out), console
}

// withoutScripts returns dom without the contents of its script elements.
func withoutScripts(dom string) string {
	return regexp.MustCompile(`(?s)<script[^>]*>.*?</script>`).ReplaceAllString(dom, "")
}

// headings returns the text of every h2 element of dom, tags removed.
func headings(dom string) []string {
	h2 := regexp.MustCompile(`(?s)<h2[^>]*>(.*?)</h2>`)
	tag := regexp.MustCompile(`<[^>]*>`)
	var texts []string
	for _, m := range h2.FindAllStringSubmatch(dom, -1) {
		texts = append(texts, strings.TrimSpace(html.UnescapeString(tag.ReplaceAllString(m[1], ""))))
	}
	return texts
}

func TestDocsRendersEveryOperation(t *testing.T) {
	if _, err := os.Stat(chromium); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("%s is missing in CI; .ci/run installs the chromium package", chromium)
		}
		t.Skipf("%s is missing; install Debian's chromium package to run this test", chromium)
	}

	handler, err := redcoretest.NewHandler()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = handler.Close() })
	var served, proxied requestLog
	sandbox := httptest.NewServer(served.wrap(handler))
	t.Cleanup(sandbox.Close)
	proxy := httptest.NewServer(proxied.wrap(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		http.Error(w, "the reference page must not use the network", http.StatusBadGateway)
	})))
	t.Cleanup(proxy.Close)

	dom, console := dumpDOM(t, sandbox.URL+"/docs", proxy.URL)

	doc, err := openapi3.NewLoader().LoadFromData(redcoreapi.OpenAPI)
	if err != nil {
		t.Fatal(err)
	}
	rendered := headings(dom)
	for path, item := range doc.Paths.Map() {
		for method, op := range item.Operations() {
			if !slices.Contains(rendered, op.Summary) {
				t.Errorf("%s %s: summary %q is not rendered as a heading", method, path, op.Summary)
			}
		}
	}
	if strings.Contains(withoutScripts(dom), "Something went wrong") {
		t.Error("Redoc rendered its error message")
	}
	// The page's Content-Security-Policy blocks the Redocly logo that Redoc
	// loads from its CDN, and the browser logs that. Any other message, such
	// as a script error or a failed hydration, is a broken page.
	for _, message := range console {
		if !strings.Contains(message, "violates the following Content Security Policy directive") {
			t.Errorf("the page logged %q", message)
		}
	}
	for _, request := range proxied.list() {
		host, _, _ := strings.Cut(request.host, ":")
		if !slices.Contains(browserServiceHosts, host) {
			t.Errorf("the page made a network request: %s", request)
		}
	}
	for _, request := range served.list() {
		if request.method != http.MethodGet || (request.uri != "/docs" && request.uri != "/favicon.ico") {
			t.Errorf("the page requested %s from the sandbox", request)
		}
	}
}
