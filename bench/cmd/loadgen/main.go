// Command loadgen sends a bounded load of one RedCore request to a server on
// loopback and prints the throughput and latency in the Go benchmark
// format, one line per round, so that benchstat can compare servers.
//
//	loadgen -base-url http://127.0.0.1:8080/v1 -token TOKEN -op get -label server=sandbox
//
// Each round runs -concurrency workers on keep-alive connections until
// -duration passes or -requests requests are done, whichever comes first.
// Only loopback addresses are accepted as targets.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"net"
	"net/http"
	"net/url"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// Bounds of a run, so that a mistyped flag cannot turn the load generator
// into a long or unbounded load.
const (
	maxDuration    = time.Minute
	maxRequests    = 1_000_000
	maxConcurrency = 256
	maxRounds      = 20
)

// config holds the flags of a run.
type config struct {
	baseURL     string
	token       string
	op          string
	label       string
	duration    time.Duration
	warmup      time.Duration
	requests    int
	concurrency int
	rounds      int
	wait        time.Duration
}

func main() {
	var cfg config
	flag.StringVar(&cfg.baseURL, "base-url", "", "base URL of the API on loopback, such as http://127.0.0.1:8080/v1")
	flag.StringVar(&cfg.token, "token", "", "API token sent as Authorization: Bearer TOKEN")
	flag.StringVar(&cfg.op, "op", "get", "request to send: list (GET /users?limit=20), get (GET /users/usr_98765) or create (POST /users)")
	flag.StringVar(&cfg.label, "label", "server=unnamed", "key=value appended to the benchmark name, such as server=sandbox")
	flag.DurationVar(&cfg.duration, "duration", 3*time.Second, "length of a round (at most 1m)")
	flag.DurationVar(&cfg.warmup, "warmup", time.Second, "load sent before the first round and not measured")
	flag.IntVar(&cfg.requests, "requests", 200_000, "maximum number of requests in a round (at most 1000000)")
	flag.IntVar(&cfg.concurrency, "concurrency", 8, "number of concurrent workers, each with one keep-alive connection")
	flag.IntVar(&cfg.rounds, "rounds", 3, "number of measured rounds, one output line each")
	flag.DurationVar(&cfg.wait, "wait", 30*time.Second, "how long to wait for the server to accept connections")
	flag.Parse()

	if err := run(cfg); err != nil {
		fmt.Fprintln(os.Stderr, "loadgen:", err)
		os.Exit(1)
	}
}

func run(cfg config) error {
	if err := cfg.check(); err != nil {
		return err
	}
	target, err := url.Parse(cfg.baseURL)
	if err != nil {
		return fmt.Errorf("invalid -base-url %q: %w", cfg.baseURL, err)
	}
	if err := checkLoopback(target); err != nil {
		return err
	}
	if err := waitForServer(target.Host, cfg.wait); err != nil {
		return err
	}

	client := &http.Client{
		Transport: &http.Transport{
			MaxIdleConns:        cfg.concurrency,
			MaxIdleConnsPerHost: cfg.concurrency,
			IdleConnTimeout:     30 * time.Second,
		},
		Timeout: 10 * time.Second,
	}
	defer client.CloseIdleConnections()
	newRequest, err := requestMaker(cfg)
	if err != nil {
		return err
	}

	if cfg.warmup > 0 {
		if _, err := runRound(client, newRequest, cfg.concurrency, cfg.warmup, cfg.requests); err != nil {
			return fmt.Errorf("warm-up: %w", err)
		}
	}
	for range cfg.rounds {
		r, err := runRound(client, newRequest, cfg.concurrency, cfg.duration, cfg.requests)
		if err != nil {
			return err
		}
		fmt.Println(r.line("BenchmarkSandbox/op=" + cfg.op + "/" + cfg.label))
	}
	return nil
}

// check rejects flags out of their bounds.
func (cfg config) check() error {
	switch {
	case cfg.baseURL == "":
		return errors.New("missing -base-url")
	case cfg.duration <= 0 || cfg.duration > maxDuration:
		return fmt.Errorf("invalid -duration %s: must be more than 0 and at most %s", cfg.duration, maxDuration)
	case cfg.warmup < 0 || cfg.warmup > maxDuration:
		return fmt.Errorf("invalid -warmup %s: must be from 0 to %s", cfg.warmup, maxDuration)
	case cfg.requests < 1 || cfg.requests > maxRequests:
		return fmt.Errorf("invalid -requests %d: must be from 1 to %d", cfg.requests, maxRequests)
	case cfg.concurrency < 1 || cfg.concurrency > maxConcurrency:
		return fmt.Errorf("invalid -concurrency %d: must be from 1 to %d", cfg.concurrency, maxConcurrency)
	case cfg.rounds < 1 || cfg.rounds > maxRounds:
		return fmt.Errorf("invalid -rounds %d: must be from 1 to %d", cfg.rounds, maxRounds)
	case strings.ContainsAny(cfg.label, " \t\n"):
		return fmt.Errorf("invalid -label %q: must not contain spaces", cfg.label)
	}
	return nil
}

// checkLoopback rejects a target that is not an http URL on a loopback
// address, so that the load never leaves the machine.
func checkLoopback(target *url.URL) error {
	if target.Scheme != "http" {
		return fmt.Errorf("invalid -base-url %q: scheme must be http", target)
	}
	host := target.Hostname()
	if host == "localhost" {
		return nil
	}
	ip := net.ParseIP(host)
	if ip == nil || !ip.IsLoopback() {
		return fmt.Errorf("invalid -base-url %q: host must be a loopback address (127.0.0.0/8, ::1 or localhost)", target)
	}
	return nil
}

// waitForServer polls hostport until it accepts a TCP connection.
func waitForServer(hostport string, timeout time.Duration) error {
	deadline := time.Now().Add(timeout)
	for {
		conn, err := net.DialTimeout("tcp", hostport, time.Second)
		if err == nil {
			return conn.Close()
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("server at %s did not accept connections within %s: %w", hostport, timeout, err)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// makeRequest makes the next request of the operation and returns it with
// the status of a successful response.
type makeRequest func() (*http.Request, int, error)

// requestMaker returns the makeRequest of the operation cfg.op.
func requestMaker(cfg config) (makeRequest, error) {
	base := strings.TrimSuffix(cfg.baseURL, "/")
	authorization := "Bearer " + cfg.token
	get := func(target string) makeRequest {
		return func() (*http.Request, int, error) {
			req, err := http.NewRequest(http.MethodGet, target, nil)
			if err != nil {
				return nil, 0, err
			}
			req.Header.Set("Authorization", authorization)
			return req, http.StatusOK, nil
		}
	}

	switch cfg.op {
	case "list":
		return get(base + "/users?limit=20"), nil
	case "get":
		return get(base + "/users/usr_98765"), nil
	case "create":
		// Emails are unique per process and request, so that no create is
		// a duplicate of an earlier one, in this run or a previous one.
		run := strconv.FormatInt(time.Now().UnixNano(), 36)
		var sequence atomic.Int64
		return func() (*http.Request, int, error) {
			body := `{"email":"load-` + run + `-` + strconv.FormatInt(sequence.Add(1), 10) +
				`@example.com","name":"Load Test User","role":"viewer"}`
			req, err := http.NewRequest(http.MethodPost, base+"/users", strings.NewReader(body))
			if err != nil {
				return nil, 0, err
			}
			req.Header.Set("Authorization", authorization)
			req.Header.Set("Content-Type", "application/json")
			return req, http.StatusCreated, nil
		}, nil
	default:
		return nil, fmt.Errorf("invalid -op %q: must be list, get or create", cfg.op)
	}
}

// result is the outcome of one round.
type result struct {
	requests  int
	failures  int
	elapsed   time.Duration
	latencies []time.Duration
	firstErr  error
}

// runRound sends requests from concurrency workers until duration passes or
// limit requests have started.
func runRound(client *http.Client, newRequest makeRequest, concurrency int, duration time.Duration, limit int) (result, error) {
	ctx, cancel := context.WithTimeout(context.Background(), duration)
	defer cancel()

	var (
		started  atomic.Int64
		wg       sync.WaitGroup
		mu       sync.Mutex
		total    result
		capacity = min(limit/concurrency+1, 1<<16)
	)
	begin := time.Now()
	for range concurrency {
		wg.Add(1)
		go func() {
			defer wg.Done()
			latencies := make([]time.Duration, 0, capacity)
			failures := 0
			var firstErr error
			for ctx.Err() == nil {
				if started.Add(1) > int64(limit) {
					break
				}
				d, err := send(client, newRequest)
				if err != nil {
					failures++
					if firstErr == nil {
						firstErr = err
					}
					continue
				}
				latencies = append(latencies, d)
			}
			mu.Lock()
			total.latencies = append(total.latencies, latencies...)
			total.failures += failures
			if total.firstErr == nil {
				total.firstErr = firstErr
			}
			mu.Unlock()
		}()
	}
	wg.Wait()
	total.elapsed = time.Since(begin)
	total.requests = len(total.latencies) + total.failures

	// A failed request is a broken setup, not a slow server: its latency
	// would make the figures lie, so the round fails instead.
	if total.failures > 0 {
		return total, fmt.Errorf("%d of %d requests failed, the first with: %w", total.failures, total.requests, total.firstErr)
	}
	return total, nil
}

// send sends the next request and returns its latency, from before the
// request is written until the whole body is read.
func send(client *http.Client, newRequest makeRequest) (time.Duration, error) {
	req, want, err := newRequest()
	if err != nil {
		return 0, err
	}
	begin := time.Now()
	resp, err := client.Do(req)
	if err != nil {
		return 0, err
	}
	if resp.StatusCode != want {
		body, _ := io.ReadAll(io.LimitReader(resp.Body, 512))
		resp.Body.Close()
		return 0, fmt.Errorf("%s %s: status %d, want %d: %s", req.Method, req.URL.Path, resp.StatusCode, want, body)
	}
	_, err = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	if err != nil {
		return 0, err
	}
	return time.Since(begin), nil
}

// line formats the round as a Go benchmark result line: time per request
// as ns/op (the inverse of the throughput), requests per second, and the
// 50th and 99th percentile latency in microseconds.
func (r result) line(name string) string {
	slices.Sort(r.latencies)
	perSecond := float64(r.requests) / r.elapsed.Seconds()
	return fmt.Sprintf("%s\t%d\t%.0f ns/op\t%.0f req/s\t%.1f p50-us\t%.1f p99-us",
		name, r.requests, float64(r.elapsed.Nanoseconds())/float64(r.requests), perSecond,
		micros(percentile(r.latencies, 0.50)), micros(percentile(r.latencies, 0.99)))
}

// percentile returns the p-th percentile of sorted by the nearest-rank
// method.
func percentile(sorted []time.Duration, p float64) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	rank := int(math.Ceil(p*float64(len(sorted)))) - 1
	return sorted[min(max(rank, 0), len(sorted)-1)]
}

func micros(d time.Duration) float64 {
	return float64(d) / float64(time.Microsecond)
}
