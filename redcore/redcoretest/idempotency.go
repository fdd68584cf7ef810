package redcoretest

import (
	"container/list"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"sync"
	"time"
)

// idempotencyTTL is how long a recorded response is replayed.
const idempotencyTTL = 24 * time.Hour

// defaultIdempotencyLimit bounds the number of keys the store keeps. Past
// it the oldest finished key is evicted, even if it has not expired, so that a
// long-running redcore mock does not grow without bound. A repeat of an
// evicted key is then done again as a new request. At about 1 KiB per
// recorded response the store stays under about 10 MiB.
const defaultIdempotencyLimit = 10000

// idempotencyRecord is a finished response kept for replay, with its
// request reduced to a fingerprint of the method, path and body.
// RawBodyFingerprint marks a record of a version 1 state file, whose
// fingerprint hashed the body's bytes rather than its canonical JSON.
type idempotencyRecord struct {
	TokenID            string `json:"token_id"`
	Key                string `json:"key"`
	Fingerprint        string `json:"fingerprint"`
	RawBodyFingerprint bool   `json:"raw_body_fingerprint,omitempty"`

	Status      int       `json:"status"`
	ContentType string    `json:"content_type,omitempty"`
	Location    string    `json:"location,omitempty"`
	Body        []byte    `json:"body,omitempty"`
	Expires     time.Time `json:"expires"`
}

type idempotencyID struct{ tokenID, key string }

// idempotencyEntry is a key in the store. done is closed when the first
// request has finished, recorded or forgotten.
type idempotencyEntry struct {
	id          idempotencyID
	fingerprint string
	rawBody     bool
	record      *idempotencyRecord
	done        chan struct{}
	element     *list.Element
}

// idempotencyStore holds the keys of every token, oldest first, up to
// limit keys. It is safe for concurrent use.
type idempotencyStore struct {
	limit int
	now   func() time.Time

	mu      sync.Mutex
	entries map[idempotencyID]*idempotencyEntry
	order   *list.List

	// onWait, if set, is called when a repeat starts to wait for the first
	// request of its key. Tests use it to learn that a repeat is waiting.
	onWait func()
}

func newIdempotencyStore(limit int, now func() time.Time) *idempotencyStore {
	if limit <= 0 {
		limit = defaultIdempotencyLimit
	}
	return &idempotencyStore{limit: limit, now: now, entries: map[idempotencyID]*idempotencyEntry{}, order: list.New()}
}

// requestFingerprint identifies a request for its idempotency key.
// canonical is what the store compares. raw hashes the body's bytes as
// version 1 state files did, for the records restored from them.
type requestFingerprint struct {
	canonical string
	raw       string
}

// fingerprint returns the hashes that two requests share only if they have
// the same method, path, query and body. A body that is valid JSON is
// compared in canonical form (keys sorted, white space removed), so the
// same object with its keys in another order is the same request. Any
// other body is compared byte for byte.
func fingerprint(method, path, query string, body []byte) requestFingerprint {
	raw := hashRequest(method, path, query, body)
	fp := requestFingerprint{canonical: raw, raw: raw}
	if canonical, ok := canonicalJSON(body); ok {
		fp.canonical = hashRequest(method, path, query, canonical)
	}
	return fp
}

func hashRequest(method, path, query string, body []byte) string {
	h := sha256.New()
	for _, part := range []string{method, path, query} {
		h.Write([]byte(part))
		h.Write([]byte{0})
	}
	h.Write(body)
	return hex.EncodeToString(h.Sum(nil))
}

// matches reports whether fp is the fingerprint of the request that e
// recorded.
func (e *idempotencyEntry) matches(fp requestFingerprint) bool {
	if e.rawBody {
		return e.fingerprint == fp.raw
	}
	return e.fingerprint == fp.canonical
}

// idempotencyOutcome is the decision of begin. It is one of: run the
// request (entry set), replay a recorded response (record set), or reject a
// key used for another request (conflict).
type idempotencyOutcome struct {
	entry    *idempotencyEntry
	record   *idempotencyRecord
	conflict bool
}

// begin looks up key for tokenID. A new or expired key starts a running
// entry that the caller must end with forget or with record and release. A
// key whose first request is still running makes begin wait for it, until
// ctx ends.
func (s *idempotencyStore) begin(ctx context.Context, tokenID, key string, fp requestFingerprint) (idempotencyOutcome, error) {
	id := idempotencyID{tokenID: tokenID, key: key}
	for {
		s.mu.Lock()
		e := s.entries[id]
		if e != nil && e.finished() && !s.now().Before(e.record.Expires) {
			s.removeLocked(e)
			e = nil
		}
		if e == nil {
			e = &idempotencyEntry{id: id, fingerprint: fp.canonical, done: make(chan struct{})}
			s.addLocked(e)
			s.mu.Unlock()
			return idempotencyOutcome{entry: e}, nil
		}
		if !e.matches(fp) {
			s.mu.Unlock()
			return idempotencyOutcome{conflict: true}, nil
		}
		if e.finished() {
			record := *e.record
			s.mu.Unlock()
			return idempotencyOutcome{record: &record}, nil
		}
		done := e.done
		onWait := s.onWait
		s.mu.Unlock()

		if onWait != nil {
			onWait()
		}
		select {
		case <-done:
		case <-ctx.Done():
			return idempotencyOutcome{}, ctx.Err()
		}
	}
}

// finished reports whether the first request of e has ended with a
// recorded response. The caller holds the store's lock.
func (e *idempotencyEntry) finished() bool {
	select {
	case <-e.done:
		return e.record != nil
	default:
		return false
	}
}

// record sets the response of the running entry e. It is part of every
// snapshot from then on, but repeats keep waiting until release, so that a
// response is replayed only after it is on disk.
func (s *idempotencyStore) record(e *idempotencyEntry, record idempotencyRecord) {
	s.mu.Lock()
	defer s.mu.Unlock()

	record.TokenID, record.Key, record.Fingerprint = e.id.tokenID, e.id.key, e.fingerprint
	record.RawBodyFingerprint = e.rawBody
	record.Expires = s.now().Add(idempotencyTTL)
	e.record = &record
}

// release lets repeats of e see its recorded response.
func (s *idempotencyStore) release(e *idempotencyEntry) {
	close(e.done)
}

// forget drops the running entry e without a response, so that a repeat
// runs the request again; that is the case for 5xx and 429.
func (s *idempotencyStore) forget(e *idempotencyEntry) {
	s.mu.Lock()
	defer s.mu.Unlock()

	if s.entries[e.id] == e {
		s.removeLocked(e)
	}
	e.record = nil
	close(e.done)
}

// addLocked adds e and evicts the oldest finished keys past the limit. A
// key whose first request is still running is never evicted, because a
// repeat of it would then run the write a second time, so the store can pass
// its limit by the number of writes in flight.
func (s *idempotencyStore) addLocked(e *idempotencyEntry) {
	s.entries[e.id] = e
	e.element = s.order.PushBack(e)
	for el := s.order.Front(); el != nil && s.order.Len() > s.limit; {
		next := el.Next()
		if old := el.Value.(*idempotencyEntry); old.finished() {
			s.removeLocked(old)
		}
		el = next
	}
}

func (s *idempotencyStore) removeLocked(e *idempotencyEntry) {
	if s.entries[e.id] == e {
		delete(s.entries, e.id)
	}
	s.order.Remove(e.element)
}

// snapshotLocked returns the recorded responses that have not expired,
// oldest first. The caller holds s.mu.
func (s *idempotencyStore) snapshotLocked() []idempotencyRecord {
	now := s.now()
	var out []idempotencyRecord
	for el := s.order.Front(); el != nil; el = el.Next() {
		e := el.Value.(*idempotencyEntry)
		if e.record != nil && now.Before(e.record.Expires) {
			out = append(out, *e.record)
		}
	}
	return out
}

// restore adds records read from the state file, oldest first.
func (s *idempotencyStore) restore(records []idempotencyRecord) {
	s.mu.Lock()
	defer s.mu.Unlock()

	for i := range records {
		r := records[i]
		done := make(chan struct{})
		close(done)
		id := idempotencyID{tokenID: r.TokenID, key: r.Key}
		s.addLocked(&idempotencyEntry{id: id, fingerprint: r.Fingerprint, rawBody: r.RawBodyFingerprint, record: &r, done: done})
	}
}
