package redcoretest

import (
	"bytes"
	"encoding/json"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/redcore/redcore-go/api"
)

// scanBody checks body as checkJSON does and also returns the members of
// a top-level object, as json.Unmarshal into a map decodes them. The last
// value of a repeated key wins, and members is nil for a body that is not
// an object. A valid body is read in one pass without decoding its values.
func scanBody(body []byte) (details []api.ErrorDetail, members map[string]json.RawMessage) {
	if utf8.Valid(body) && json.Valid(body) {
		s := keyScanner{b: body}
		members = s.scan()
		return s.details, members
	}
	details = invalidJSONDetails(body)
	if json.Unmarshal(body, &members) != nil {
		return details, nil
	}
	return details, members
}

// keyScanner reads a valid JSON body and records each object key that
// appears twice in the same object. It does no error checking, because the
// caller checked the body with json.Valid, which also bounds the nesting
// depth to 10,000.
type keyScanner struct {
	b       []byte
	i       int
	path    []string
	details []api.ErrorDetail
}

// scan reads the whole body and returns the members of a top-level object.
func (s *keyScanner) scan() map[string]json.RawMessage {
	s.space()
	if s.b[s.i] != '{' {
		s.value()
		return nil
	}
	members := map[string]json.RawMessage{}
	s.object(members)
	return members
}

func (s *keyScanner) space() {
	for s.i < len(s.b) {
		switch s.b[s.i] {
		case ' ', '\t', '\r', '\n':
			s.i++
		default:
			return
		}
	}
}

// value reads the value that starts at the next non-space byte and
// returns its bytes.
func (s *keyScanner) value() []byte {
	s.space()
	start := s.i
	switch s.b[s.i] {
	case '{':
		s.object(nil)
	case '[':
		s.array()
	case '"':
		s.str()
	default:
		// A number, true, false or null ends at a delimiter or space.
		for s.i < len(s.b) && !strings.ContainsRune(",]} \t\r\n", rune(s.b[s.i])) {
			s.i++
		}
	}
	return s.b[start:s.i]
}

// str reads the string at s.i and returns its bytes with the quotes.
func (s *keyScanner) str() []byte {
	start := s.i
	s.i++
	for s.b[s.i] != '"' {
		if s.b[s.i] == '\\' {
			s.i++
		}
		s.i++
	}
	s.i++
	return s.b[start:s.i]
}

// object reads the object at s.i and, when members is not nil, records
// each member's value in it.
func (s *keyScanner) object(members map[string]json.RawMessage) {
	s.i++
	var keys map[string]bool
	for {
		s.space()
		switch s.b[s.i] {
		case '}':
			s.i++
			return
		case ',':
			s.i++
			s.space()
		}
		key := unquoteJSON(s.str())
		if keys[key] {
			field := strings.Join(append(s.path[:len(s.path):len(s.path)], key), ".")
			s.details = append(s.details, api.ErrorDetail{Field: field, Issue: "appears more than once in the object; give each field once"})
		}
		if keys == nil {
			keys = map[string]bool{}
		}
		keys[key] = true
		s.space()
		s.i++ // the colon
		s.path = append(s.path, key)
		v := s.value()
		s.path = s.path[:len(s.path)-1]
		if members != nil {
			members[key] = v
		}
	}
}

// array reads the array at s.i, naming its elements by index.
func (s *keyScanner) array() {
	s.i++
	for index := 0; ; index++ {
		s.space()
		switch s.b[s.i] {
		case ']':
			s.i++
			return
		case ',':
			s.i++
		}
		s.path = append(s.path, strconv.Itoa(index))
		s.value()
		s.path = s.path[:len(s.path)-1]
	}
}

// unquoteJSON returns the text of the valid JSON string raw, quotes
// included.
func unquoteJSON(raw []byte) string {
	if bytes.IndexByte(raw, '\\') < 0 && utf8.Valid(raw) {
		return string(raw[1 : len(raw)-1])
	}
	var text string
	json.Unmarshal(raw, &text)
	return text
}
