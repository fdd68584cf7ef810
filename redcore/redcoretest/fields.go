package redcoretest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/mail"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/redcore/redcore-go/api"
)

// Limits of an email address: RFC 5321 allows 64 octets in the local part
// and 254 in a forward path without its angle brackets.
const (
	maxEmailLength     = 254
	maxEmailLocalPart  = 64
	maxDomainLabel     = 63
	maxQuotedValueRune = 64
)

// quote returns `, got "v"` for a value short enough to repeat in an
// issue, and nothing for a longer one.
func quote(v string) string {
	if utf8.RuneCountInString(v) > maxQuotedValueRune {
		return ""
	}
	return fmt.Sprintf(", got %q", v)
}

// nameIssue returns what is wrong with a user's name, or "" if it is
// valid: it must not be blank or contain control characters (C0, DEL or
// C1), which would break the lines of logs and terminals.
func nameIssue(name string) string {
	switch {
	case strings.TrimSpace(name) == "":
		return "must not be blank"
	case strings.ContainsFunc(name, unicode.IsControl):
		return "must not contain control characters" + quote(name)
	}
	return ""
}

// emailIssue returns what is wrong with an email address, or "" if it is
// valid. A valid address is what net/mail parses as a bare address, at
// most 254 bytes long with at most 64 before the "@". Its domain is a
// host name of at least two labels. Each label has letters, digits and
// hyphens, neither starts nor ends with a hyphen, and has at most 63
// characters. The last label is not all digits, so neither an IP address
// nor a domain literal such as [127.0.0.1] is accepted, and neither is a
// single-label host such as localhost.
func emailIssue(s string) string {
	addr, err := mail.ParseAddress(s)
	if err != nil || addr.Name != "" || addr.Address != s {
		return "must be a valid email address" + quote(s)
	}
	if len(s) > maxEmailLength {
		return fmt.Sprintf("must be at most %d characters long", maxEmailLength)
	}
	at := strings.LastIndexByte(s, '@')
	local, domain := s[:at], s[at+1:]
	if len(local) > maxEmailLocalPart {
		return fmt.Sprintf("must have at most %d characters before the @", maxEmailLocalPart)
	}
	if !validDomain(domain) {
		return "must have a domain name such as example.com after the @" + quote(s)
	}
	return ""
}

// validEmail reports whether s is a valid email address by emailIssue's
// rules.
func validEmail(s string) bool {
	return emailIssue(s) == ""
}

// validDomain reports whether domain is a dotted host name whose last
// label is not all digits.
func validDomain(domain string) bool {
	labels := strings.Split(domain, ".")
	if len(labels) < 2 {
		return false
	}
	for _, label := range labels {
		if !validLabel(label) {
			return false
		}
	}
	return strings.ContainsFunc(labels[len(labels)-1], func(r rune) bool { return r < '0' || r > '9' })
}

// validLabel reports whether label is 1 to 63 ASCII letters, digits and
// hyphens that neither start nor end with a hyphen.
func validLabel(label string) bool {
	if label == "" || len(label) > maxDomainLabel || label[0] == '-' || label[len(label)-1] == '-' {
		return false
	}
	for _, r := range label {
		letter := r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z'
		digit := r >= '0' && r <= '9'
		if !letter && !digit && r != '-' {
			return false
		}
	}
	return true
}

// userFieldDetails checks the name and, on create, the email of a user
// body, given as the members of its top-level object, for the rules
// openapi.yaml cannot state. Fields that are absent or not strings are
// left to schema validation, and so is a body that is not an object
// (members nil).
func userFieldDetails(operationID string, members map[string]json.RawMessage) []api.ErrorDetail {
	if operationID != "createUser" && operationID != "updateUser" {
		return nil
	}

	var details []api.ErrorDetail
	if name, ok := jsonString(members["name"]); ok {
		if issue := nameIssue(name); issue != "" {
			details = append(details, api.ErrorDetail{Field: "name", Issue: issue})
		}
	}
	if email, ok := jsonString(members["email"]); ok && operationID == "createUser" {
		if issue := emailIssue(email); issue != "" {
			details = append(details, api.ErrorDetail{Field: "email", Issue: issue})
		}
	}
	return details
}

// jsonString decodes raw, a member's value, into a string as
// json.Unmarshal does: null gives "", and a value of another type, or an
// absent member (raw empty), gives ok false.
func jsonString(raw json.RawMessage) (text string, ok bool) {
	if len(raw) > 1 && raw[0] == '"' && bytes.IndexByte(raw, '\\') < 0 && utf8.Valid(raw) {
		return string(raw[1 : len(raw)-1]), true
	}
	if len(raw) == 0 || json.Unmarshal(raw, &text) != nil {
		return "", false
	}
	return text, true
}
