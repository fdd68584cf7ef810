package clientbench

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"net"
	"strconv"
	"sync"
	"sync/atomic"
)

// maxPageSize is the largest page the API serves, and so the largest page
// the canned server renders.
const maxPageSize = 100

// idDigits is the width of the zero-padded number in a canned user id, so
// that byte order of ids is numeric order up to 99,999,999 users.
const idDigits = 8

// CannedServer is a minimal HTTP/1.1 server on loopback that serves the
// user routes of the RedCore API from bytes rendered once at start, so
// that a client benchmark measures the client. A request costs the server a
// copy of the canned bytes and no allocation. An httptest server whose
// handler writes the same bytes adds about 20 allocations and 2.3 KB to
// every request of every client (measured with the floor client on Go 1.26).
//
// It serves:
//   - GET /v1/users/{id}: the same user, Alice Müller, for every id.
//   - GET /v1/users?limit=L&offset=O: up to L users (1 to 100, default 20)
//     of a list of Total users, ordered as the API orders them (created_at
//     descending, then id descending), with "meta" set from the query.
//   - anything else: 404 with the API's error body.
//
// It reads keep-alive requests and ignores their headers and bodies, so it
// is only fit for trusted clients on loopback.
type CannedServer struct {
	// URL is the base URL with /v1, such as http://127.0.0.1:41234/v1.
	URL string

	listener net.Listener
	total    atomic.Int64
	user     []byte
	page     cannedPage

	mu    sync.Mutex
	conns map[net.Conn]struct{}
	done  sync.WaitGroup
}

// cannedPage is a full page of maxPageSize users rendered once. A response
// copies the first items of it and writes each item's id number in place.
type cannedPage struct {
	// items holds the JSON of the users, one after the other, each with
	// idDigits zeros where its id number goes.
	items []byte
	// ends[i] is the end of item i in items.
	ends []int
	// idAt[i] is the offset of item i's id number in items.
	idAt []int
}

// NewCannedServer starts a canned server on 127.0.0.1 with a list of total
// users. Close stops it.
func NewCannedServer(total int) (*CannedServer, error) {
	listener, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("listen on loopback: %w", err)
	}
	s := &CannedServer{
		URL:      "http://" + listener.Addr().String() + "/v1",
		listener: listener,
		user:     []byte(aliceJSON),
		page:     renderPage(),
		conns:    make(map[net.Conn]struct{}),
	}
	s.SetTotal(total)

	s.done.Add(1)
	go s.serve()
	return s, nil
}

// SetTotal sets the number of users in the list, from the next request on.
func (s *CannedServer) SetTotal(total int) {
	s.total.Store(int64(total))
}

// Close stops the server and closes its connections.
func (s *CannedServer) Close() error {
	err := s.listener.Close()
	s.mu.Lock()
	for c := range s.conns {
		_ = c.Close()
	}
	s.mu.Unlock()
	s.done.Wait()
	return err
}

func (s *CannedServer) serve() {
	defer s.done.Done()
	for {
		conn, err := s.listener.Accept()
		if err != nil {
			return
		}
		s.mu.Lock()
		s.conns[conn] = struct{}{}
		s.mu.Unlock()

		s.done.Add(1)
		go func() {
			defer s.done.Done()
			s.serveConn(conn)
			s.mu.Lock()
			delete(s.conns, conn)
			s.mu.Unlock()
			_ = conn.Close()
		}()
	}
}

// serveConn serves the requests of one keep-alive connection until the
// client closes it or sends something that is not HTTP/1.1.
func (s *CannedServer) serveConn(conn net.Conn) {
	r := bufio.NewReaderSize(conn, 8<<10)
	target := make([]byte, 0, 1<<10)
	out := make([]byte, 0, 64<<10)
	for {
		var bodyLen int
		var err error
		target, bodyLen, err = readRequest(r, target[:0])
		if err != nil {
			return
		}
		if _, err := r.Discard(bodyLen); err != nil {
			return
		}
		out = s.respond(out[:0], target)
		if _, err := conn.Write(out); err != nil {
			return
		}
	}
}

var errBadRequest = errors.New("malformed request")

// readRequest reads a request head, appends its target (path and query)
// to target and returns it with the length of the request body.
func readRequest(r *bufio.Reader, target []byte) (_ []byte, bodyLen int, err error) {
	line, err := r.ReadSlice('\n')
	if err != nil {
		return nil, 0, err
	}
	_, rest, ok := bytes.Cut(line, []byte(" "))
	if !ok {
		return nil, 0, errBadRequest
	}
	requestTarget, _, ok := bytes.Cut(rest, []byte(" "))
	if !ok {
		return nil, 0, errBadRequest
	}
	// The line aliases r's buffer, which the header reads below overwrite.
	target = append(target, requestTarget...)

	for {
		header, err := r.ReadSlice('\n')
		if err != nil {
			return nil, 0, err
		}
		header = bytes.TrimRight(header, "\r\n")
		if len(header) == 0 {
			return target, bodyLen, nil
		}
		name, value, ok := bytes.Cut(header, []byte(":"))
		if ok && bytes.EqualFold(name, []byte("Content-Length")) {
			n, err := strconv.Atoi(string(bytes.TrimSpace(value)))
			if err != nil || n < 0 {
				return nil, 0, errBadRequest
			}
			bodyLen = n
		}
	}
}

// respond appends the response to the request for target to out.
func (s *CannedServer) respond(out, target []byte) []byte {
	path, query, _ := bytes.Cut(target, []byte("?"))
	switch {
	case bytes.Equal(path, []byte("/v1/users")):
		return s.appendPage(out, query)
	case bytes.HasPrefix(path, []byte("/v1/users/")) && len(path) > len("/v1/users/"):
		return appendResponse(out, "200 OK", s.user)
	default:
		return appendResponse(out, "404 Not Found", []byte(notFoundJSON))
	}
}

// appendPage appends the response to a list request with the given query.
func (s *CannedServer) appendPage(out, query []byte) []byte {
	limit, offset := 20, 0
	for len(query) > 0 {
		var pair []byte
		pair, query, _ = bytes.Cut(query, []byte("&"))
		name, value, _ := bytes.Cut(pair, []byte("="))
		n, ok := parseDecimal(value)
		switch {
		case string(name) == "limit" && ok && n >= 1 && n <= maxPageSize:
			limit = n
		case string(name) == "offset" && ok:
			offset = n
		case string(name) == "limit" || string(name) == "offset":
			return appendResponse(out, "400 Bad Request", []byte(badRequestJSON))
		}
	}
	total := int(s.total.Load())
	count := max(0, min(limit, total-offset))

	// The head goes first with a fixed-width Content-Length, written once
	// the body's length is known, so that the body is built in place.
	out = append(out, "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nX-Request-Id: req_canned\r\nContent-Length: "...)
	lengthAt := len(out)
	out = append(out, "0000000000\r\n\r\n"...)
	bodyAt := len(out)

	out = append(out, `{"data":[`...)
	if count > 0 {
		itemsAt := len(out)
		out = append(out, s.page.items[:s.page.ends[count-1]]...)
		for i := range count {
			putDecimal(out[itemsAt+s.page.idAt[i]:][:idDigits], total-offset-i)
		}
	}
	out = append(out, `],"meta":{"total":`...)
	out = strconv.AppendInt(out, int64(total), 10)
	out = append(out, `,"limit":`...)
	out = strconv.AppendInt(out, int64(limit), 10)
	out = append(out, `,"offset":`...)
	out = strconv.AppendInt(out, int64(offset), 10)
	out = append(out, "}}"...)

	putDecimal(out[lengthAt:][:10], len(out)-bodyAt)
	return out
}

// appendResponse appends a response with a JSON body to out.
func appendResponse(out []byte, status string, body []byte) []byte {
	out = append(out, "HTTP/1.1 "...)
	out = append(out, status...)
	out = append(out, "\r\nContent-Type: application/json\r\nX-Request-Id: req_canned\r\nContent-Length: "...)
	out = strconv.AppendInt(out, int64(len(body)), 10)
	out = append(out, "\r\n\r\n"...)
	return append(out, body...)
}

// parseDecimal parses a non-negative decimal integer of at most 9 digits.
func parseDecimal(b []byte) (int, bool) {
	if len(b) == 0 || len(b) > 9 {
		return 0, false
	}
	n := 0
	for _, c := range b {
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + int(c-'0')
	}
	return n, true
}

// putDecimal writes n zero-padded into all of dst.
func putDecimal(dst []byte, n int) {
	for i := len(dst) - 1; i >= 0; i-- {
		dst[i] = byte('0' + n%10)
		n /= 10
	}
}

// renderPage renders the canned page of maxPageSize users. Roles and
// statuses cycle through their values; the ids are filled in per request.
func renderPage() cannedPage {
	roles := []string{"admin", "editor", "viewer"}
	statuses := []string{"active", "inactive", "pending_invite"}
	var p cannedPage
	for i := range maxPageSize {
		if i > 0 {
			p.items = append(p.items, ',')
		}
		p.items = append(p.items, `{"id":"usr_`...)
		p.idAt = append(p.idAt, len(p.items))
		p.items = append(p.items, bytes.Repeat([]byte("0"), idDigits)...)
		p.items = fmt.Appendf(p.items,
			`","email":"user%02d@example.com","name":"Benchmark User %02d","role":%q,"status":%q,"created_at":"2025-11-15T08:30:00Z","updated_at":"2026-04-01T14:22:00Z"}`,
			i, i, roles[i%len(roles)], statuses[i%len(statuses)])
		p.ends = append(p.ends, len(p.items))
	}
	return p
}

const aliceJSON = `{"id":"usr_98765","email":"alice@example.com","name":"Alice Müller","role":"admin","status":"active","created_at":"2025-11-15T08:30:00Z","updated_at":"2026-04-01T14:22:00Z"}`

const notFoundJSON = `{"error":{"code":"NOT_FOUND","message":"no such route on the canned server","details":[],"request_id":"req_canned"}}`

const badRequestJSON = `{"error":{"code":"VALIDATION_ERROR","message":"limit or offset is invalid","details":[{"field":"limit","issue":"must be an integer from 1 to 100"}],"request_id":"req_canned"}}`
