package redcoretest

import (
	"net/url"
	"slices"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/routers"

	"github.com/redcore/redcore-go/api"
)

// queryDetails parses the query of a request more strictly than net/url,
// which drops a parameter with an invalid percent-encoding without a word,
// and returns one detail per parameter that:
//   - has an invalid percent-encoding in its name or value,
//   - is not a parameter of the operation,
//   - is given more than once (no parameter of the API is a list), or
//   - is empty although it takes an integer or one of a set of values; an
//     empty q still means no search.
//
// The details are in name order, one per parameter.
func (s *spec) queryDetails(rawQuery string, route *routers.Route) []api.ErrorDetail {
	known := s.queryParams[route.Operation.OperationID]
	seen := map[string]int{}
	var details []api.ErrorDetail
	add := func(field, issue string) {
		if !slices.ContainsFunc(details, func(d api.ErrorDetail) bool { return d.Field == field }) {
			details = append(details, api.ErrorDetail{Field: field, Issue: issue})
		}
	}

	for _, pair := range strings.Split(rawQuery, "&") {
		if pair == "" {
			continue
		}
		rawName, rawValue, _ := strings.Cut(pair, "=")
		if strings.Contains(pair, ";") {
			add("query", "must separate parameters with &, not ;")
			continue
		}
		name, err := url.QueryUnescape(rawName)
		if err != nil {
			add(rawName, "has an invalid percent-encoding in its name; write % as %25")
			continue
		}
		value, err := url.QueryUnescape(rawValue)
		if err != nil {
			add(name, "has an invalid percent-encoding in its value; write % as %25"+quote(rawValue))
			continue
		}

		param, ok := known[name]
		switch {
		case !ok:
			add(name, "is not a known parameter")
		case seen[name] > 0:
			add(name, "must be given once")
		case value == "" && !freeString(param):
			add(name, "must not be empty; give a value or leave the parameter out")
		}
		seen[name]++
	}
	slices.SortStableFunc(details, func(a, b api.ErrorDetail) int { return strings.Compare(a.Field, b.Field) })
	return details
}

// freeString reports whether a parameter takes any string, so that an empty
// value is one of its values.
func freeString(p *openapi3.Parameter) bool {
	if p.Schema == nil || p.Schema.Value == nil {
		return false
	}
	s := p.Schema.Value
	return s.Type != nil && s.Type.Is("string") && len(s.Enum) == 0 && s.MinLength == 0
}

// mergeDetails returns primary with each detail of secondary whose field
// primary does not name, sorted by field. A field keeps the first issue
// found for it, so the more specific check goes first.
func mergeDetails(primary, secondary []api.ErrorDetail) []api.ErrorDetail {
	out := slices.Clone(primary)
	for _, d := range secondary {
		if !slices.ContainsFunc(out, func(o api.ErrorDetail) bool { return o.Field == d.Field }) {
			out = append(out, d)
		}
	}
	slices.SortStableFunc(out, func(a, b api.ErrorDetail) int { return strings.Compare(a.Field, b.Field) })
	return out
}
