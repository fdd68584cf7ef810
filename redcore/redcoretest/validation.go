package redcoretest

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"path"
	"regexp"
	"slices"
	"strings"
	"sync"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/gorillamux"

	redcoreapi "github.com/redcore/redcore-go"
	"github.com/redcore/redcore-go/api"
)

// basePath is the path prefix of every operation, the path of the
// production server URL https://api.redcore.com/v1.
const basePath = "/v1"

// spec is openapi.yaml loaded once, with a router over its operations and
// the scopes each operation requires.
type spec struct {
	doc    *openapi3.T
	router routers.Router
	scopes map[string][]string
	// queryParams maps each operation to its query parameters by name,
	// because kin-openapi accepts unknown and repeated ones and the API
	// rejects them.
	queryParams map[string]map[string]*openapi3.Parameter
}

// loadSpec returns openapi.yaml loaded and routed, once per process: the
// document and the router are only read afterwards, so every handler shares
// them.
var loadSpec = sync.OnceValues(parseSpec)

// parseSpec loads the embedded openapi.yaml and routes it on the /v1 paths
// of any host. The document names only the production server, and a router
// built from it would match no request to the sandbox, so the servers are
// replaced by the bare base path.
func parseSpec() (*spec, error) {
	loader := openapi3.NewLoader()
	doc, err := loader.LoadFromData(redcoreapi.OpenAPI)
	if err != nil {
		return nil, fmt.Errorf("load openapi.yaml: %w", err)
	}
	if err := doc.Validate(loader.Context); err != nil {
		return nil, fmt.Errorf("validate openapi.yaml: %w", err)
	}
	doc.Servers = openapi3.Servers{{URL: basePath}}

	router, err := gorillamux.NewRouter(doc)
	if err != nil {
		return nil, fmt.Errorf("route openapi.yaml: %w", err)
	}

	s := &spec{doc: doc, router: router, scopes: map[string][]string{}, queryParams: map[string]map[string]*openapi3.Parameter{}}
	for _, item := range doc.Paths.Map() {
		for _, op := range item.Operations() {
			names := map[string]*openapi3.Parameter{}
			for _, p := range append(slices.Clone(item.Parameters), op.Parameters...) {
				if p.Value != nil && p.Value.In == openapi3.ParameterInQuery {
					names[p.Value.Name] = p.Value
				}
			}
			s.queryParams[op.OperationID] = names

			raw, _ := op.Extensions["x-scopes"].([]any)
			for _, v := range raw {
				if scope, ok := v.(string); ok {
					s.scopes[op.OperationID] = append(s.scopes[op.OperationID], scope)
				}
			}
		}
	}
	return s, nil
}

// findRoute returns the operation of r, or a 404 for an unknown path and a
// 405, with an Allow header, for a known path with another method.
//
// A path that is not clean, such as /v1/users/. or /v1//users, is 404. The
// generated router is an http.ServeMux, which would respond with a 307
// redirect to the cleaned path, so a client could act on another resource
// than it named.
//
// NOTE: a request line that is not a valid URI, such as GET /v1/users/%,
// never reaches the handler: net/http rejects it with a plain-text 400 Bad
// Request, which has no JSON error body and no X-Request-Id.
func (s *spec) findRoute(r *http.Request) (*routers.Route, map[string]string, *apiError) {
	notFound := &apiError{
		status:  http.StatusNotFound,
		code:    api.NOTFOUND,
		message: fmt.Sprintf("no route for %s %s", r.Method, r.URL.Path),
	}
	if path.Clean(r.URL.Path) != r.URL.Path {
		return nil, nil, notFound
	}

	route, params, err := s.router.FindRoute(r)
	switch {
	case errors.Is(err, routers.ErrMethodNotAllowed):
		allowed := s.allowedMethods(r)
		return nil, nil, &apiError{
			status: http.StatusMethodNotAllowed,
			code:   api.METHODNOTALLOWED,
			message: fmt.Sprintf("method %s is not allowed on %s; use %s",
				r.Method, r.URL.Path, joinOr(allowed)),
			allow: strings.Join(allowed, ", "),
		}
	case err != nil:
		return nil, nil, notFound
	}
	return route, params, nil
}

// joinOr joins words as "A", "A or B", "A, B or C".
func joinOr(words []string) string {
	if len(words) < 2 {
		return strings.Join(words, "")
	}
	return strings.Join(words[:len(words)-1], ", ") + " or " + words[len(words)-1]
}

// allowedMethods returns the methods that the path of r takes, in the
// order GET, POST, PUT, PATCH, DELETE.
func (s *spec) allowedMethods(r *http.Request) []string {
	var allowed []string
	for _, method := range []string{http.MethodGet, http.MethodPost, http.MethodPut, http.MethodPatch, http.MethodDelete} {
		probe := r.Clone(r.Context())
		probe.Method = method
		if _, _, err := s.router.FindRoute(probe); err == nil {
			allowed = append(allowed, method)
		}
	}
	return allowed
}

// validateRequest checks r, whose body is body, against its operation in
// openapi.yaml and the rules the document cannot state, and returns a 400
// naming every invalid parameter and body field at once. The handler
// authenticated the request and checked its scopes before, so the
// authentication function only confirms that.
func (s *spec) validateRequest(ctx context.Context, r *http.Request, route *routers.Route, params map[string]string, body []byte) *apiError {
	input := &openapi3filter.RequestValidationInput{
		Request:    r,
		PathParams: params,
		Route:      route,
		Options: &openapi3filter.Options{
			MultiError:         true,
			AuthenticationFunc: confirmAuthenticated,
			// The email format is checked for this validation only, never
			// registered in kin-openapi's process-wide formats, which would
			// change validation for every other user of kin-openapi in the
			// program. The operations check addresses with the same function.
			SchemaValidationOptions: []openapi3.SchemaValidationOption{
				openapi3.WithStringFormatValidator("email", emailFormat),
			},
		},
	}
	// The strict checks of the query and of the JSON syntax name the
	// cause more precisely than kin-openapi, so their issue wins for a
	// field that both report.
	primary := s.queryDetails(r.URL.RawQuery, route)
	var members map[string]json.RawMessage
	if len(body) > 0 {
		var details []api.ErrorDetail
		details, members = scanBody(body)
		primary = append(primary, details...)
	}
	// The name and email checks quote the value and name the rule it
	// broke, so they go before kin-openapi's for the same field.
	schema := userFieldDetails(route.Operation.OperationID, members)
	if err := openapi3filter.ValidateRequest(ctx, input); err != nil {
		schema = append(schema, errorDetails(err)...)
	}

	details := mergeDetails(primary, schema)
	if len(details) == 0 {
		return nil
	}
	return validationError(details...)
}

// emailFormat checks the email format of openapi.yaml with net/mail.
var emailFormat = openapi3.NewCallbackValidator(func(s string) error {
	if !validEmail(s) {
		return errors.New("not a valid email address")
	}
	return nil
})

// confirmAuthenticated is the authentication function of request
// validation. The bearer token and the scopes were checked once, right
// after routing, and the result is in the request's context.
func confirmAuthenticated(ctx context.Context, input *openapi3filter.AuthenticationInput) error {
	info, ok := input.RequestValidationInput.Request.Context().Value(requestInfoKey{}).(*requestInfo)
	if !ok || info.principal == nil {
		return errors.New("request not authenticated")
	}
	return nil
}

// propertyReason matches the reasons kin-openapi gives for a missing or an
// unknown object property, which name the property in the message rather
// than in the error's JSON pointer.
var propertyReason = regexp.MustCompile(`^property "(.+)" is (missing|unsupported)$`)

// errorDetails turns a validation error of kin-openapi into one detail per
// invalid parameter or body field, in a stable order.
func errorDetails(err error) []api.ErrorDetail {
	var details []api.ErrorDetail
	for _, e := range flatten(err) {
		details = append(details, detailOf(e))
	}
	slices.SortStableFunc(details, func(a, b api.ErrorDetail) int { return strings.Compare(a.Field, b.Field) })
	return slices.CompactFunc(details, func(a, b api.ErrorDetail) bool { return a == b })
}

// flatten returns the leaves of nested multi-errors, each wrapped in its
// request error so that the parameter or body it concerns stays known.
func flatten(err error) []error {
	var multi openapi3.MultiError
	if errors.As(err, &multi) && !isRequestError(err) {
		var out []error
		for _, e := range multi {
			out = append(out, flatten(e)...)
		}
		return out
	}
	var reqErr *openapi3filter.RequestError
	if errors.As(err, &reqErr) && errors.As(reqErr.Err, &multi) {
		var out []error
		for _, e := range multi {
			inner := *reqErr
			inner.Err = e
			out = append(out, flatten(&inner)...)
		}
		return out
	}
	return []error{err}
}

func isRequestError(err error) bool {
	_, ok := err.(*openapi3filter.RequestError)
	return ok
}

// detailOf returns the field or parameter of one validation error and what
// is wrong with it.
func detailOf(err error) api.ErrorDetail {
	var reqErr *openapi3filter.RequestError
	if !errors.As(err, &reqErr) {
		return api.ErrorDetail{Field: "request", Issue: "is invalid"}
	}

	var schemaErr *openapi3.SchemaError
	hasSchemaErr := errors.As(reqErr.Err, &schemaErr)

	if p := reqErr.Parameter; p != nil {
		issue := "is invalid"
		switch {
		case errors.Is(reqErr.Err, openapi3filter.ErrInvalidRequired):
			issue = "is required"
		case hasSchemaErr:
			issue = schemaIssue(schemaErr)
		default:
			var parseErr *openapi3filter.ParseError
			if errors.As(reqErr.Err, &parseErr) {
				issue = "must be " + typeName(p.Schema) + quoteValue(parseErr.Value)
			}
		}
		return api.ErrorDetail{Field: p.Name, Issue: issue}
	}

	if !hasSchemaErr {
		if errors.Is(reqErr.Err, openapi3filter.ErrInvalidRequired) {
			return api.ErrorDetail{Field: "body", Issue: "is required"}
		}
		return api.ErrorDetail{Field: "body", Issue: "must be a JSON object"}
	}
	path := schemaErr.JSONPointer()
	if m := propertyReason.FindStringSubmatch(schemaErr.Reason); m != nil {
		issue := "is required"
		if m[2] == "unsupported" {
			issue = "is not a known field"
		}
		if len(path) == 0 || path[len(path)-1] != m[1] {
			path = append(path, m[1])
		}
		return api.ErrorDetail{Field: strings.Join(path, "."), Issue: issue}
	}
	field := strings.Join(path, ".")
	if field == "" {
		field = "body"
	}
	return api.ErrorDetail{Field: field, Issue: schemaIssue(schemaErr)}
}

// schemaIssue returns a short phrase naming the schema rule the value
// broke, followed by the value when it is short.
func schemaIssue(e *openapi3.SchemaError) string {
	s := e.Schema
	got := quoteValue(e.Value)
	switch e.SchemaField {
	case "nullable":
		return "must not be null"
	case "type":
		return "must be " + typeName(&openapi3.SchemaRef{Value: s}) + got
	case "enum":
		var values []string
		for _, v := range s.Enum {
			values = append(values, fmt.Sprint(v))
		}
		return "must be one of " + strings.Join(values, ", ") + got
	case "minimum", "maximum":
		if s.Type != nil && s.Type.Is("integer") {
			return "must be " + typeName(&openapi3.SchemaRef{Value: s}) + got
		}
		if e.SchemaField == "minimum" {
			return fmt.Sprintf("must be at least %v", *s.Min) + got
		}
		return fmt.Sprintf("must be at most %v", *s.Max) + got
	case "minLength":
		if s.MinLength == 1 {
			return "must not be empty"
		}
		return fmt.Sprintf("must be at least %d characters", s.MinLength)
	case "maxLength":
		return fmt.Sprintf("must be at most %d characters", *s.MaxLength)
	case "format":
		if v, ok := e.Value.(string); ok && s.Format == "email" {
			return emailIssue(v)
		}
		return "must be in the " + s.Format + " format" + got
	case "minProperties":
		return fmt.Sprintf("must have at least %d field", s.MinProps)
	}
	return "is invalid"
}

// quoteValue returns `, got VALUE` for a short string or a number, and
// nothing for other values.
func quoteValue(v any) string {
	switch v := v.(type) {
	case string:
		return quote(v)
	case int, int64, float64, json.Number:
		return fmt.Sprintf(", got %v", v)
	}
	return ""
}

// typeName names the JSON type of a schema with its article, and the range
// of an integer with bounds, such as "an integer from 1 to 100".
func typeName(ref *openapi3.SchemaRef) string {
	if ref == nil || ref.Value == nil || ref.Value.Type == nil {
		return "a valid value"
	}
	s := ref.Value
	switch {
	case s.Type.Is("integer") && s.Min != nil && s.Max != nil:
		return fmt.Sprintf("an integer from %v to %v", *s.Min, *s.Max)
	case s.Type.Is("integer") && s.Min != nil:
		return fmt.Sprintf("an integer of at least %v", *s.Min)
	case ref.Value.Type.Is("integer"):
		return "an integer"
	case ref.Value.Type.Is("number"):
		return "a number"
	case ref.Value.Type.Is("string"):
		return "a string"
	case ref.Value.Type.Is("object"):
		return "a JSON object"
	case ref.Value.Type.Is("array"):
		return "an array"
	case ref.Value.Type.Is("boolean"):
		return "a boolean"
	}
	return "a valid value"
}
