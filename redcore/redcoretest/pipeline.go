package redcoretest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"mime"
	"net/http"
	"strconv"

	"github.com/getkin/kin-openapi/routers"

	"github.com/redcore/redcore-go/api"
)

// maxBodyBytes is the largest request body the API accepts, 1 MiB.
const maxBodyBytes = 1 << 20

// maxIdempotencyKeyLength is the longest Idempotency-Key the API accepts.
const maxIdempotencyKeyLength = 255

// serveAPI handles a request under /v1. Faults and latency come first, so
// that an injected 503 does nothing. The response is buffered, because an
// idempotency key records it, the state file must be saved before it is
// sent, and a dropped response must not be sent at all.
func (h *Handler) serveAPI(w *statusRecorder, r *http.Request, requestID string) {
	fail, drop := h.faults.draw()
	sleep(r.Context(), h.latency)
	if fail {
		writeError(w, serviceUnavailable)
		return
	}

	info := &requestInfo{id: requestID}
	r = r.WithContext(withRequestInfo(r.Context(), info))
	buf := newResponseBuffer(w.Header())
	h.handle(buf, r, info)

	if drop {
		w.dropped = true
		dropConnection(w)
		return
	}
	buf.sendTo(w)
}

// handle runs the checks of a request in the order the API documents. They
// are route (404, 405), authentication (401), rate limit (429), scope (403),
// body size and media type (413, 415), idempotency key (409 or a replay) and
// validation (400). The operation runs last and looks up ids (404).
func (h *Handler) handle(w *responseBuffer, r *http.Request, info *requestInfo) {
	route, pathParams, apiErr := h.spec.findRoute(r)
	if apiErr != nil {
		h.countUnrouted(w, r)
		writeError(w, apiErr)
		return
	}

	p, apiErr := h.auth.authenticate(r)
	if apiErr != nil {
		writeError(w, apiErr)
		return
	}
	info.principal = p

	decision := h.limiter.allow(p.tokenID)
	decision.setHeaders(w.Header())
	if !decision.allowed {
		w.Header().Set("Retry-After", strconv.Itoa(decision.retryAfter))
		writeError(w, &apiError{
			status: http.StatusTooManyRequests,
			code:   api.RATELIMITEXCEEDED,
			message: fmt.Sprintf("rate limit of %d requests per minute exceeded; retry after %d seconds",
				decision.limit, decision.retryAfter),
		})
		return
	}

	if apiErr := checkScopes(p, h.spec.scopes[route.Operation.OperationID]); apiErr != nil {
		writeError(w, apiErr)
		return
	}

	body, apiErr := readBody(r, route)
	if apiErr != nil {
		writeError(w, apiErr)
		return
	}

	if isWrite(r.Method) && len(r.Header.Values("Idempotency-Key")) > 0 {
		h.handleWithKey(w, r, route, pathParams, body)
		return
	}

	write := h.beginWrite(r.Method)
	defer write.end()
	h.run(w, r, route, pathParams, body)
	if isWrite(r.Method) && isSuccess(w.status) && !h.saveState(w, r) {
		write.rollback()
	}
}

// countUnrouted counts a request to an unknown route against the rate limit
// of its token, if the token is known, and sets the rate-limit headers that
// every response to a known token carries. The route check comes first, so
// the response stays a 404 or 405 even when the token is over its limit or
// unknown.
func (h *Handler) countUnrouted(w *responseBuffer, r *http.Request) {
	p, apiErr := h.auth.authenticate(r)
	if apiErr != nil {
		return
	}
	h.limiter.allow(p.tokenID).setHeaders(w.Header())
}

// run validates the request, whose body is body, and, if it is valid, runs
// its operation.
func (h *Handler) run(w *responseBuffer, r *http.Request, route *routers.Route, pathParams map[string]string, body []byte) {
	if h.validate {
		if apiErr := h.spec.validateRequest(r.Context(), r, route, pathParams, body); apiErr != nil {
			writeError(w, apiErr)
			return
		}
	}
	h.operations.ServeHTTP(w, r)
}

// handleWithKey runs a write that carries an Idempotency-Key. It replays the
// recorded response of an earlier request with the same key, method, path
// and body, and rejects a key used for another request. Otherwise it runs
// the request and records its response, unless that is a 5xx or a 429.
func (h *Handler) handleWithKey(w *responseBuffer, r *http.Request, route *routers.Route, pathParams map[string]string, body []byte) {
	keys := r.Header.Values("Idempotency-Key")
	key := keys[0]
	if len(keys) > 1 || key == "" || len(key) > maxIdempotencyKeyLength {
		writeError(w, validationError(api.ErrorDetail{
			Field: "Idempotency-Key",
			Issue: fmt.Sprintf("must be one value of 1 to %d characters", maxIdempotencyKeyLength),
		}))
		return
	}

	info := requestInfoFrom(r.Context())
	fp := fingerprint(r.Method, r.URL.Path, r.URL.RawQuery, body)
	outcome, err := h.idempotency.begin(r.Context(), info.principal.tokenID, key, fp)
	switch {
	case err != nil:
		// The client went away while an earlier request with its key ran.
		writeError(w, serviceUnavailable)
		return
	case outcome.conflict:
		writeError(w, &apiError{
			status:  http.StatusConflict,
			code:    api.IDEMPOTENCYKEYREUSED,
			message: fmt.Sprintf("idempotency key %q was used before with a different method, path or body; send a new key for a new request", key),
		})
		return
	case outcome.record != nil:
		replay(w, outcome.record, info.id)
		return
	}

	entry := outcome.entry
	settled := false
	defer func() {
		// A panic in the operation leaves the key free for a retry.
		// NOTE: with a state file, the operation's change in memory is not
		// undone after a panic, so a retry can meet it (as a duplicate
		// email, say) although it was never saved or acknowledged.
		if !settled {
			h.idempotency.forget(entry)
		}
	}()

	write := h.beginWrite(r.Method)
	defer write.end()
	h.run(w, r, route, pathParams, body)
	if w.status >= 500 || w.status == http.StatusTooManyRequests {
		settled = true
		h.idempotency.forget(entry)
		return
	}
	h.idempotency.record(entry, idempotencyRecord{
		Status:      w.status,
		ContentType: w.header.Get("Content-Type"),
		Location:    w.header.Get("Location"),
		Body:        bytes.Clone(w.body.Bytes()),
	})
	if !h.saveState(w, r) {
		settled = true
		h.idempotency.forget(entry)
		write.rollback()
		return
	}
	settled = true
	h.idempotency.release(entry)
}

// replay writes a recorded response. An error body gets the id of this
// request, so that its request_id still equals X-Request-Id.
func replay(w *responseBuffer, rec *idempotencyRecord, requestID string) {
	body := rec.Body
	if rec.Status >= 400 {
		var e api.Error
		if err := json.Unmarshal(rec.Body, &e); err == nil {
			e.Error.RequestId = requestID
			if data, err := json.Marshal(e); err == nil {
				body = append(data, '\n')
			}
		}
	}
	if rec.ContentType != "" {
		w.Header().Set("Content-Type", rec.ContentType)
	}
	if rec.Location != "" {
		w.Header().Set("Location", rec.Location)
	}
	w.WriteHeader(rec.Status)
	w.Write(body)
}

// saveState writes the state file, if there is one, before a write's
// response is sent. If that fails the response becomes a 500, because the
// change was not made durable, and the caller undoes it in memory.
func (h *Handler) saveState(w *responseBuffer, r *http.Request) bool {
	if h.state == nil {
		return true
	}
	if err := h.state.save(h.snapshot); err != nil {
		h.logger.Error("state file not saved", "method", r.Method, "path", r.URL.Path,
			"request_id", w.header.Get(headerRequestID), "error", err)
		w.reset()
		writeError(w, internalError)
		return false
	}
	return true
}

// readBody reads the body of an operation that takes one and puts it back
// for validation and decoding. A body over maxBodyBytes is 413 and a
// non-empty body that is not application/json is 415. Operations without
// a request body ignore what is sent.
func readBody(r *http.Request, route *routers.Route) ([]byte, *apiError) {
	if route.Operation.RequestBody == nil || r.Body == nil {
		return nil, nil
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, maxBodyBytes+1))
	r.Body.Close()
	if err != nil {
		return nil, validationError(api.ErrorDetail{Field: "body", Issue: "could not be read"})
	}
	if len(body) > 0 {
		mediaType, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
		if err != nil || mediaType != "application/json" {
			return nil, &apiError{
				status:  http.StatusUnsupportedMediaType,
				code:    api.UNSUPPORTEDMEDIATYPE,
				message: fmt.Sprintf("Content-Type %q is not supported; send application/json", r.Header.Get("Content-Type")),
			}
		}
	}
	if len(body) > maxBodyBytes {
		return nil, &apiError{
			status:  http.StatusRequestEntityTooLarge,
			code:    api.PAYLOADTOOLARGE,
			message: fmt.Sprintf("request body is over the limit of %d bytes", maxBodyBytes),
		}
	}

	r.Body = io.NopCloser(bytes.NewReader(body))
	r.GetBody = func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(body)), nil }
	r.ContentLength = int64(len(body))
	return body, nil
}

func isWrite(method string) bool {
	return method == http.MethodPost || method == http.MethodPatch || method == http.MethodDelete
}

func isSuccess(status int) bool {
	return status >= 200 && status < 300
}
