package main

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/redcore/redcore-go/redcore"
)

// emailPool is the number of distinct email addresses the clients create
// users with. It is small, so that clients often race to create the same
// address and the sandbox must reject all but one.
const emailPool = 300

// callTimeout bounds one call, retries included.
const callTimeout = 30 * time.Second

// counts are the outcomes of the clients' calls.
type counts struct {
	calls        atomic.Int64
	created      atomic.Int64
	deleted      atomic.Int64
	duplicates   atomic.Int64 // creates rejected with DUPLICATE_EMAIL
	rateLimited  atomic.Int64
	serverErrors atomic.Int64 // 5xx after the client's retries
	failures     atomic.Int64 // any other error
}

func (c *counts) add(other *counts) {
	c.calls.Add(other.calls.Load())
	c.created.Add(other.created.Load())
	c.deleted.Add(other.deleted.Load())
	c.duplicates.Add(other.duplicates.Load())
	c.rateLimited.Add(other.rateLimited.Load())
	c.serverErrors.Add(other.serverErrors.Load())
	c.failures.Add(other.failures.Load())
}

func (c *counts) summary(d time.Duration) string {
	return fmt.Sprintf("%d calls (%.0f/s), %d created, %d deleted, %d duplicate emails rejected, %d rate limited, %d 5xx, %d other failures",
		c.calls.Load(), float64(c.calls.Load())/d.Seconds(), c.created.Load(), c.deleted.Load(),
		c.duplicates.Load(), c.rateLimited.Load(), c.serverErrors.Load(), c.failures.Load())
}

// runClients runs one client per token against baseURL for d and returns
// the outcomes of their calls.
func runClients(baseURL string, tokens []string, d time.Duration) (*counts, error) {
	got := &counts{}
	deadline := time.Now().Add(d)

	var wg sync.WaitGroup
	for i, token := range tokens {
		transport := &http.Transport{MaxIdleConnsPerHost: 4}
		defer transport.CloseIdleConnections()
		client, err := redcore.NewClient(
			redcore.WithToken(token),
			redcore.WithBaseURL(baseURL),
			redcore.WithHTTPClient(&http.Client{Transport: transport}),
		)
		if err != nil {
			return nil, err
		}
		w := &worker{client: client, rng: rand.New(rand.NewPCG(uint64(i), uint64(time.Now().UnixNano()))), counts: got}
		wg.Go(func() { w.run(deadline) })
	}
	wg.Wait()
	return got, nil
}

// worker is one client making random calls. It deletes and updates only
// the users it created itself, so that its deletes are all expected to
// succeed.
type worker struct {
	client *redcore.Client
	rng    *rand.Rand
	counts *counts
	own    []string
}

// run makes calls until deadline. A call is never cancelled at the
// deadline, because a create or delete cut short would leave its outcome
// unknown and the totals uncheckable. Each call has its own bound instead.
func (w *worker) run(deadline time.Time) {
	for time.Now().Before(deadline) {
		ctx, cancel := context.WithTimeout(context.Background(), callTimeout)
		err := w.call(ctx)
		cancel()
		w.counts.calls.Add(1)
		w.record(err)
	}
}

// call makes one random call: 60% reads, 40% writes.
func (w *worker) call(ctx context.Context) error {
	users := w.client.Users
	switch p := w.rng.IntN(100); {
	case p < 20:
		_, err := users.Get(ctx, w.someUser())
		return err
	case p < 40:
		params := redcore.ListUsersParams{Limit: 1 + w.rng.IntN(100), Offset: w.rng.IntN(60)}
		if w.rng.IntN(2) == 0 {
			params.Q = "load"
		}
		if w.rng.IntN(3) == 0 {
			params.Role = redcore.RoleViewer
		}
		_, err := users.List(ctx, params)
		return err
	case p < 50:
		_, err := w.client.Products.List(ctx, redcore.ListProductsParams{Limit: 50, Status: redcore.ProductStatusAvailable})
		return err
	case p < 60:
		_, err := w.client.Products.Get(ctx, "prod_00123")
		return err
	case p < 80:
		return w.create(ctx)
	case p < 90 && len(w.own) > 0:
		name := fmt.Sprintf("Load User %d", w.rng.IntN(1000))
		_, err := users.Update(ctx, w.own[w.rng.IntN(len(w.own))], redcore.UpdateUserParams{Name: &name})
		return err
	case len(w.own) > 0:
		return w.delete(ctx)
	}
	return nil
}

// create creates a user with an address of the shared pool, in random
// letter case, so that the duplicate check must ignore case.
func (w *worker) create(ctx context.Context) error {
	email := fmt.Sprintf("load%03d@example.com", w.rng.IntN(emailPool))
	if w.rng.IntN(2) == 0 {
		email = strings.ToUpper(email)
	}
	user, err := w.client.Users.Create(ctx, redcore.CreateUserParams{Email: email, Name: "Load User", Role: redcore.RoleViewer})
	if err != nil {
		return err
	}
	w.own = append(w.own, user.Id)
	w.counts.created.Add(1)
	return nil
}

func (w *worker) delete(ctx context.Context) error {
	i := w.rng.IntN(len(w.own))
	if err := w.client.Users.Delete(ctx, w.own[i]); err != nil {
		return err
	}
	w.own = append(w.own[:i], w.own[i+1:]...)
	w.counts.deleted.Add(1)
	return nil
}

// someUser returns one of the worker's users, or a fixture user.
func (w *worker) someUser() string {
	if len(w.own) == 0 || w.rng.IntN(4) == 0 {
		return "usr_98765"
	}
	return w.own[w.rng.IntN(len(w.own))]
}

// record counts the outcome of a call.
func (w *worker) record(err error) {
	var apiErr *redcore.APIError
	switch {
	case err == nil:
	case errors.Is(err, redcore.ErrDuplicate):
		w.counts.duplicates.Add(1)
	case errors.Is(err, redcore.ErrRateLimited):
		w.counts.rateLimited.Add(1)
	case errors.As(err, &apiErr) && apiErr.StatusCode >= 500:
		w.counts.serverErrors.Add(1)
	default:
		w.counts.failures.Add(1)
		if w.counts.failures.Load() <= 5 {
			fmt.Printf("unexpected error: %v\n", err)
		}
	}
}
