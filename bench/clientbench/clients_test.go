package clientbench

import (
	"context"
	"fmt"
	"runtime"
	"runtime/metrics"
	"strconv"
	"testing"
)

// benchToken is the token every client sends. The canned server accepts
// any token.
const benchToken = "bench_token"

// clientNames are the clients in the order of the benchmark table. The
// first is the baseline that benchstat compares the others with.
var clientNames = []string{"floor", "generated", "ogen", "redcore"}

// newClient returns the named client for the API at baseURL.
func newClient(tb testing.TB, name, baseURL string) UserClient {
	tb.Helper()
	hc := NewHTTPClient()
	tb.Cleanup(hc.CloseIdleConnections)

	var (
		c   UserClient
		err error
	)
	switch name {
	case "floor":
		c = NewFloorClient(baseURL, benchToken, hc)
	case "generated":
		c, err = NewGeneratedClient(baseURL, benchToken, hc)
	case "ogen":
		c, err = NewOgenClient(baseURL, benchToken, hc)
	case "redcore":
		c, err = NewRedcoreClient(baseURL, benchToken, hc)
	default:
		err = fmt.Errorf("unknown client %q", name)
	}
	if err != nil {
		tb.Fatalf("new %s client: %v", name, err)
	}
	return c
}

// startServer starts a canned server with a list of total users.
func startServer(tb testing.TB, total int) *CannedServer {
	tb.Helper()
	srv, err := NewCannedServer(total)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { _ = srv.Close() })
	return srv
}

// BenchmarkGetUser measures fetching one user.
func BenchmarkGetUser(b *testing.B) {
	srv := startServer(b, 0)
	for _, name := range clientNames {
		b.Run("client="+name, func(b *testing.B) {
			c := newClient(b, name, srv.URL)
			ctx := context.Background()
			b.ReportAllocs()
			for b.Loop() {
				if _, err := c.GetUser(ctx, "usr_98765"); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkListUsers measures fetching a page of 100 users.
func BenchmarkListUsers(b *testing.B) {
	srv := startServer(b, 10_000)
	for _, name := range clientNames {
		b.Run("client="+name, func(b *testing.B) {
			c := newClient(b, name, srv.URL)
			ctx := context.Background()
			b.ReportAllocs()
			for b.Loop() {
				n, err := c.ListUsers(ctx, 100, 0)
				if err != nil {
					b.Fatal(err)
				}
				if n != 100 {
					b.Fatalf("page has %d users, want 100", n)
				}
			}
		})
	}
}

// BenchmarkWalkUsers measures walking a list of 10,000 users in pages of
// 100: redcore's UserService.All against the loop a user of each other
// client writes.
func BenchmarkWalkUsers(b *testing.B) {
	const total = 10_000
	srv := startServer(b, total)
	for _, name := range clientNames {
		b.Run("client="+name, func(b *testing.B) {
			c := newClient(b, name, srv.URL)
			ctx := context.Background()
			b.ReportAllocs()
			for b.Loop() {
				n := 0
				if err := c.WalkUsers(ctx, func(string) { n++ }); err != nil {
					b.Fatal(err)
				}
				if n != total {
					b.Fatalf("walk visited %d users, want %d", n, total)
				}
			}
		})
	}
}

// BenchmarkWalkUsersHeap measures the heap while walking lists of 10,000
// and 100,000 users. It reports two figures, each above the live heap
// before the first walk:
//   - peak-heap-B: the largest heap seen after each page, garbage
//     included, which is what the process holds at its worst;
//   - live-heap-B: the largest live heap after a forced collection every
//     5,000 users, which grows with the list only if the walk keeps users
//     it has already yielded.
//
// An operation visits heapUsersPerOp users, as 10 walks of the short list
// or one of the long one. The peak is a maximum over the collection cycles
// seen, so both list lengths must see as many cycles, that is allocate as
// much, for their peaks to compare. A walk whose memory is bounded by a
// page shows the same figures for both lengths. The forced collections make
// the time per operation meaningless; BenchmarkWalkUsers measures that.
func BenchmarkWalkUsersHeap(b *testing.B) {
	for _, total := range []int{10_000, 100_000} {
		srv := startServer(b, total)
		for _, name := range clientNames {
			b.Run("items="+strconv.Itoa(total)+"/client="+name, func(b *testing.B) {
				c := newClient(b, name, srv.URL)
				ctx := context.Background()
				var peak, live uint64
				for b.Loop() {
					p, l, err := walkHeap(ctx, c, total, heapUsersPerOp/total)
					if err != nil {
						b.Fatal(err)
					}
					peak, live = max(peak, p), max(live, l)
				}
				b.ReportMetric(float64(peak), "peak-heap-B")
				b.ReportMetric(float64(live), "live-heap-B")
			})
		}
	}
}

// heapSampleEvery is the number of users between two forced collections of
// walkHeap.
const heapSampleEvery = 5_000

// heapUsersPerOp is the number of users an operation of
// BenchmarkWalkUsersHeap visits, whatever the list length.
const heapUsersPerOp = 100_000

// walkHeap walks the user list of total users the given number of times and
// returns the peak and live heap above the live heap before the first walk.
func walkHeap(ctx context.Context, c UserClient, total, walks int) (peak, live uint64, err error) {
	sample := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
	heap := func() uint64 {
		metrics.Read(sample)
		return sample[0].Value.Uint64()
	}
	runtime.GC()
	base := heap()
	above := func(v uint64) uint64 { return max(v, base) - base }

	for range walks {
		n := 0
		err := c.WalkUsers(ctx, func(string) {
			n++
			if n%WalkPageSize == 0 {
				peak = max(peak, above(heap()))
			}
			if n%heapSampleEvery == 0 {
				runtime.GC()
				live = max(live, above(heap()))
			}
		})
		if err != nil {
			return 0, 0, err
		}
		if n != total {
			return 0, 0, fmt.Errorf("walk visited %d users, want %d", n, total)
		}
	}
	return peak, live, nil
}
