// Command load runs a bounded load test of redcore mock on 127.0.0.1.
//
// It builds the redcore command, starts "redcore mock" with one granted
// token per client, and runs the clients, each a mix of reads and writes,
// for a fixed time, twice. After each run it checks the invariants of the
// sandbox's data and prints the resident memory of the mock process, read
// from /proc/PID/status (VmRSS and VmHWM), since the mock exposes no
// runtime statistics. It exits with status 1 if an invariant fails.
//
//	go run ./test/load [-clients 8] [-duration 20s] [-runs 2]
//
// The go command that builds redcore is $GO, else go.
package main

import (
	"bufio"
	"cmp"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync/atomic"
	"time"

	"github.com/redcore/redcore-go/redcore"
)

// fixtureUsers is the number of users the sandbox starts with.
const fixtureUsers = 42

func main() {
	clients := flag.Int("clients", 8, "number of clients, each with its own token")
	duration := flag.Duration("duration", 20*time.Second, "length of each run")
	runs := flag.Int("runs", 2, "number of runs against the same mock process")
	flag.Parse()
	log.SetFlags(0)
	log.SetPrefix("load: ")

	if err := run(*clients, *duration, *runs); err != nil {
		log.Fatal(err)
	}
}

func run(clients int, duration time.Duration, runs int) error {
	dir, err := os.MkdirTemp("", "redcore-load-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)

	bin := filepath.Join(dir, "redcore")
	goCommand := cmp.Or(os.Getenv("GO"), "go")
	build := exec.Command(goCommand, "build", "-o", bin, "github.com/redcore/redcore-go/cmd/redcore")
	build.Stdout, build.Stderr = os.Stdout, os.Stderr
	if err := build.Run(); err != nil {
		return fmt.Errorf("build redcore: %w", err)
	}

	tokens := make([]string, clients)
	for i := range tokens {
		tokens[i] = fmt.Sprintf("load_token_%02d_%d", i, time.Now().UnixNano())
	}
	mock, err := startMock(bin, tokens)
	if err != nil {
		return err
	}
	defer mock.stop()
	fmt.Printf("mock pid %d at %s, %d clients, %s per run\n", mock.cmd.Process.Pid, mock.baseURL, clients, duration)
	printMemory("before the first run", mock.cmd.Process.Pid)

	var totals counts
	failed := false
	for r := 1; r <= runs; r++ {
		got, err := runClients(mock.baseURL, tokens, duration)
		if err != nil {
			return err
		}
		totals.add(got)
		fmt.Printf("run %d: %s\n", r, got.summary(duration))

		problems, err := checkInvariants(mock, tokens[0], &totals)
		if err != nil {
			return err
		}
		for _, p := range problems {
			fmt.Printf("run %d: FAIL: %s\n", r, p)
			failed = true
		}
		if len(problems) == 0 {
			fmt.Printf("run %d: invariants hold\n", r)
		}
		printMemory(fmt.Sprintf("after run %d", r), mock.cmd.Process.Pid)
	}

	if failed {
		return errors.New("invariants failed")
	}
	return nil
}

// mockProcess is a running redcore mock and the statuses it logged.
type mockProcess struct {
	cmd      *exec.Cmd
	baseURL  string
	statuses [600]atomic.Int64
	logDone  chan struct{}
}

// startMock starts redcore mock on a free port of 127.0.0.1, granting each
// token every scope in the organization that holds the fixtures. The rate
// limit is set beyond what the clients can send, so that the run measures
// the sandbox rather than its limiter.
func startMock(bin string, tokens []string) (*mockProcess, error) {
	args := []string{"mock", "--addr", "127.0.0.1:0", "--rate-limit", "100000000"}
	for _, token := range tokens {
		args = append(args, "--grant", token+"=users:read,users:write,products:read")
	}
	m := &mockProcess{cmd: exec.Command(bin, args...), logDone: make(chan struct{})}
	stdout, err := m.cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	stderr, err := m.cmd.StderrPipe()
	if err != nil {
		return nil, err
	}
	if err := m.cmd.Start(); err != nil {
		return nil, fmt.Errorf("start redcore mock: %w", err)
	}

	go m.countStatuses(stderr)
	line, err := bufio.NewReader(stdout).ReadString('\n')
	if err != nil {
		m.stop()
		return nil, fmt.Errorf("read the base URL of redcore mock: %w", err)
	}
	baseURL, ok := strings.CutPrefix(strings.TrimSpace(line), "export REDCORE_BASE_URL=")
	if !ok {
		m.stop()
		return nil, fmt.Errorf("redcore mock printed %q, want the base URL export", line)
	}
	m.baseURL = baseURL
	return m, nil
}

// countStatuses counts the status of each request record that the mock
// logs to stderr, as "status=NNN".
func (m *mockProcess) countStatuses(stderr io.Reader) {
	defer close(m.logDone)
	scanner := bufio.NewScanner(stderr)
	scanner.Buffer(make([]byte, 64<<10), 1<<20)
	for scanner.Scan() {
		line := scanner.Text()
		if !strings.Contains(line, "msg=request") {
			continue
		}
		_, after, ok := strings.Cut(line, " status=")
		if !ok {
			continue
		}
		var status int
		if _, err := fmt.Sscanf(after, "%d", &status); err == nil && status > 0 && status < len(m.statuses) {
			m.statuses[status].Add(1)
		}
	}
}

// serverErrors returns the number of 5xx responses the mock logged.
func (m *mockProcess) serverErrors() int64 {
	var n int64
	for status := 500; status < 600; status++ {
		n += m.statuses[status].Load()
	}
	return n
}

// stop ends the mock with SIGTERM, or kills it after 15 seconds.
func (m *mockProcess) stop() {
	_ = m.cmd.Process.Signal(os.Interrupt)
	done := make(chan error, 1)
	go func() { done <- m.cmd.Wait() }()
	select {
	case <-done:
	case <-time.After(15 * time.Second):
		_ = m.cmd.Process.Kill()
		<-done
	}
}

// checkInvariants lists every invariant of the sandbox's data that does not
// hold after the clients made totals. The number of users must be the
// fixtures plus the creates minus the deletes, and the walk of all users
// must yield that many. No two users may share an email, ignoring case, and
// no response may be a 5xx.
func checkInvariants(m *mockProcess, token string, totals *counts) ([]string, error) {
	client, err := redcore.NewClient(redcore.WithToken(token), redcore.WithBaseURL(m.baseURL))
	if err != nil {
		return nil, err
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()

	var problems []string
	want := fixtureUsers + int(totals.created.Load()-totals.deleted.Load())
	page, err := client.Users.List(ctx, redcore.ListUsersParams{Limit: 1})
	if err != nil {
		return nil, fmt.Errorf("count users: %w", err)
	}
	if page.Total != want {
		problems = append(problems, fmt.Sprintf("total = %d, want %d fixtures + %d created - %d deleted",
			page.Total, fixtureUsers, totals.created.Load(), totals.deleted.Load()))
	}

	emails := map[string]string{}
	walked := 0
	for user, err := range client.Users.All(ctx, redcore.ListUsersParams{}) {
		if err != nil {
			return nil, fmt.Errorf("walk users: %w", err)
		}
		walked++
		key := strings.ToLower(user.Email)
		if other, ok := emails[key]; ok {
			problems = append(problems, fmt.Sprintf("users %s and %s share the email %s", other, user.Id, key))
		}
		emails[key] = user.Id
	}
	if walked != want {
		problems = append(problems, fmt.Sprintf("walk of all users yielded %d, want %d", walked, want))
	}

	if n := totals.serverErrors.Load(); n != 0 {
		problems = append(problems, fmt.Sprintf("clients got %d 5xx responses", n))
	}
	if n := m.serverErrors(); n != 0 {
		problems = append(problems, fmt.Sprintf("the mock logged %d 5xx responses", n))
	}
	if n := totals.failures.Load(); n != 0 {
		problems = append(problems, fmt.Sprintf("%d calls failed unexpectedly", n))
	}
	return problems, nil
}

// printMemory prints the resident set of process pid, current and peak,
// from /proc/PID/status. It prints a note where /proc is not available.
func printMemory(when string, pid int) {
	data, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		fmt.Printf("memory %s: unavailable: %v\n", when, err)
		return
	}
	fields := map[string]string{}
	for line := range strings.Lines(string(data)) {
		name, value, ok := strings.Cut(line, ":")
		if ok {
			fields[name] = strings.TrimSpace(value)
		}
	}
	fmt.Printf("memory %s: VmRSS %s, VmHWM %s (mock process, /proc/%d/status)\n", when, fields["VmRSS"], fields["VmHWM"], pid)
}
