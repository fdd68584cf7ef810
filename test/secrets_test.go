package test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/redcore/redcore-go/redcore"
	"github.com/redcore/redcore-go/redcore/redcoretest"
)

// Tokens that must never appear in any output. Each is long and unusual
// enough that finding it anywhere means it leaked.
const (
	secretToken = "rc_live_S3cr3t9f8e7d6c5b4a"
	readerToken = "rc_live_R3ad3r1a2b3c4d5e6f"
	wrongToken  = "rc_live_Wr0ng0a9b8c7d6e5f"
)

var secrets = []string{secretToken, readerToken, wrongToken}

// checkNoSecret fails t when output contains one of the tokens.
func checkNoSecret(t *testing.T, where, output string) {
	t.Helper()
	for _, secret := range secrets {
		if strings.Contains(output, secret) {
			t.Errorf("%s contains the token %s:\n%s", where, secret, output)
		}
	}
}

// errorOutput returns every form in which a program prints err.
func errorOutput(err error) string {
	if err == nil {
		return ""
	}
	return fmt.Sprintf("%s\n%v\n%+v\n%#v\n%q", err.Error(), err, err, err, err)
}

// TestSecretsClientOutput makes every kind of call fail and succeed, with
// debug logging on, and searches the client's log, the sandbox's log and
// every error for the tokens.
func TestSecretsClientOutput(t *testing.T) {
	checkNoLeaks(t)
	var serverLog attemptLog
	srv := redcoretest.NewServer(t,
		redcoretest.WithGrant(secretToken, "", redcoretest.AllScopes...),
		redcoretest.WithGrant(readerToken, "", redcoretest.ScopeUsersRead),
		redcoretest.WithLogger(slog.New(slog.NewTextHandler(&serverLog, &slog.HandlerOptions{Level: slog.LevelDebug}))),
	)
	unavailable := newWireServer(t, apiErrorStep(http.StatusServiceUnavailable, "SERVICE_UNAVAILABLE", nil))
	resets := newWireServer(t, step{fault: resetAfterApply})
	hanging := newWireServer(t, step{fault: hang})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	closedURL := "http://" + ln.Addr().String() + "/v1"
	_ = ln.Close()

	var output strings.Builder
	ctx := context.Background()
	run := func(baseURL, token string, call func(context.Context, *redcore.Client) error) {
		client, log := newFaultClient(t, baseURL, redcore.WithToken(token), redcore.WithMaxRetries(1))
		callCtx, cancel := context.WithTimeout(ctx, 300*time.Millisecond)
		defer cancel()
		output.WriteString(errorOutput(call(callCtx, client)))
		output.WriteString(log.String())
	}
	create := func(email string) func(context.Context, *redcore.Client) error {
		return func(ctx context.Context, c *redcore.Client) error {
			_, err := c.Users.Create(ctx, redcore.CreateUserParams{Email: email, Name: "Secret Test", Role: redcore.RoleViewer})
			return err
		}
	}
	get := func(id string) func(context.Context, *redcore.Client) error {
		return func(ctx context.Context, c *redcore.Client) error {
			_, err := c.Users.Get(ctx, id)
			return err
		}
	}

	run(srv.URL, secretToken, get("usr_98765"))
	run(srv.URL, secretToken, get("usr_missing"))
	run(srv.URL, secretToken, get(".."))
	run(srv.URL, secretToken, create("not an email"))
	run(srv.URL, secretToken, create("alice@example.com"))
	run(srv.URL, secretToken, func(ctx context.Context, c *redcore.Client) error {
		_, err := c.Users.Update(ctx, "usr_98765", redcore.UpdateUserParams{})
		return err
	})
	run(srv.URL, readerToken, create("reader@example.com"))
	run(srv.URL, wrongToken, get("usr_98765"))
	run(unavailable.URL, secretToken, get("usr_1"))
	run(resets.URL, secretToken, create("reset@example.com"))
	run(hanging.URL, secretToken, get("usr_1"))
	run(closedURL, secretToken, get("usr_1"))
	// A token that is not a valid header value fails in net/http, whose
	// error names the header but not its value.
	run(srv.URL, secretToken+"\n", get("usr_98765"))

	_, err = redcore.NewClient(redcore.WithToken(secretToken), redcore.WithBaseURL("http://api.redcore.test/v1"))
	output.WriteString(errorOutput(err))

	for _, want := range []string{"status=404", "status=400", "status=409", "status=403", "status=401", "status=503", "retrying request", "connection refused", "deadline exceeded"} {
		if !strings.Contains(output.String(), want) {
			t.Errorf("the output has no %q; a path was not taken", want)
		}
	}
	checkNoSecret(t, "client output", output.String())
	checkNoSecret(t, "sandbox log", serverLog.String())
}

// TestSecretsInsecureHTTP checks that the client sends the token in clear
// text to a host that is not loopback only with WithInsecureHTTP. A dialer
// that connects every address to a loopback server replaces the network.
func TestSecretsInsecureHTTP(t *testing.T) {
	checkNoLeaks(t)
	srv := newWireServer(t, step{})
	addr := strings.TrimSuffix(strings.TrimPrefix(srv.URL, "http://"), "/v1")
	dialer := &net.Dialer{}
	transport := &http.Transport{DialContext: func(ctx context.Context, network, _ string) (net.Conn, error) {
		return dialer.DialContext(ctx, network, addr)
	}}
	t.Cleanup(transport.CloseIdleConnections)
	opts := []redcore.Option{
		redcore.WithToken(secretToken),
		redcore.WithBaseURL("http://api.redcore.test/v1"),
		redcore.WithHTTPClient(&http.Client{Transport: transport}),
	}

	_, err := redcore.NewClient(opts...)
	if err == nil || !strings.Contains(err.Error(), "WithInsecureHTTP") {
		t.Errorf("NewClient without WithInsecureHTTP: error = %v, want one naming WithInsecureHTTP", err)
	}

	client, err := redcore.NewClient(append(opts, redcore.WithInsecureHTTP())...)
	if err != nil {
		t.Fatalf("NewClient with WithInsecureHTTP: %v", err)
	}
	if _, err := client.Users.Get(context.Background(), "usr_wire"); err != nil {
		t.Fatalf("Get: %v", err)
	}
	if got := len(srv.Requests()); got != 1 {
		t.Errorf("requests = %d, want 1", got)
	}
}

// buildCLI builds the redcore command into a temporary directory.
func buildCLI(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "redcore")
	cmd := exec.Command("go", "build", "-o", bin, "github.com/redcore/redcore-go/cmd/redcore")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

// cliResult is the outcome of one run of the redcore command.
type cliResult struct {
	output string // stdout and stderr
	code   int
}

// runCLI runs bin with args and the environment variable REDCORE_API_TOKEN
// set to envToken, for at most 20 seconds.
func runCLI(t *testing.T, bin, envToken string, args ...string) cliResult {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, args...)
	cmd.Env = append(os.Environ(), "REDCORE_API_TOKEN="+envToken, "REDCORE_BASE_URL=")
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	err := cmd.Run()

	var exitErr *exec.ExitError
	switch {
	case errors.As(err, &exitErr):
		return cliResult{out.String(), exitErr.ExitCode()}
	case err != nil:
		t.Fatalf("run %v: %v", args, err)
	}
	return cliResult{out.String(), 0}
}

// TestSecretsCLIOutput runs the redcore command with -v through success,
// every kind of failure and usage errors, with the token in the
// environment and in --token, and searches stdout and stderr for it.
func TestSecretsCLIOutput(t *testing.T) {
	checkNoLeaks(t)
	bin := buildCLI(t)
	srv := redcoretest.NewServer(t,
		redcoretest.WithGrant(secretToken, "", redcoretest.AllScopes...),
		redcoretest.WithGrant(readerToken, "", redcoretest.ScopeUsersRead),
	)
	unavailable := newWireServer(t, apiErrorStep(http.StatusServiceUnavailable, "SERVICE_UNAVAILABLE", nil))
	hanging := newWireServer(t, step{fault: hang})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	closedURL := "http://" + ln.Addr().String() + "/v1"
	_ = ln.Close()

	tests := []struct {
		name  string
		token string // in REDCORE_API_TOKEN
		args  []string
		code  int
	}{
		{"get", secretToken, []string{"--base-url", srv.URL, "-v", "users", "get", "usr_98765"}, 0},
		{"list json", secretToken, []string{"--base-url", srv.URL, "-v", "-o", "json", "users", "list"}, 0},
		{"not found", secretToken, []string{"--base-url", srv.URL, "-v", "users", "get", "usr_missing"}, 4},
		{"invalid", secretToken, []string{"--base-url", srv.URL, "-v", "users", "create", "--email", "x", "--name", "X", "--role", "viewer"}, 2},
		{"duplicate", secretToken, []string{"--base-url", srv.URL, "-v", "users", "create", "--email", "alice@example.com", "--name", "A", "--role", "viewer"}, 3},
		{"forbidden", readerToken, []string{"--base-url", srv.URL, "-v", "users", "create", "--email", "r@example.com", "--name", "R", "--role", "viewer"}, 5},
		{"unauthorized flag", "", []string{"--base-url", srv.URL, "--token", wrongToken, "-v", "users", "list"}, 5},
		{"unavailable", secretToken, []string{"--base-url", unavailable.URL, "-v", "--max-retries", "1", "users", "list"}, 7},
		{"timeout", secretToken, []string{"--base-url", hanging.URL, "-v", "--timeout", "300ms", "users", "list"}, 7},
		{"refused", secretToken, []string{"--base-url", closedURL, "-v", "--max-retries", "0", "products", "list"}, 7},
		{"plain http", secretToken, []string{"--base-url", "http://api.redcore.test/v1", "-v", "users", "list"}, 2},
		{"usage", secretToken, []string{"--token", secretToken, "-v", "users", "get"}, 2},
		{"sandbox", secretToken, []string{"--sandbox", "--token", secretToken, "-v", "users", "list"}, 5},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got := runCLI(t, bin, tt.token, tt.args...)
			if got.code != tt.code {
				t.Errorf("exit code = %d, want %d; output:\n%s", got.code, tt.code, got.output)
			}
			checkNoSecret(t, "output", got.output)
		})
	}
}

// TestSecretsAllowHTTP checks that the redcore command rejects a plain
// http base URL on a host that is not loopback unless --allow-http is set.
// The address 0.0.0.0 is not a loopback address, but on Linux a connection
// to it reaches this host, here a loopback server.
func TestSecretsAllowHTTP(t *testing.T) {
	checkNoLeaks(t)
	srv := newWireServer(t, step{})
	_, port, _ := net.SplitHostPort(strings.TrimSuffix(strings.TrimPrefix(srv.URL, "http://"), "/v1"))
	conn, err := net.Dial("tcp", net.JoinHostPort("0.0.0.0", port))
	if err != nil {
		t.Skipf("0.0.0.0 does not reach this host here: %v", err)
	}
	_ = conn.Close()
	baseURL := "http://" + net.JoinHostPort("0.0.0.0", port) + "/v1"
	bin := buildCLI(t)

	refused := runCLI(t, bin, secretToken, "--base-url", baseURL, "users", "get", "usr_wire")
	if refused.code != 2 {
		t.Errorf("without --allow-http: exit code = %d, want 2; output:\n%s", refused.code, refused.output)
	}
	if !strings.Contains(refused.output, "--allow-http") {
		t.Errorf("without --allow-http: output does not name the flag:\n%s", refused.output)
	}
	if got := len(srv.Requests()); got != 0 {
		t.Errorf("without --allow-http: requests = %d, want 0", got)
	}

	allowed := runCLI(t, bin, secretToken, "--base-url", baseURL, "--allow-http", "users", "get", "usr_wire")
	if allowed.code != 0 {
		t.Errorf("with --allow-http: exit code = %d, want 0; output:\n%s", allowed.code, allowed.output)
	}
	if got := len(srv.Requests()); got != 1 {
		t.Errorf("with --allow-http: requests = %d, want 1", got)
	}
}

// TestSecretsMockOutput runs redcore mock with granted tokens, sends it
// requests with them, and searches what it printed and logged.
func TestSecretsMockOutput(t *testing.T) {
	checkNoLeaks(t)
	bin := buildCLI(t)
	cmd := exec.Command(bin, "mock", "--addr", "127.0.0.1:0",
		"--grant", secretToken+"=users:read,users:write,products:read",
		"--grant", readerToken+"@org_b=users:read")
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })

	var printed bytes.Buffer
	baseURL, err := readBaseURL(io.TeeReader(stdout, &printed))
	if err != nil {
		t.Fatalf("read the base URL: %v; stderr:\n%s", err, stderr.String())
	}
	ctx := context.Background()
	for _, token := range []string{secretToken, readerToken, wrongToken} {
		client, _ := newFaultClient(t, baseURL, redcore.WithToken(token))
		_, _ = client.Users.Get(ctx, "usr_98765")
		_, _ = client.Users.Create(ctx, redcore.CreateUserParams{Email: "mock@example.com", Name: "Mock", Role: redcore.RoleViewer})
	}

	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	rest, _ := io.ReadAll(stdout)
	printed.Write(rest)
	if err := cmd.Wait(); err != nil {
		t.Errorf("redcore mock: %v", err)
	}
	if got := strings.Count(stderr.String(), "msg=request"); got != 6 {
		t.Errorf("request log records = %d, want 6:\n%s", got, stderr.String())
	}
	checkNoSecret(t, "stdout", printed.String())
	checkNoSecret(t, "stderr", stderr.String())
}

// readBaseURL reads the "export REDCORE_BASE_URL=..." line that redcore
// mock prints first.
func readBaseURL(r io.Reader) (string, error) {
	var line []byte
	buf := make([]byte, 1)
	for {
		if _, err := r.Read(buf); err != nil {
			return "", err
		}
		if buf[0] == '\n' {
			break
		}
		line = append(line, buf[0])
	}
	baseURL, ok := strings.CutPrefix(string(line), "export REDCORE_BASE_URL=")
	if !ok {
		return "", fmt.Errorf("first line %q is not the base URL export", line)
	}
	return baseURL, nil
}

// TestSandboxAuthentication checks the exact status and code of each
// rejected token, and that no response repeats the token it got.
func TestSandboxAuthentication(t *testing.T) {
	checkNoLeaks(t)
	srv := redcoretest.NewServer(t,
		redcoretest.WithGrant(secretToken, "", redcoretest.AllScopes...),
		redcoretest.WithGrant(readerToken, "", redcoretest.ScopeUsersRead),
	)
	tests := []struct {
		name          string
		authorization string
		method        string
		status        int
		code          string
	}{
		{"valid", "Bearer " + secretToken, "GET", 200, ""},
		{"scope missing", "Bearer " + readerToken, "POST", 403, "FORBIDDEN"},
		{"other scope missing", "Bearer " + readerToken, "GET /products", 403, "FORBIDDEN"},
		{"unknown", "Bearer " + wrongToken, "GET", 401, "UNAUTHORIZED"},
		{"prefix", "Bearer " + secretToken[:len(secretToken)-1], "GET", 401, "UNAUTHORIZED"},
		{"suffix", "Bearer " + secretToken + "0", "GET", 401, "UNAUTHORIZED"},
		{"other case", "Bearer " + strings.ToUpper(secretToken), "GET", 401, "UNAUTHORIZED"},
		{"two spaces", "Bearer  " + secretToken, "GET", 401, "UNAUTHORIZED"},
		{"no scheme", secretToken, "GET", 401, "UNAUTHORIZED"},
		{"basic", "Basic " + secretToken, "GET", 401, "UNAUTHORIZED"},
		{"missing", "", "GET", 401, "UNAUTHORIZED"},
	}
	transport := &http.Transport{}
	t.Cleanup(transport.CloseIdleConnections)
	client := &http.Client{Transport: transport}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			url, body := srv.URL+"/users", `{"email":"auth@example.com","name":"Auth","role":"viewer"}`
			method := tt.method
			if method == "GET /products" {
				method, url = "GET", srv.URL+"/products"
			}
			if method == "GET" {
				body = ""
			}
			req, err := http.NewRequest(method, url, strings.NewReader(body))
			if err != nil {
				t.Fatal(err)
			}
			req.Header.Set("Content-Type", "application/json")
			if tt.authorization != "" {
				req.Header.Set("Authorization", tt.authorization)
			}
			resp, err := client.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			data, _ := io.ReadAll(resp.Body)
			_ = resp.Body.Close()

			if resp.StatusCode != tt.status {
				t.Errorf("status = %d, want %d", resp.StatusCode, tt.status)
			}
			if tt.code != "" && !strings.Contains(string(data), `"code":"`+tt.code+`"`) {
				t.Errorf("body = %s, want code %s", data, tt.code)
			}
			if tt.status != 200 {
				checkNoSecret(t, "error body", string(data))
			}
		})
	}
}

// TestSandboxTokenComparison reads the sandbox's authentication code and
// checks that it compares a presented token with crypto/subtle against
// every granted token, without a loop exit that would make the time
// depend on which token matched. A timing measurement could not tell
// this apart from noise in a test.
func TestSandboxTokenComparison(t *testing.T) {
	fset := token.NewFileSet()
	file, err := parser.ParseFile(fset, filepath.Join("..", "redcore", "redcoretest", "auth.go"), nil, 0)
	if err != nil {
		t.Fatal(err)
	}
	var authenticate *ast.FuncDecl
	for _, decl := range file.Decls {
		if fn, ok := decl.(*ast.FuncDecl); ok && fn.Name.Name == "authenticate" {
			authenticate = fn
		}
	}
	if authenticate == nil {
		t.Fatal("auth.go has no authenticate function")
	}

	var constantTime, loops int
	ast.Inspect(authenticate.Body, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.SelectorExpr:
			if id, ok := n.X.(*ast.Ident); ok && id.Name == "subtle" && n.Sel.Name == "ConstantTimeCompare" {
				constantTime++
			}
		case *ast.RangeStmt:
			loops++
			ast.Inspect(n.Body, func(inner ast.Node) bool {
				switch inner := inner.(type) {
				case *ast.BranchStmt:
					if inner.Tok == token.BREAK {
						t.Errorf("%s: the token loop breaks out early", fset.Position(inner.Pos()))
					}
				case *ast.ReturnStmt:
					t.Errorf("%s: the token loop returns early", fset.Position(inner.Pos()))
				}
				return true
			})
		case *ast.BinaryExpr:
			if (n.Op == token.EQL || n.Op == token.NEQ) && mentionsToken(n) {
				t.Errorf("%s: the token is compared with %s", fset.Position(n.Pos()), n.Op)
			}
		}
		return true
	})
	if constantTime == 0 {
		t.Error("authenticate does not call subtle.ConstantTimeCompare")
	}
	if loops != 1 {
		t.Errorf("authenticate has %d range loops, want 1 over the granted tokens", loops)
	}
}

// mentionsToken reports whether a comparison has the variable token on
// one side and something other than the empty string on the other.
func mentionsToken(n *ast.BinaryExpr) bool {
	isToken := func(e ast.Expr) bool {
		id, ok := e.(*ast.Ident)
		return ok && id.Name == "token"
	}
	isEmpty := func(e ast.Expr) bool {
		lit, ok := e.(*ast.BasicLit)
		return ok && lit.Value == `""`
	}
	return (isToken(n.X) && !isEmpty(n.Y)) || (isToken(n.Y) && !isEmpty(n.X))
}

// TestSandboxHidesInternalErrors makes the sandbox fail to save its state
// file, by removing the file's directory, and checks that the 500 it sends
// names neither the path nor the operating system's error.
func TestSandboxHidesInternalErrors(t *testing.T) {
	checkNoLeaks(t)
	dir := filepath.Join(t.TempDir(), "state-dir")
	if err := os.Mkdir(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	var serverLog attemptLog
	srv := redcoretest.NewServer(t,
		redcoretest.WithStateFile(filepath.Join(dir, "state.json")),
		redcoretest.WithLogger(slog.New(slog.NewTextHandler(&serverLog, nil))),
	)
	if err := os.RemoveAll(dir); err != nil {
		t.Fatal(err)
	}
	// NewServer's cleanup saves the state file a last time, which fails
	// without the directory, so the directory comes back before it.
	t.Cleanup(func() { _ = os.Mkdir(dir, 0o700) })

	transport := &http.Transport{}
	t.Cleanup(transport.CloseIdleConnections)
	req, err := http.NewRequest("POST", srv.URL+"/users", strings.NewReader(`{"email":"state@example.com","name":"State","role":"viewer"}`))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+srv.Token)
	req.Header.Set("Content-Type", "application/json")
	resp, err := (&http.Client{Transport: transport}).Do(req)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	_ = resp.Body.Close()

	if resp.StatusCode != http.StatusInternalServerError {
		t.Fatalf("status = %d, want 500 for an unsaved write; body %s", resp.StatusCode, body)
	}
	for _, internal := range []string{dir, "state.json", "no such file", "does not exist", "rename"} {
		if strings.Contains(string(body), internal) {
			t.Errorf("the 500 body contains %q: %s", internal, body)
		}
	}
	if !strings.Contains(serverLog.String(), dir) {
		t.Errorf("the sandbox log lacks the cause of the 500:\n%s", serverLog.String())
	}
}

// TestDependenciesListed checks that the README's dependency table names
// every module that a package or test of this module imports directly, so
// that a new dependency cannot arrive unexplained.
func TestDependenciesListed(t *testing.T) {
	root := filepath.Join("..")
	cmd := exec.Command("go", "list", "-test", "-f",
		`{{join .Imports "\n"}}{{"\n"}}{{join .TestImports "\n"}}{{"\n"}}{{join .XTestImports "\n"}}`, "./...")
	cmd.Dir = root
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	goMod, err := os.ReadFile(filepath.Join(root, "go.mod"))
	if err != nil {
		t.Fatal(err)
	}
	readme, err := os.ReadFile(filepath.Join(root, "README.md"))
	if err != nil {
		t.Fatal(err)
	}

	var required []string
	for line := range strings.Lines(string(goMod)) {
		fields := strings.Fields(line)
		if len(fields) >= 2 && strings.Contains(fields[0], ".") && strings.HasPrefix(fields[1], "v") {
			required = append(required, fields[0])
		}
	}
	direct := map[string]bool{}
	for _, imp := range strings.Fields(string(out)) {
		for _, module := range required {
			if imp == module || strings.HasPrefix(imp, module+"/") {
				direct[module] = true
			}
		}
	}
	if len(direct) == 0 {
		t.Fatal("found no imported module; the check proves nothing")
	}
	for module := range direct {
		if !strings.Contains(string(readme), "`"+module+"`") {
			t.Errorf("README.md does not list the dependency %s with its purpose", module)
		}
	}
}
