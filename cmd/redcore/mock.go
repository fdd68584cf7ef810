package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os/signal"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/redcore/redcore-go/redcore/redcoretest"
)

// mockShutdownTimeout is how long redcore mock waits for requests in flight
// after SIGINT or SIGTERM.
const mockShutdownTimeout = 10 * time.Second

const mockLong = `mock serves the RedCore sandbox, an in-memory RedCore API with sample data,
over HTTP until it gets SIGINT or SIGTERM, then finishes the requests in flight
and stops.

It prints the base URL and, without --grant, a random token with every
scope, as shell exports for REDCORE_BASE_URL and REDCORE_API_TOKEN. It logs
each request, and each invitation a created user would get, to stderr.

--grant TOKEN[@ORG]=SCOPE,SCOPE grants a token the listed scopes (users:read,
users:write, products:read) in organization ORG (default org_default, which
holds the sample data). Repeat it for more tokens.

With --state FILE, users, invitations and idempotency keys are kept in FILE:
every write is on disk before its response is sent, and the file is read
again at the next start. Without --grant, the random token is kept in FILE
too and printed again at the next start, so the exported token and the
recorded idempotency keys keep working. FILE holds that token: keep it
private. Without --state, data lives in memory only.

--addr on an address other than loopback, such as 0.0.0.0:8080, makes the
sandbox reachable from other hosts; it logs a warning when it does.`

// mockFlags are the settings of redcore mock.
type mockFlags struct {
	addr      string
	grants    []string
	rateLimit int
	state     string
	latency   time.Duration
	failRate  float64
	dropRate  float64
	seed      int64
}

// newMockCommand returns the redcore mock command.
func newMockCommand() *cobra.Command {
	var f mockFlags
	cmd := &cobra.Command{
		Use:   "mock",
		Short: "Serve the in-memory RedCore sandbox over HTTP",
		Long:  mockLong,
		Example: `  redcore mock
  redcore mock --addr 127.0.0.1:9000 --state sandbox.json
  redcore mock --grant reader=users:read,products:read --grant admin@org_b=users:read,users:write`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return runMock(cmd, f)
		},
	}
	flags := cmd.Flags()
	flags.StringVar(&f.addr, "addr", "127.0.0.1:8080", "address to listen on, host:port (port 0 picks a free port)")
	flags.StringArrayVar(&f.grants, "grant", nil, "grant a token scopes, as TOKEN[@ORG]=SCOPE,SCOPE (repeatable; default one random token with every scope)")
	flags.IntVar(&f.rateLimit, "rate-limit", redcoretest.DefaultRateLimit, "requests per minute allowed to each token")
	flags.StringVar(&f.state, "state", "", "file that keeps users, idempotency keys and the random token across restarts (default memory only)")
	flags.DurationVar(&f.latency, "latency", 0, "delay added to every API request, such as 200ms")
	flags.Float64Var(&f.failRate, "fail-rate", 0, "fraction of API requests, from 0 to 1, that get 503 before anything is done")
	flags.Float64Var(&f.dropRate, "drop-rate", 0, "fraction of API requests, from 0 to 1, that are done and then closed without a response")
	flags.Int64Var(&f.seed, "seed", 1, "seed of the fault draws; the same seed gives the same faults to the same sequential requests")

	// The global flags configure the client, which mock does not use, so
	// its help leaves them out. Hiding them here changes only the flags of
	// this run of the program, whose help is all it does next.
	cmd.SetHelpFunc(func(c *cobra.Command, args []string) {
		c.InheritedFlags().VisitAll(func(f *pflag.Flag) { f.Hidden = true })
		c.Parent().HelpFunc()(c, args)
	})
	return cmd
}

// mockError is a failure of redcore mock itself, such as a state file it
// cannot read or an address it cannot listen on. Its message is complete:
// it wraps no cause, so that the error line prints it as it is and never
// reads a local JSON or socket error as a server's response.
type mockError struct {
	msg string
}

func (e *mockError) Error() string { return "mock: " + e.msg }

// mockFailure returns a mockError with the message of err, without the
// package prefix of the sandbox's errors.
func mockFailure(err error) error {
	return &mockError{msg: strings.TrimPrefix(err.Error(), "redcoretest: ")}
}

// listenFailure returns the mockError of a failed listen on addr, with
// what to do about it.
func listenFailure(addr string, err error) error {
	cause := err
	var opErr *net.OpError
	if errors.As(err, &opErr) {
		cause = opErr.Err
	}
	hint := "check --addr, which takes host:port"
	if errors.Is(err, syscall.EADDRINUSE) {
		hint = "stop the program that uses it or choose another --addr (port 0 picks a free port)"
	}
	return &mockError{msg: fmt.Sprintf("cannot listen on %s: %v; %s", addr, cause, hint)}
}

// mockBaseURL returns the base URL that clients on this machine use for a
// sandbox listening on addr. A client cannot connect to an unspecified
// address such as 0.0.0.0 or ::, so the URL names 127.0.0.1, where such a
// listener also accepts connections. public reports whether hosts other
// than this one can reach addr.
func mockBaseURL(addr net.Addr) (baseURL string, public bool) {
	host := addr.String()
	tcp, ok := addr.(*net.TCPAddr)
	if !ok {
		return "http://" + host + "/v1", true
	}
	ip := tcp.IP
	if ip == nil || ip.IsUnspecified() {
		ip = net.IPv4(127, 0, 0, 1)
	}
	host = net.JoinHostPort(ip.String(), strconv.Itoa(tcp.Port))
	return "http://" + host + "/v1", !tcp.IP.IsLoopback()
}

// runMock serves the sandbox until the command's context ends or the
// process gets SIGINT or SIGTERM.
func runMock(cmd *cobra.Command, f mockFlags) error {
	opts, err := mockOptions(f)
	if err != nil {
		return err
	}
	logger := slog.New(slog.NewTextHandler(cmd.ErrOrStderr(), nil))
	opts = append(opts, redcoretest.WithLogger(logger))

	handler, err := redcoretest.NewHandler(opts...)
	if err != nil {
		return mockFailure(err)
	}
	listener, err := net.Listen("tcp", f.addr)
	if err != nil {
		_ = handler.Close()
		return listenFailure(f.addr, err)
	}
	baseURL, public := mockBaseURL(listener.Addr())
	if public {
		logger.Warn("sandbox is reachable from other hosts; use a loopback --addr such as 127.0.0.1:8080 to keep it on this machine",
			"addr", listener.Addr().String())
	}

	out := cmd.OutOrStdout()
	fmt.Fprintf(out, "export REDCORE_BASE_URL=%s\n", baseURL)
	if len(f.grants) == 0 {
		fmt.Fprintf(out, "export REDCORE_API_TOKEN=%s\n", handler.Token())
	}

	ctx, stop := signal.NotifyContext(cmd.Context(), syscall.SIGINT, syscall.SIGTERM)
	defer stop()

	server := &http.Server{
		Handler:           handler,
		ReadHeaderTimeout: 10 * time.Second,
		ErrorLog:          slog.NewLogLogger(logger.Handler(), slog.LevelWarn),
	}
	served := make(chan error, 1)
	go func() { served <- server.Serve(listener) }()
	logger.Info("sandbox started", "base_url", baseURL, "tokens", max(1, len(f.grants)),
		"rate_limit", f.rateLimit, "state", f.state)

	select {
	case err := <-served:
		_ = handler.Close()
		return &mockError{msg: fmt.Sprintf("serve on %s: %v", f.addr, err)}
	case <-ctx.Done():
	}

	logger.Info("sandbox stopping", "timeout", mockShutdownTimeout)
	shutdownCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), mockShutdownTimeout)
	defer cancel()
	shutdownErr := server.Shutdown(shutdownCtx)
	closeErr := handler.Close()
	if err := errors.Join(shutdownErr, closeErr); err != nil {
		logger.Error("sandbox stopped with an error", "error", err)
		return &mockError{msg: fmt.Sprintf("stop sandbox: %v", err)}
	}
	logger.Info("sandbox stopped")
	return nil
}

// mockOptions turns the flags into sandbox options. Without --grant the
// sandbox makes a random token, or takes the one its state file kept.
func mockOptions(f mockFlags) ([]redcoretest.Option, error) {
	if f.rateLimit < 1 {
		return nil, usagef("invalid --rate-limit %d: must be at least 1", f.rateLimit)
	}
	if f.latency < 0 {
		return nil, usagef("invalid --latency %s: must be 0 or more", f.latency)
	}
	if f.failRate < 0 || f.failRate > 1 {
		return nil, usagef("invalid --fail-rate %v: must be from 0 to 1", f.failRate)
	}
	if f.dropRate < 0 || f.dropRate > 1 {
		return nil, usagef("invalid --drop-rate %v: must be from 0 to 1", f.dropRate)
	}

	opts := []redcoretest.Option{
		redcoretest.WithRateLimit(f.rateLimit),
		redcoretest.WithLatency(f.latency),
		redcoretest.WithFaults(f.failRate, f.dropRate, f.seed),
	}
	if f.state != "" {
		opts = append(opts, redcoretest.WithStateFile(f.state))
	}

	if len(f.grants) == 0 {
		return append(opts, redcoretest.WithRandomToken()), nil
	}
	for _, g := range f.grants {
		token, org, scopes, err := parseGrant(g)
		if err != nil {
			return nil, err
		}
		opts = append(opts, redcoretest.WithGrant(token, org, scopes...))
	}
	return opts, nil
}

// parseGrant parses TOKEN[@ORG]=SCOPE,SCOPE. The organization is after the
// last "@" of the part before "=", so a token may contain "@" only if an
// organization follows.
func parseGrant(s string) (token, org string, scopes []string, err error) {
	who, list, ok := strings.Cut(s, "=")
	if !ok || who == "" || list == "" {
		return "", "", nil, usagef("invalid --grant %q: use TOKEN[@ORG]=SCOPE,SCOPE", s)
	}
	token = who
	if i := strings.LastIndex(who, "@"); i >= 0 {
		token, org = who[:i], who[i+1:]
		if token == "" || org == "" {
			return "", "", nil, usagef("invalid --grant %q: use TOKEN[@ORG]=SCOPE,SCOPE", s)
		}
	}
	for _, scope := range strings.Split(list, ",") {
		scope = strings.TrimSpace(scope)
		if !slices.Contains(redcoretest.AllScopes, scope) {
			return "", "", nil, usagef("invalid --grant %q: unknown scope %q; use %s",
				s, scope, strings.Join(redcoretest.AllScopes, ", "))
		}
		scopes = append(scopes, scope)
	}
	return token, org, scopes, nil
}
