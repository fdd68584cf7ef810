package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"os"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/redcore/redcore-go/redcore"
	"github.com/redcore/redcore-go/redcore/redcoretest"
)

// Environment variables of the API token and of the base URL.
const (
	tokenEnv   = "REDCORE_API_TOKEN"
	baseURLEnv = "REDCORE_BASE_URL"
)

// call runs fn with a client built from the global flags, within --timeout.
// The client's requests and retry waits end as soon as the command's context
// is canceled, by Ctrl-C or by the timeout.
func (a *app) call(cmd *cobra.Command, fn func(context.Context, *redcore.Client) error) error {
	ctx := cmd.Context()
	if a.timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeoutCause(ctx, a.timeout, &timeoutError{limit: a.timeout.String()})
		defer cancel()
	}

	client, release, err := a.connect()
	if err != nil {
		return err
	}
	defer release()

	err = fn(ctx, client)
	var timeout *timeoutError
	if err != nil && errors.As(context.Cause(ctx), &timeout) {
		return withCause(err, timeout)
	}
	return err
}

// withCause replaces the cause of err by cause and keeps the action that
// failed, so that a request ended by the context reads "list users:
// interrupted" instead of the transport's wording of a canceled context.
func withCause(err, cause error) error {
	var act *actionError
	if errors.As(err, &act) {
		return &actionError{action: act.action, err: cause, check: act.check}
	}
	return cause
}

// connect builds the client of the global flags. With --sandbox it first
// starts the in-memory sandbox on a loopback port; release stops it.
func (a *app) connect() (client *redcore.Client, release func(), err error) {
	opts := []redcore.Option{
		redcore.WithMaxRetries(a.maxRetries),
		redcore.WithUserAgent("redcore-cli/" + redcore.Version),
	}
	if a.allowHTTP {
		opts = append(opts, redcore.WithInsecureHTTP())
	}
	// At a terminal, and always with -v, each retry wait is shown as a
	// line, so that a command waiting on a 429 does not look stuck.
	logger := slog.New(slog.DiscardHandler)
	terminal := isTerminal(a.stderr)
	if a.verbose || terminal {
		var verbose slog.Handler
		if a.verbose {
			verbose = slog.NewTextHandler(a.stderr, &slog.HandlerOptions{Level: slog.LevelDebug})
		}
		logger = slog.New(newRetryNotices(a.stderr, verbose, terminal))
		opts = append(opts, redcore.WithLogger(logger))
	}

	release = func() {}
	token := a.token
	if a.sandbox {
		baseURL, stop, err := startSandbox(logger)
		if err != nil {
			return nil, nil, fmt.Errorf("start the sandbox: %w", err)
		}
		release = stop
		opts = append(opts, redcore.WithBaseURL(baseURL))
		if token == "" {
			// The sandbox grants only its own token, so a token from the
			// environment, meant for the real API, is not used here.
			token = redcoretest.DefaultToken
		}
	} else {
		if token == "" {
			token = os.Getenv(tokenEnv)
		}
		if strings.TrimSpace(token) == "" {
			err := fmt.Errorf("missing API token: set --token or $%s, or use --sandbox to try the built-in sandbox", tokenEnv)
			return nil, nil, &usageError{err: err}
		}
		baseURL := a.baseURL
		if baseURL == "" {
			baseURL = os.Getenv(baseURLEnv)
		}
		if err := a.checkBaseURL(baseURL); err != nil {
			return nil, nil, err
		}
		if baseURL != "" {
			opts = append(opts, redcore.WithBaseURL(baseURL))
		}
	}
	opts = append(opts, redcore.WithToken(token))

	client, err = redcore.NewClient(opts...)
	if err != nil {
		release()
		// NewClient returns an error only for its options, which come from
		// the flags and the environment, such as a malformed base URL.
		return nil, nil, &usageError{err: err}
	}
	return client, release, nil
}

// checkBaseURL rejects a plain http base URL on a host other than loopback
// unless --allow-http is set, naming the flag. The client makes the same
// check, but its message names its Go option.
func (a *app) checkBaseURL(baseURL string) error {
	u, err := url.Parse(baseURL)
	if err != nil || a.allowHTTP || u.Scheme != "http" || u.Host == "" {
		// The client reports a malformed URL itself.
		return nil
	}
	host := u.Hostname()
	ip := net.ParseIP(host)
	if strings.EqualFold(host, "localhost") || (ip != nil && ip.IsLoopback()) {
		return nil
	}
	return usagef("base URL %q would send the token unencrypted to %s: use https, or --allow-http to allow it", baseURL, host)
}

// startSandbox serves a fresh redcoretest sandbox, fixtures included, on a
// free port of 127.0.0.1 and returns its base URL and the function that
// stops it. Its data lives as long as the command.
func startSandbox(logger *slog.Logger) (baseURL string, stop func(), err error) {
	handler, err := redcoretest.NewHandler()
	if err != nil {
		return "", nil, err
	}

	listener, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		_ = handler.Close()
		return "", nil, err
	}
	server := &http.Server{Handler: handler, ReadHeaderTimeout: 10 * time.Second}
	go func() {
		_ = server.Serve(listener)
	}()

	baseURL = "http://" + listener.Addr().String() + "/v1"
	logger.Debug("sandbox started", "base_url", baseURL)
	stop = func() {
		_ = server.Close()
		_ = handler.Close()
	}
	return baseURL, stop, nil
}
