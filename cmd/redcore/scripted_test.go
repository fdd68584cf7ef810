package main

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"time"
)

// scriptedError is the error response of a scripted mode.
type scriptedError struct {
	status     int
	code       string
	message    string
	details    []map[string]string
	retryAfter string
}

// scriptedErrors are the modes that respond to every request with an error.
// "slow503" sends Retry-After: 30, a wait before the retry that only Ctrl-C
// or --timeout cuts short. "429now" asks for no wait before the retry, and
// "429msg" names its wait in the message as well as in Retry-After.
var scriptedErrors = map[string]scriptedError{
	"400": {status: 400, code: "VALIDATION_ERROR", message: "request is invalid",
		details: []map[string]string{{"field": "email", "issue": "must be a valid email address"}}},
	"401":    {status: 401, code: "UNAUTHORIZED", message: "missing or unknown token"},
	"403":    {status: 403, code: "FORBIDDEN", message: "the token lacks the users:read scope"},
	"404":    {status: 404, code: "NOT_FOUND", message: "resource not found"},
	"409":    {status: 409, code: "DUPLICATE_EMAIL", message: "a user with this email exists"},
	"429":    {status: 429, code: "RATE_LIMIT_EXCEEDED", message: "rate limit exceeded", retryAfter: "1"},
	"429now": {status: 429, code: "RATE_LIMIT_EXCEEDED", message: "rate limit exceeded", retryAfter: "0"},
	"429msg": {status: 429, code: "RATE_LIMIT_EXCEEDED", message: "rate limit exceeded; retry after 20 seconds",
		retryAfter: "20"},
	"503":     {status: 503, code: "SERVICE_UNAVAILABLE", message: "service unavailable"},
	"slow503": {status: 503, code: "SERVICE_UNAVAILABLE", message: "service unavailable", retryAfter: "30"},
}

// scriptedOdd maps paths to the response bodies of mode "odd": objects with
// enum values that the API does not list, which the CLI must print as
// received, and a truncated JSON body.
var scriptedOdd = map[string]string{
	"/users": `{"data":[{"id":"usr_odd","email":"odd@example.com","name":"Odd One","role":"owner",` +
		`"status":"suspended","created_at":"2026-01-01T00:00:00Z","updated_at":"2026-01-01T00:00:00Z"}],` +
		`"meta":{"total":1,"limit":20,"offset":0}}`,
	"/products/prod_odd": `{"id":"prod_odd","name":"Odd Gadget","sku":"ODD-1","price":1,"stock":0,` +
		`"status":"recalled","created_at":"2026-01-01T00:00:00Z"}`,
	"/users/usr_garbage": `{"id": "usr_garbage", "name": `,
}

// scriptedServer is an HTTP server on 127.0.0.1 whose responses depend on
// the first path segment, the mode: $SCRIPTED/404/v1/users/usr_1 gets a 404.
// Every mode whose name starts with "hang" sends no response until the
// client disconnects, and each such mode counts its own requests.
// Mode "pagefail" sends the first page of 42 users, 20 of them, and a 503
// for any other offset. The server counts the requests of each mode.
type scriptedServer struct {
	server *httptest.Server

	mu     sync.Mutex
	counts map[string]int
}

func newScriptedServer() *scriptedServer {
	s := &scriptedServer{counts: map[string]int{}}
	s.server = httptest.NewServer(http.HandlerFunc(s.serveHTTP))
	return s
}

func (s *scriptedServer) close() {
	s.server.CloseClientConnections()
	s.server.Close()
}

// count returns the number of requests for mode, or for every mode when
// mode is "all".
func (s *scriptedServer) count(mode string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	if mode != "all" {
		return s.counts[mode]
	}
	total := 0
	for _, n := range s.counts {
		total += n
	}
	return total
}

func (s *scriptedServer) record(mode string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.counts[mode]++
}

func (s *scriptedServer) serveHTTP(w http.ResponseWriter, r *http.Request) {
	mode, rest, _ := strings.Cut(strings.TrimPrefix(r.URL.Path, "/"), "/")

	requestID := "req_scripted_" + mode
	w.Header().Set("X-Request-Id", requestID)
	w.Header().Set("Content-Type", "application/json")

	if strings.HasPrefix(mode, "hang") {
		// The server notices that the client has gone away only once the
		// body is read, so a hanging POST or PATCH reads it first.
		_, _ = io.Copy(io.Discard, r.Body)
		s.record(mode)
		select {
		case <-r.Context().Done():
		case <-time.After(30 * time.Second):
		}
		return
	}

	// A request is counted after the handler has written its response, so
	// that waitrequest returns when the response is on its way.
	defer s.record(mode)
	if body, ok := scriptedOdd[strings.TrimPrefix(rest, "v1")]; ok && mode == "odd" {
		_, _ = w.Write([]byte(body))
		return
	}

	if mode == "pagefail" && r.URL.Query().Get("offset") == "" {
		_, _ = w.Write([]byte(firstPage(20, 42)))
		return
	}

	answer, ok := scriptedErrors[mode]
	if mode == "pagefail" {
		answer, ok = scriptedErrors["503"], true
	}
	if !ok {
		answer = scriptedError{status: 404, code: "NOT_FOUND", message: "no scripted mode " + mode}
	}
	if answer.retryAfter != "" {
		w.Header().Set("Retry-After", answer.retryAfter)
	}
	body := map[string]any{
		"code":       answer.code,
		"message":    answer.message,
		"request_id": requestID,
	}
	if answer.details != nil {
		body["details"] = answer.details
	}
	w.WriteHeader(answer.status)
	_ = json.NewEncoder(w).Encode(map[string]any{"error": body})
}

// firstPage returns a page of users at offset 0 with n users of total.
func firstPage(n, total int) string {
	users := make([]map[string]string, n)
	for i := range users {
		users[i] = map[string]string{
			"id": fmt.Sprintf("usr_p%02d", n-i), "email": fmt.Sprintf("p%02d@example.com", n-i),
			"name": "Paged User", "role": "viewer", "status": "active",
			"created_at": "2026-01-01T00:00:00Z", "updated_at": "2026-01-01T00:00:00Z",
		}
	}
	body, _ := json.Marshal(map[string]any{
		"data": users,
		"meta": map[string]int{"total": total, "limit": n, "offset": 0},
	})
	return string(body)
}
