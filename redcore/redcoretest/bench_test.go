package redcoretest

import (
	"io"
	"net/http"
	"testing"
)

// BenchmarkRequests measures requests per second over loopback HTTP for a
// page of users and for one user, with request validation on and off.
// Clients run in parallel (GOMAXPROCS goroutines) on keep-alive
// connections; the rate limit is raised out of the way.
func BenchmarkRequests(b *testing.B) {
	paths := []struct {
		name string
		path string
	}{
		{"list users limit 20", "/users?limit=20"},
		{"get user", "/users/usr_98765"},
	}
	modes := []struct {
		name string
		opts []Option
	}{
		{"validation on", nil},
		{"validation off", []Option{withoutValidation()}},
	}
	for _, p := range paths {
		for _, m := range modes {
			b.Run(p.name+"/"+m.name, func(b *testing.B) {
				opts := append([]Option{WithRateLimit(1 << 30)}, m.opts...)
				srv := NewServer(b, opts...)
				client := srv.server.Client()
				client.Transport.(*http.Transport).MaxIdleConnsPerHost = 64
				url := srv.URL + p.path

				b.ResetTimer()
				b.RunParallel(func(pb *testing.PB) {
					for pb.Next() {
						req, _ := http.NewRequest("GET", url, nil)
						req.Header.Set("Authorization", "Bearer "+srv.Token)
						resp, err := client.Do(req)
						if err != nil {
							b.Error(err)
							return
						}
						io.Copy(io.Discard, resp.Body)
						resp.Body.Close()
						if resp.StatusCode != http.StatusOK {
							b.Errorf("status = %d, want 200", resp.StatusCode)
							return
						}
					}
				})
				b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "req/s")
			})
		}
	}
}
