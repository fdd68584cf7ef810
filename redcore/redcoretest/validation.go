package redcoretest

import (
	"context"
	"errors"
	"fmt"
	"net/http"
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
	// queryParams is the set of query parameter names of each operation,
	// because kin-openapi accepts unknown ones and the API rejects them.
	queryParams map[string]map[string]bool
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

	s := &spec{doc: doc, router: router, scopes: map[string][]string{}, queryParams: map[string]map[string]bool{}}
	for _, item := range doc.Paths.Map() {
		for _, op := range item.Operations() {
			names := map[string]bool{}
			for _, p := range append(slices.Clone(item.Parameters), op.Parameters...) {
				if p.Value != nil && p.Value.In == openapi3.ParameterInQuery {
					names[p.Value.Name] = true
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
// 405 for a known path with another method.
func (s *spec) findRoute(r *http.Request) (*routers.Route, map[string]string, *apiError) {
	route, params, err := s.router.FindRoute(r)
	switch {
	case errors.Is(err, routers.ErrMethodNotAllowed):
		return nil, nil, &apiError{
			status:  http.StatusMethodNotAllowed,
			code:    api.METHODNOTALLOWED,
			message: fmt.Sprintf("method %s is not allowed on %s", r.Method, r.URL.Path),
		}
	case err != nil:
		return nil, nil, &apiError{
			status:  http.StatusNotFound,
			code:    api.NOTFOUND,
			message: fmt.Sprintf("no route for %s %s", r.Method, r.URL.Path),
		}
	}
	return route, params, nil
}

// validateRequest checks r against its operation in openapi.yaml and returns
// a 400 naming every invalid parameter and body field. The handler
// authenticated the request and checked its scopes before, so the
// authentication function only confirms that.
func (s *spec) validateRequest(ctx context.Context, r *http.Request, route *routers.Route, params map[string]string) *apiError {
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
	var details []api.ErrorDetail
	if err := openapi3filter.ValidateRequest(ctx, input); err != nil {
		details = errorDetails(err)
	}
	details = append(details, s.unknownQueryParams(r, route)...)
	if len(details) == 0 {
		return nil
	}
	return validationError(details...)
}

// unknownQueryParams returns a detail for each query parameter that the
// operation does not take, in name order.
func (s *spec) unknownQueryParams(r *http.Request, route *routers.Route) []api.ErrorDetail {
	known := s.queryParams[route.Operation.OperationID]
	var details []api.ErrorDetail
	for name := range r.URL.Query() {
		if !known[name] {
			details = append(details, api.ErrorDetail{Field: name, Issue: "is not a known parameter"})
		}
	}
	slices.SortFunc(details, func(a, b api.ErrorDetail) int { return strings.Compare(a.Field, b.Field) })
	return details
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
				issue = "must be " + typeName(p.Schema)
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
// broke. The phrase never quotes the value.
func schemaIssue(e *openapi3.SchemaError) string {
	s := e.Schema
	switch e.SchemaField {
	case "nullable":
		return "must not be null"
	case "type":
		return "must be " + typeName(&openapi3.SchemaRef{Value: s})
	case "enum":
		var values []string
		for _, v := range s.Enum {
			values = append(values, fmt.Sprint(v))
		}
		return "must be one of " + strings.Join(values, ", ")
	case "minimum":
		return fmt.Sprintf("must be at least %v", *s.Min)
	case "maximum":
		return fmt.Sprintf("must be at most %v", *s.Max)
	case "minLength":
		if s.MinLength == 1 {
			return "must not be empty"
		}
		return fmt.Sprintf("must be at least %d characters", s.MinLength)
	case "maxLength":
		return fmt.Sprintf("must be at most %d characters", *s.MaxLength)
	case "format":
		if s.Format == "email" {
			return "must be a valid email address"
		}
		return "must be in the " + s.Format + " format"
	case "minProperties":
		return fmt.Sprintf("must have at least %d field", s.MinProps)
	}
	return "is invalid"
}

// typeName names the JSON type of a schema with its article.
func typeName(ref *openapi3.SchemaRef) string {
	if ref == nil || ref.Value == nil || ref.Value.Type == nil {
		return "a valid value"
	}
	switch {
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
