package redcoretest

import (
	"context"
	"math/rand/v2"
	"net/http"
	"sync"
	"time"

	"github.com/redcore/redcore-go/api"
)

// faults draws the injected failures of requests from a generator seeded at
// start, so the same sequence of requests meets the same faults. Requests
// that arrive at the same time draw in the order they take the lock, which
// is why only sequential requests are repeatable.
type faults struct {
	failRate float64
	dropRate float64

	mu  sync.Mutex
	rng *rand.Rand
}

func newFaults(failRate, dropRate float64, seed int64) *faults {
	return &faults{
		failRate: failRate,
		dropRate: dropRate,
		rng:      rand.New(rand.NewPCG(uint64(seed), 0)),
	}
}

// draw decides whether a request fails with 503 and whether its response is
// dropped. Every request draws both numbers, so one kind of fault does not
// shift the draws of the other.
func (f *faults) draw() (fail, drop bool) {
	if f.failRate <= 0 && f.dropRate <= 0 {
		return false, false
	}
	f.mu.Lock()
	defer f.mu.Unlock()

	failDraw, dropDraw := f.rng.Float64(), f.rng.Float64()
	return failDraw < f.failRate, dropDraw < f.dropRate
}

var serviceUnavailable = &apiError{
	status:  http.StatusServiceUnavailable,
	code:    api.SERVICEUNAVAILABLE,
	message: "the service is unavailable (injected fault); retry with backoff",
}

// sleep waits d, or until ctx ends.
func sleep(ctx context.Context, d time.Duration) {
	if d <= 0 {
		return
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
	case <-ctx.Done():
	}
}

// dropConnection closes the client's connection without a response, as a
// network failure after the server did the work would. Where the
// connection cannot be taken over (HTTP/2), it aborts the response, which
// resets the stream instead.
func dropConnection(w http.ResponseWriter) {
	conn, _, err := http.NewResponseController(w).Hijack()
	if err != nil {
		panic(http.ErrAbortHandler)
	}
	conn.Close()
}
