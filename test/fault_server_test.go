package test

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"
)

// fault is what a wireServer does with one request.
type fault int

const (
	// answer writes the step's response in full and keeps the connection.
	answer fault = iota
	// resetBeforeRead waits for the first bytes of the request and closes
	// the connection with a TCP reset without reading the request.
	resetBeforeRead
	// resetAfterApply reads the request, applies it, and closes the
	// connection with a TCP reset instead of responding.
	resetAfterApply
	// cutBody applies the request, sends the headers with the full
	// Content-Length and half of the body, and closes the connection.
	cutBody
	// hang reads the request, applies it, and never responds.
	hang
)

// step is one scripted response. A zero status sends the success
// response of the request's method: 200 and a user for GET, 201 and a user
// for POST, 204 for DELETE.
type step struct {
	fault  fault
	status int
	header map[string]string
	body   string
	// retryAfterDate, when set, adds a Retry-After header with the
	// HTTP-date that lies this far after the moment the response is written.
	retryAfterDate time.Duration
}

// wireRequest is what a wireServer read of one request.
type wireRequest struct {
	method  string
	path    string
	key     string // the Idempotency-Key header
	conn    int    // number of the connection it came on, from 1
	arrived time.Time
}

// wireServer is an HTTP/1.1 server on a raw loopback listener that follows
// a script of steps, one per request, the last step repeating. Unlike an
// http.Server it can reset a connection before reading the request, cut a
// body short or never respond.
//
// It applies a POST, as a server that honors Idempotency-Key would, once per
// key: a retry with the same key is a replay, and a retry with another key
// would be a second creation.
type wireServer struct {
	// URL is the base URL, /v1 included.
	URL string

	listener net.Listener
	steps    []step
	done     chan struct{}
	wg       sync.WaitGroup

	mu       sync.Mutex
	next     int
	conns    int
	open     map[net.Conn]bool
	requests []wireRequest
	applied  map[string]int
}

func newWireServer(t *testing.T, steps ...step) *wireServer {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("listen: %v", err)
	}
	s := &wireServer{
		URL:      "http://" + ln.Addr().String() + "/v1",
		listener: ln,
		steps:    steps,
		done:     make(chan struct{}),
		open:     map[net.Conn]bool{},
		applied:  map[string]int{},
	}
	s.wg.Add(1)
	go s.accept()
	t.Cleanup(s.close)
	return s
}

func (s *wireServer) accept() {
	defer s.wg.Done()
	for {
		conn, err := s.listener.Accept()
		if err != nil {
			return
		}
		s.mu.Lock()
		s.conns++
		id := s.conns
		s.open[conn] = true
		s.mu.Unlock()

		s.wg.Add(1)
		go s.serve(conn, id)
	}
}

// close stops the server, ends hanging steps and waits for every
// connection's goroutine.
func (s *wireServer) close() {
	close(s.done)
	_ = s.listener.Close()
	s.mu.Lock()
	for conn := range s.open {
		_ = conn.Close()
	}
	s.mu.Unlock()
	s.wg.Wait()
}

func (s *wireServer) serve(conn net.Conn, id int) {
	defer s.wg.Done()
	defer func() {
		s.mu.Lock()
		delete(s.open, conn)
		s.mu.Unlock()
		_ = conn.Close()
	}()

	reader := bufio.NewReader(conn)
	for {
		if _, err := reader.Peek(1); err != nil {
			return
		}
		if s.peek().fault == resetBeforeRead {
			s.take()
			reset(conn)
			return
		}

		req, err := http.ReadRequest(reader)
		if err != nil {
			return
		}
		_, _ = io.Copy(io.Discard, req.Body)
		st := s.take()
		s.record(req, id, st)

		switch st.fault {
		case resetAfterApply:
			reset(conn)
			return
		case cutBody:
			response := encodeResponse(req.Method, st)
			_, _ = conn.Write(response[:len(response)-len(responseBody(req.Method, st))/2])
			return
		case hang:
			<-s.done
			return
		}
		if _, err := conn.Write(encodeResponse(req.Method, st)); err != nil {
			return
		}
	}
}

// peek returns the next step without taking it.
func (s *wireServer) peek() step {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.steps[min(s.next, len(s.steps)-1)]
}

// take returns the next step and moves past it, except past the last.
func (s *wireServer) take() step {
	s.mu.Lock()
	defer s.mu.Unlock()
	st := s.steps[min(s.next, len(s.steps)-1)]
	s.next++
	return st
}

// record stores req and applies it when the step does the work: a 2xx
// response, or a fault that strikes after the work.
func (s *wireServer) record(req *http.Request, conn int, st step) {
	s.mu.Lock()
	defer s.mu.Unlock()
	key := req.Header.Get("Idempotency-Key")
	s.requests = append(s.requests, wireRequest{
		method: req.Method, path: req.URL.EscapedPath(), key: key, conn: conn, arrived: time.Now(),
	})

	status := st.status
	if status == 0 {
		status = http.StatusOK
	}
	works := st.fault != answer || (status >= 200 && status < 300)
	if req.Method == http.MethodPost && works {
		s.applied[key]++
	}
}

// Requests returns a copy of the requests read so far.
func (s *wireServer) Requests() []wireRequest {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]wireRequest(nil), s.requests...)
}

// Conns returns the number of connections accepted.
func (s *wireServer) Conns() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.conns
}

// Creations returns the number of distinct Idempotency-Keys whose POST was
// applied: the number of users a real server would have created.
func (s *wireServer) Creations() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.applied)
}

// reset closes conn with a TCP reset (RST) instead of an orderly close.
func reset(conn net.Conn) {
	if tcp, ok := conn.(*net.TCPConn); ok {
		_ = tcp.SetLinger(0)
	}
	_ = conn.Close()
}

// responseBody returns the body that st sends to a request with method.
func responseBody(method string, st step) string {
	if st.status != 0 {
		return st.body
	}
	if method == http.MethodDelete {
		return ""
	}
	return wireUserJSON
}

// encodeResponse returns the bytes of st's response to a request with
// method.
func encodeResponse(method string, st step) []byte {
	status := st.status
	header := st.header
	if status == 0 {
		switch method {
		case http.MethodPost:
			status = http.StatusCreated
			header = map[string]string{"Content-Type": "application/json", "Location": "/v1/users/usr_wire"}
		case http.MethodDelete:
			status = http.StatusNoContent
		default:
			status = http.StatusOK
			header = map[string]string{"Content-Type": "application/json"}
		}
	}
	body := responseBody(method, st)

	var b bytes.Buffer
	fmt.Fprintf(&b, "HTTP/1.1 %d %s\r\n", status, http.StatusText(status))
	fmt.Fprintf(&b, "X-Request-Id: req_wire\r\n")
	for name, value := range header {
		fmt.Fprintf(&b, "%s: %s\r\n", name, value)
	}
	if st.retryAfterDate > 0 {
		fmt.Fprintf(&b, "Retry-After: %s\r\n", time.Now().Add(st.retryAfterDate).UTC().Format(http.TimeFormat))
	}
	if status != http.StatusNoContent {
		fmt.Fprintf(&b, "Content-Length: %d\r\n", len(body))
	}
	b.WriteString("\r\n")
	b.WriteString(body)
	return b.Bytes()
}

// wireUserJSON is the user every success response of a wireServer carries.
const wireUserJSON = `{"id":"usr_wire","email":"wire@example.com","name":"Wire User","role":"viewer",` +
	`"status":"pending_invite","created_at":"2026-01-01T00:00:00Z","updated_at":"2026-01-01T00:00:00Z"}`

// apiErrorStep returns a step that answers with the API's JSON error body.
func apiErrorStep(status int, code string, header map[string]string) step {
	h := map[string]string{"Content-Type": "application/json"}
	for name, value := range header {
		h[name] = value
	}
	body := fmt.Sprintf(`{"error":{"code":%q,"message":"%s","request_id":"req_wire"}}`,
		code, strings.ToLower(http.StatusText(status)))
	return step{status: status, header: h, body: body}
}
