package main

import (
	"net/url"
	"testing"
	"time"
)

func TestCheckLoopback(t *testing.T) {
	tests := []struct {
		name    string
		baseURL string
		ok      bool
	}{
		{"ipv4 loopback", "http://127.0.0.1:8080/v1", true},
		{"other 127 address", "http://127.0.0.2:8080/v1", true},
		{"ipv6 loopback", "http://[::1]:8080/v1", true},
		{"localhost", "http://localhost:8080/v1", true},
		{"private address", "http://10.0.0.1:8080/v1", false},
		{"public name", "http://api.redcore.com/v1", false},
		{"https scheme", "https://127.0.0.1:8443/v1", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			u, err := url.Parse(tt.baseURL)
			if err != nil {
				t.Fatal(err)
			}
			err = checkLoopback(u)
			if (err == nil) != tt.ok {
				t.Errorf("checkLoopback(%s) = %v, want ok %v", tt.baseURL, err, tt.ok)
			}
		})
	}
}

func TestPercentile(t *testing.T) {
	sorted := make([]time.Duration, 100)
	for i := range sorted {
		sorted[i] = time.Duration(i+1) * time.Millisecond
	}
	tests := []struct {
		name string
		p    float64
		want time.Duration
	}{
		{"median", 0.50, 50 * time.Millisecond},
		{"99th", 0.99, 99 * time.Millisecond},
		{"maximum", 1, 100 * time.Millisecond},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := percentile(sorted, tt.p); got != tt.want {
				t.Errorf("percentile(%v) = %s, want %s", tt.p, got, tt.want)
			}
		})
	}
	if got := percentile(nil, 0.5); got != 0 {
		t.Errorf("percentile of no latencies = %s, want 0", got)
	}
}

func TestConfigBounds(t *testing.T) {
	valid := config{baseURL: "http://127.0.0.1:1/v1", duration: time.Second, requests: 10, concurrency: 1, rounds: 1, label: "server=x"}
	if err := valid.check(); err != nil {
		t.Fatalf("valid config rejected: %v", err)
	}
	tests := []struct {
		name   string
		change func(*config)
	}{
		{"duration over a minute", func(c *config) { c.duration = 2 * time.Minute }},
		{"no requests", func(c *config) { c.requests = 0 }},
		{"too many requests", func(c *config) { c.requests = maxRequests + 1 }},
		{"too many workers", func(c *config) { c.concurrency = maxConcurrency + 1 }},
		{"label with a space", func(c *config) { c.label = "server=a b" }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := valid
			tt.change(&c)
			if err := c.check(); err == nil {
				t.Error("check accepted the config")
			}
		})
	}
}
