package redcoretest

import (
	"bytes"
	"maps"
	"net/http"
)

// headerRequestID is the response header that carries the request's id.
const headerRequestID = "X-Request-Id"

// responseBuffer holds a response until the handler decides what to do
// with it: record it for an idempotency key, save the state file first,
// drop it, or send it.
type responseBuffer struct {
	header http.Header
	status int
	body   bytes.Buffer
}

func newResponseBuffer(header http.Header) *responseBuffer {
	return &responseBuffer{header: header.Clone()}
}

func (b *responseBuffer) Header() http.Header { return b.header }

func (b *responseBuffer) WriteHeader(status int) {
	if b.status == 0 {
		b.status = status
	}
}

func (b *responseBuffer) Write(p []byte) (int, error) {
	if b.status == 0 {
		b.status = http.StatusOK
	}
	return b.body.Write(p)
}

// reset discards what was written, keeping the request id and the
// rate-limit headers.
func (b *responseBuffer) reset() {
	for _, name := range []string{"Content-Type", "Location"} {
		b.header.Del(name)
	}
	b.status = 0
	b.body.Reset()
}

// sendTo writes the buffered response to w.
func (b *responseBuffer) sendTo(w http.ResponseWriter) {
	maps.Copy(w.Header(), b.header)
	status := b.status
	if status == 0 {
		status = http.StatusOK
	}
	w.WriteHeader(status)
	w.Write(b.body.Bytes())
}

// statusRecorder remembers the status written to the client, for the
// request log and for the panic handler, which may only write a 500 if
// nothing was written yet.
type statusRecorder struct {
	http.ResponseWriter
	status  int
	dropped bool
}

func (s *statusRecorder) WriteHeader(status int) {
	if s.status == 0 {
		s.status = status
	}
	s.ResponseWriter.WriteHeader(status)
}

func (s *statusRecorder) Write(p []byte) (int, error) {
	if s.status == 0 {
		s.status = http.StatusOK
	}
	return s.ResponseWriter.Write(p)
}

// Unwrap gives http.ResponseController the connection, so that a dropped
// response can close it.
func (s *statusRecorder) Unwrap() http.ResponseWriter { return s.ResponseWriter }
