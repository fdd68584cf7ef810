package redcoretest

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"unicode/utf8"

	"github.com/redcore/redcore-go/api"
)

// checkJSON returns the details of a request body that is not exactly one
// JSON value, as RFC 8259 defines it, with unique object keys. encoding/json
// and kin-openapi accept data after the first value and keep the last of
// duplicate keys, so the API would otherwise act on a body that other JSON
// parsers read differently. It returns nil for a valid body.
func checkJSON(body []byte) []api.ErrorDetail {
	if utf8.Valid(body) && json.Valid(body) {
		return duplicateKeys(body)
	}
	return invalidJSONDetails(body)
}

// invalidJSONDetails returns checkJSON's details for a body that may be
// invalid, naming where the JSON goes wrong.
func invalidJSONDetails(body []byte) []api.ErrorDetail {
	if !utf8.Valid(body) {
		return []api.ErrorDetail{{Field: "body", Issue: "is invalid JSON: it is not valid UTF-8"}}
	}

	dec := json.NewDecoder(bytes.NewReader(body))
	var value json.RawMessage
	err := dec.Decode(&value)
	var syntaxErr *json.SyntaxError
	switch {
	case errors.As(err, &syntaxErr):
		return []api.ErrorDetail{{Field: "body", Issue: fmt.Sprintf("is invalid JSON at %s: %s",
			position(body, syntaxErr.Offset-1), syntaxErr.Error())}}
	case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
		return []api.ErrorDetail{{Field: "body", Issue: "is invalid JSON: it ends before the value is complete"}}
	case err != nil:
		return []api.ErrorDetail{{Field: "body", Issue: "is invalid JSON: " + err.Error()}}
	}

	end := dec.InputOffset()
	if rest := bytes.TrimLeft(body[end:], " \t\r\n"); len(rest) > 0 {
		at := int64(len(body) - len(rest))
		return []api.ErrorDetail{{Field: "body", Issue: fmt.Sprintf("is invalid JSON at %s: data follows the JSON value; send one object", position(body, at))}}
	}
	return duplicateKeys(value)
}

// position returns "line L, column C" of the byte at offset, both counted
// from 1, with columns in bytes.
func position(body []byte, offset int64) string {
	offset = max(0, min(offset, int64(len(body))))
	before := body[:offset]
	line := bytes.Count(before, []byte("\n")) + 1
	column := len(before) - bytes.LastIndexByte(before, '\n')
	return fmt.Sprintf("line %d, column %d", line, column)
}

// duplicateKeys returns a detail for each object key that appears twice in
// the same object of the valid JSON value. A field is named by its path,
// such as "name" or "tags.2.label".
func duplicateKeys(value []byte) []api.ErrorDetail {
	s := keyScanner{b: value}
	s.value()
	return s.details
}

// canonicalJSON returns body decoded and encoded again, so that objects
// have sorted keys and no white space, and numbers keep their text. Two
// bodies with the same fields in another order or layout give the same
// result. A body that is not one valid JSON value with unique keys gives
// ok false, and the caller compares its bytes instead.
func canonicalJSON(body []byte) (canonical []byte, ok bool) {
	if len(body) == 0 || checkJSON(body) != nil {
		return nil, false
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, false
	}
	data, err := json.Marshal(v)
	if err != nil {
		return nil, false
	}
	return data, true
}
