package redcoretest

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"

	"github.com/redcore/redcore-go/api"
)

// apiError is an error response before it is written: the status, the code
// and message of the body, the details of a 400, and the Allow header of a
// 405.
type apiError struct {
	status  int
	code    api.ErrorCode
	message string
	details []api.ErrorDetail
	allow   string
}

func (e *apiError) Error() string {
	return fmt.Sprintf("%d %s: %s", e.status, e.code, e.message)
}

// validationError returns a 400 VALIDATION_ERROR naming each invalid field
// or parameter in its details.
func validationError(details ...api.ErrorDetail) *apiError {
	noun := "fields"
	if len(details) == 1 {
		noun = "field"
	}
	return &apiError{
		status:  http.StatusBadRequest,
		code:    api.VALIDATIONERROR,
		message: fmt.Sprintf("the request has %d invalid %s", len(details), noun),
		details: details,
	}
}

// body returns the JSON error body of e for the request requestID. A 400
// always has details, possibly empty; other statuses have them only when
// set.
func (e *apiError) body(requestID string) api.Error {
	b := api.Error{Error: api.ErrorBody{Code: e.code, Message: e.message, RequestId: requestID}}
	if e.details != nil || e.status == http.StatusBadRequest {
		details := e.details
		if details == nil {
			details = []api.ErrorDetail{}
		}
		b.Error.Details = &details
	}
	return b
}

// writeError writes e as the response to the request whose id is in the
// X-Request-Id header that the handler set on w before.
func writeError(w http.ResponseWriter, e *apiError) {
	requestID := w.Header().Get(headerRequestID)
	data, err := json.Marshal(e.body(requestID))
	if err != nil {
		// An api.Error of strings always marshals.
		panic(err)
	}
	w.Header().Set("Content-Type", "application/json")
	if e.allow != "" {
		w.Header().Set("Allow", e.allow)
	}
	w.WriteHeader(e.status)
	w.Write(append(data, '\n'))
}

// internalError is the response to a server bug. Its message leaves out the
// cause, which goes to the log with the request id instead.
var internalError = &apiError{
	status:  http.StatusInternalServerError,
	code:    api.INTERNALERROR,
	message: "internal error; quote the request id when reporting it",
}

// writeParamError is the ErrorHandlerFunc of the generated router: it turns
// a parameter the router could not bind into a 400 naming the parameter.
// With request validation on, validation rejects such requests first.
func writeParamError(w http.ResponseWriter, r *http.Request, err error) {
	var (
		format   *api.InvalidParamFormatError
		required *api.RequiredParamError
		header   *api.RequiredHeaderError
		tooMany  *api.TooManyValuesForParamError
		field    = "request"
		issue    = "is invalid"
	)
	switch {
	case errors.As(err, &format):
		field, issue = format.ParamName, "has an invalid format"
	case errors.As(err, &required):
		field, issue = required.ParamName, "is required"
	case errors.As(err, &header):
		field, issue = header.ParamName, "is required"
	case errors.As(err, &tooMany):
		field, issue = tooMany.ParamName, "must be given once"
	}
	writeError(w, validationError(api.ErrorDetail{Field: field, Issue: issue}))
}

// writeBodyError is the RequestErrorHandlerFunc of the strict server: it
// turns a body that does not decode into a 400. With request validation on,
// validation rejects such bodies first.
func writeBodyError(w http.ResponseWriter, r *http.Request, err error) {
	writeError(w, validationError(api.ErrorDetail{Field: "body", Issue: "must be a JSON object of the operation's fields"}))
}
