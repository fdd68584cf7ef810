package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// mockProcess is a `redcore mock` child process. The test binary runs as
// redcore when started under that name, which TestMain arranges through
// $PATH.
type mockProcess struct {
	t       *testing.T
	cmd     *exec.Cmd
	baseURL string
	token   string
	stderr  *lockedBuffer
	exited  chan error
}

// lockedBuffer collects the child's stderr while the test reads it.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// startMock runs redcore mock with args on a free loopback port and waits
// until it prints its base URL. The process is killed when the test ends
// if it is still running.
func startMock(t *testing.T, args ...string) *mockProcess {
	t.Helper()
	path, err := exec.LookPath("redcore")
	if err != nil {
		t.Fatalf("find the redcore test command: %v", err)
	}
	cmd := exec.Command(path, append([]string{"mock", "--addr", "127.0.0.1:0"}, args...)...)
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	m := &mockProcess{t: t, cmd: cmd, stderr: &lockedBuffer{}, exited: make(chan error, 1)}
	cmd.Stderr = m.stderr
	if err := cmd.Start(); err != nil {
		t.Fatalf("start redcore mock: %v", err)
	}
	go func() { m.exited <- cmd.Wait() }()
	t.Cleanup(func() {
		cmd.Process.Kill()
		<-m.exited
	})

	lines := make(chan string)
	go func() {
		scanner := bufio.NewScanner(stdout)
		for scanner.Scan() {
			lines <- scanner.Text()
		}
		close(lines)
	}()
	timeout := time.After(10 * time.Second)
	for m.baseURL == "" {
		select {
		case line, ok := <-lines:
			if !ok {
				t.Fatalf("redcore mock exited before printing its URL; stderr:\n%s", m.stderr)
			}
			if v, found := strings.CutPrefix(line, "export REDCORE_BASE_URL="); found {
				m.baseURL = v
			}
			if v, found := strings.CutPrefix(line, "export REDCORE_API_TOKEN="); found {
				m.token = v
			}
		case <-timeout:
			t.Fatalf("redcore mock printed no URL in 10s; stderr:\n%s", m.stderr)
		}
	}
	// The token line follows the URL line when there is one.
	if len(args) == 0 || !slices.Contains(args, "--grant") {
		select {
		case line := <-lines:
			m.token, _ = strings.CutPrefix(line, "export REDCORE_API_TOKEN=")
		case <-timeout:
			t.Fatal("redcore mock printed no token")
		}
	}
	go func() {
		for range lines {
		}
	}()
	return m
}

// do sends a request with the mock's token and returns the status and body.
func (m *mockProcess) do(method, path, body string, headers ...string) (int, string) {
	m.t.Helper()
	var reader io.Reader
	if body != "" {
		reader = strings.NewReader(body)
	}
	req, err := http.NewRequest(method, m.baseURL+path, reader)
	if err != nil {
		m.t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+m.token)
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		m.t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(data)
}

// stop sends sig and waits for the process to exit.
func (m *mockProcess) stop(sig syscall.Signal) error {
	m.t.Helper()
	if err := m.cmd.Process.Signal(sig); err != nil {
		m.t.Fatalf("signal redcore mock: %v", err)
	}
	select {
	case err := <-m.exited:
		m.exited <- err
		return err
	case <-time.After(15 * time.Second):
		m.t.Fatal("redcore mock did not exit in 15s")
		return nil
	}
}

func TestMockServes(t *testing.T) {
	m := startMock(t)

	t.Run("random token", func(t *testing.T) {
		if !strings.HasPrefix(m.token, "sandbox_") || m.token == "sandbox_token" {
			t.Errorf("token = %q, want a new random sandbox_ token", m.token)
		}
	})
	// The API reference's example requests, in its order, with only the
	// base URL and the token changed.
	examples := []struct {
		name     string
		method   string
		path     string
		body     string
		status   int
		contains string
	}{
		{"list users", "GET", "/users?role=admin&status=active&limit=10", "", 200, `"id":"usr_98765"`},
		{"get user", "GET", "/users/usr_98765", "", 200, `"name":"Alice Müller"`},
		{"create user", "POST", "/users", `{"email": "bob@example.com", "name": "Bob Smith", "role": "editor"}`, 201, `"status":"pending_invite"`},
		{"update user", "PATCH", "/users/usr_98765", `{"role": "admin"}`, 200, `"role":"admin"`},
		{"delete user", "DELETE", "/users/usr_98765", "", 204, ""},
		{"list products", "GET", "/products?status=available&limit=5", "", 200, `"id":"prod_00123"`},
		{"get product", "GET", "/products/prod_00123", "", 200, `"price":4999`},
	}
	for _, ex := range examples {
		t.Run("reference "+ex.name, func(t *testing.T) {
			status, body := m.do(ex.method, ex.path, ex.body)
			if status != ex.status {
				t.Fatalf("status = %d, want %d: %s", status, ex.status, body)
			}
			if !strings.Contains(body, ex.contains) {
				t.Errorf("body = %s, want %s in it", body, ex.contains)
			}
		})
	}
	t.Run("other token rejected", func(t *testing.T) {
		token := m.token
		m.token = "sandbox_token"
		defer func() { m.token = token }()
		if status, _ := m.do("GET", "/users", ""); status != http.StatusUnauthorized {
			t.Errorf("status = %d, want 401", status)
		}
	})

	if err := m.stop(syscall.SIGTERM); err != nil {
		t.Fatalf("exit after SIGTERM: %v; stderr:\n%s", err, m.stderr)
	}
	logs := m.stderr.String()
	for _, want := range []string{
		`msg="sandbox started"`,
		`msg="invitation sent"`,
		`email=bob@example.com`,
		`msg=request method=GET path=/v1/users/usr_98765 status=200 duration=`,
		`request_id=req_`,
		`msg="sandbox stopped"`,
	} {
		t.Run("log "+want, func(t *testing.T) {
			if !strings.Contains(logs, want) {
				t.Errorf("stderr has no %s:\n%s", want, logs)
			}
		})
	}
	t.Run("log without token", func(t *testing.T) {
		if strings.Contains(logs, m.token) {
			t.Error("stderr contains the token")
		}
	})
}

func TestMockGrants(t *testing.T) {
	m := startMock(t, "--grant", "reader=users:read", "--grant", "other@org_b=users:read,users:write")
	tests := []struct {
		name   string
		token  string
		method string
		path   string
		want   int
	}{
		{"reader reads", "reader", "GET", "/users/usr_98765", 200},
		{"reader cannot read products", "reader", "GET", "/products", 403},
		{"other organization", "other", "GET", "/users/usr_98765", 404},
		{"no default token", "sandbox_token", "GET", "/users", 401},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m.token = tt.token
			if status, body := m.do(tt.method, tt.path, ""); status != tt.want {
				t.Errorf("status = %d, want %d: %s", status, tt.want, body)
			}
		})
	}
}

func TestMockGracefulShutdown(t *testing.T) {
	m := startMock(t, "--latency", "800ms")
	done := make(chan int, 1)
	go func() {
		req, _ := http.NewRequestWithContext(context.Background(), "GET", m.baseURL+"/users/usr_98765", nil)
		req.Header.Set("Authorization", "Bearer "+m.token)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			done <- 0
			return
		}
		resp.Body.Close()
		done <- resp.StatusCode
	}()
	// Let the request reach the server before the signal. The server
	// shows no sign of a request until it ends, so this waits a fixed time,
	// well inside the 800ms the request is delayed.
	time.Sleep(250 * time.Millisecond)
	if err := m.stop(syscall.SIGINT); err != nil {
		t.Errorf("exit after SIGINT: %v", err)
	}
	if status := <-done; status != http.StatusOK {
		t.Errorf("request in flight got status %d, want 200", status)
	}
}

func TestMockStateSurvivesKill(t *testing.T) {
	state := filepath.Join(t.TempDir(), "state.json")
	first := startMock(t, "--state", state, "--grant", "tok=users:read,users:write")
	first.token = "tok"

	_, created := first.do("POST", "/users", `{"email":"bob@example.com","name":"Bob Smith","role":"editor"}`, "Idempotency-Key", "create-bob")
	var bob struct {
		ID string `json:"id"`
	}
	if err := json.Unmarshal([]byte(created), &bob); err != nil || bob.ID == "" {
		t.Fatalf("create: %s", created)
	}
	if status, body := first.do("PATCH", "/users/usr_10001", `{"name":"Renamed"}`); status != http.StatusOK {
		t.Fatalf("update: status %d: %s", status, body)
	}
	if status, body := first.do("DELETE", "/users/usr_98765", ""); status != http.StatusNoContent {
		t.Fatalf("delete: status %d: %s", status, body)
	}
	// SIGKILL leaves no chance to flush: what the responses acknowledged
	// must already be on disk.
	first.stop(syscall.SIGKILL)

	second := startMock(t, "--state", state, "--grant", "tok=users:read,users:write")
	second.token = "tok"
	t.Run("created", func(t *testing.T) {
		if status, _ := second.do("GET", "/users/"+bob.ID, ""); status != http.StatusOK {
			t.Errorf("status = %d, want 200", status)
		}
	})
	t.Run("updated", func(t *testing.T) {
		if _, body := second.do("GET", "/users/usr_10001", ""); !strings.Contains(body, `"name":"Renamed"`) {
			t.Errorf("body = %s, want the new name", body)
		}
	})
	t.Run("deleted", func(t *testing.T) {
		if status, _ := second.do("GET", "/users/usr_98765", ""); status != http.StatusNotFound {
			t.Errorf("status = %d, want 404", status)
		}
	})
	t.Run("key replays", func(t *testing.T) {
		status, body := second.do("POST", "/users", `{"email":"bob@example.com","name":"Bob Smith","role":"editor"}`, "Idempotency-Key", "create-bob")
		if status != http.StatusCreated {
			t.Errorf("status = %d, want the recorded 201", status)
		}
		if body != created {
			t.Errorf("body = %s, want %s", body, created)
		}
	})
}

func TestParseGrant(t *testing.T) {
	tests := []struct {
		in     string
		token  string
		org    string
		scopes []string
		ok     bool
	}{
		{"tok=users:read", "tok", "", []string{"users:read"}, true},
		{"tok@org_b=users:read,products:read", "tok", "org_b", []string{"users:read", "products:read"}, true},
		{"a@b@org=users:write", "a@b", "org", []string{"users:write"}, true},
		{"tok", "", "", nil, false},
		{"=users:read", "", "", nil, false},
		{"tok=", "", "", nil, false},
		{"tok@=users:read", "", "", nil, false},
		{"tok=users:admin", "", "", nil, false},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			token, org, scopes, err := parseGrant(tt.in)
			if (err == nil) != tt.ok {
				t.Fatalf("error = %v, want ok %v", err, tt.ok)
			}
			if token != tt.token || org != tt.org || !slices.Equal(scopes, tt.scopes) {
				t.Errorf("got %q, %q, %v, want %q, %q, %v", token, org, scopes, tt.token, tt.org, tt.scopes)
			}
		})
	}
}

// runMockToExit runs redcore mock with args, expecting it to fail at
// start, and returns its exit code and stderr.
func runMockToExit(t *testing.T, args ...string) (int, string) {
	t.Helper()
	path, err := exec.LookPath("redcore")
	if err != nil {
		t.Fatalf("find the redcore test command: %v", err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, path, append([]string{"mock"}, args...)...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	err = cmd.Run()
	var exitErr *exec.ExitError
	if !errors.As(err, &exitErr) {
		t.Fatalf("redcore mock %v: %v, want an exit with an error; stderr:\n%s", args, err, stderr.String())
	}
	return exitErr.ExitCode(), stderr.String()
}

func TestMockStartFailures(t *testing.T) {
	dir := t.TempDir()
	write := func(name, content string) string {
		path := filepath.Join(dir, name)
		if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
		return path
	}
	malformed := write("malformed.json", `{"version":2,"users":`)
	future := write("future.json", `{"version":99}`)
	notState := write("list.json", `[1,2]`)
	missingDir := filepath.Join(dir, "missing", "state.json")
	busy, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer busy.Close()
	busyAddr := busy.Addr().String()

	tests := []struct {
		name string
		args []string
		want []string
	}{
		{"malformed state", []string{"--addr", "127.0.0.1:0", "--state", malformed},
			[]string{`redcore: mock: state file "` + malformed + `" is not valid JSON`, "line 1, column 21", "fix the file, or delete it"}},
		{"state of other version", []string{"--addr", "127.0.0.1:0", "--state", future},
			[]string{`redcore: mock: state file "` + future + `" has version 99`, "reads versions 1 to 2", "fix the file, or delete it"}},
		{"state not an object", []string{"--addr", "127.0.0.1:0", "--state", notState},
			[]string{`redcore: mock: state file "` + notState + `" is not a sandbox state file`, "fix the file, or delete it"}},
		{"state is a directory", []string{"--addr", "127.0.0.1:0", "--state", dir},
			[]string{`redcore: mock: cannot read state file "` + dir + `": is a directory`, "choose another path"}},
		{"state directory missing", []string{"--addr", "127.0.0.1:0", "--state", missingDir},
			[]string{`redcore: mock: cannot write state file "` + missingDir + `": directory "` + filepath.Dir(missingDir) + `" does not exist`, "create it"}},
		{"port in use", []string{"--addr", busyAddr},
			[]string{"redcore: mock: cannot listen on " + busyAddr + ":", "address already in use", "choose another --addr"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, stderr := runMockToExit(t, tt.args...)
			if code != exitUnexpected {
				t.Errorf("exit code = %d, want %d", code, exitUnexpected)
			}
			for _, want := range tt.want {
				if !strings.Contains(stderr, want) {
					t.Errorf("stderr has no %q:\n%s", want, stderr)
				}
			}
			if strings.Contains(stderr, "the server sent") {
				t.Errorf("stderr reads a local error as a server's response:\n%s", stderr)
			}
			if strings.Count(strings.TrimSpace(stderr), "\n") != 0 {
				t.Errorf("stderr has more than one line:\n%s", stderr)
			}
		})
	}
}

func TestMockStateKeepsToken(t *testing.T) {
	state := filepath.Join(t.TempDir(), "state.json")
	first := startMock(t, "--state", state)
	body := `{"email":"bob@example.com","name":"Bob Smith","role":"editor"}`
	status, created := first.do("POST", "/users", body, "Idempotency-Key", "create-bob")
	if status != http.StatusCreated {
		t.Fatalf("create: status %d: %s", status, created)
	}
	first.stop(syscall.SIGKILL)

	second := startMock(t, "--state", state)
	t.Run("same token printed", func(t *testing.T) {
		if second.token != first.token {
			t.Errorf("token = %q after restart, want %q", second.token, first.token)
		}
	})
	t.Run("old token accepted", func(t *testing.T) {
		second.token = first.token
		if status, body := second.do("GET", "/users?limit=1", ""); status != http.StatusOK {
			t.Errorf("status = %d, want 200: %s", status, body)
		}
	})
	t.Run("key replays", func(t *testing.T) {
		second.token = first.token
		status, replayed := second.do("POST", "/users", body, "Idempotency-Key", "create-bob")
		if status != http.StatusCreated {
			t.Errorf("status = %d, want the recorded 201: %s", status, replayed)
		}
		if replayed != created {
			t.Errorf("body = %s, want %s", replayed, created)
		}
	})
	t.Run("state file private", func(t *testing.T) {
		info, err := os.Stat(state)
		if err != nil {
			t.Fatal(err)
		}
		if perm := info.Mode().Perm(); perm&0o077 != 0 {
			t.Errorf("state file mode = %v, want no access for group and others", perm)
		}
	})
}

func TestMockBaseURL(t *testing.T) {
	tests := []struct {
		name   string
		addr   *net.TCPAddr
		want   string
		public bool
	}{
		{"loopback", &net.TCPAddr{IP: net.IPv4(127, 0, 0, 1), Port: 8080}, "http://127.0.0.1:8080/v1", false},
		{"loopback ipv6", &net.TCPAddr{IP: net.IPv6loopback, Port: 8080}, "http://[::1]:8080/v1", false},
		{"unspecified ipv4", &net.TCPAddr{IP: net.IPv4zero, Port: 8080}, "http://127.0.0.1:8080/v1", true},
		{"unspecified ipv6", &net.TCPAddr{IP: net.IPv6unspecified, Port: 8080}, "http://127.0.0.1:8080/v1", true},
		{"no address", &net.TCPAddr{Port: 8080}, "http://127.0.0.1:8080/v1", true},
		{"other host", &net.TCPAddr{IP: net.IPv4(192, 0, 2, 7), Port: 8080}, "http://192.0.2.7:8080/v1", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, public := mockBaseURL(tt.addr)
			if got != tt.want {
				t.Errorf("base URL = %q, want %q", got, tt.want)
			}
			if public != tt.public {
				t.Errorf("public = %v, want %v", public, tt.public)
			}
		})
	}
}
