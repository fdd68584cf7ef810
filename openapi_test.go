package redcoreapi_test

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"

	redcoreapi "github.com/redcore/redcore-go"
)

func loadDocument(t *testing.T, data []byte) *openapi3.T {
	t.Helper()
	loader := openapi3.NewLoader()
	doc, err := loader.LoadFromData(data)
	if err != nil {
		t.Fatalf("load openapi.yaml: %v", err)
	}
	return doc
}

func validateDocument(data []byte) error {
	doc, err := openapi3.NewLoader().LoadFromData(data)
	if err != nil {
		return err
	}
	return doc.Validate(context.Background(), openapi3.EnableExamplesValidation())
}

// replaceOnce returns doc with the one occurrence of old replaced by new, so
// that a test of a bad document fails loudly when the edit no longer applies.
func replaceOnce(t *testing.T, doc []byte, old, new string) []byte {
	t.Helper()
	if n := strings.Count(string(doc), old); n != 1 {
		t.Fatalf("openapi.yaml contains %q %d times, want once", old, n)
	}
	return []byte(strings.Replace(string(doc), old, new, 1))
}

func TestOpenAPIValidWithExamples(t *testing.T) {
	if err := validateDocument(redcoreapi.OpenAPI); err != nil {
		t.Fatalf("openapi.yaml is invalid: %v", err)
	}
}

func TestOpenAPIInvalidExampleRejected(t *testing.T) {
	bad := replaceOnce(t, redcoreapi.OpenAPI, "        price: 4999\n        stock: 250\n", "        price: '49.99'\n        stock: 250\n")
	if err := validateDocument(bad); err == nil {
		t.Fatal("a product example with a string price passed validation")
	}
}

// operation is the expected description of one operation in the document.
type operation struct {
	method, path, id, scope string
	statuses                []string
	idempotent              bool
}

// operations lists every operation with the statuses it documents. Beside
// those of the API reference, every operation has 405, 429, 503 and default,
// and product retrieve has 403. Operations with a body add 413 and 415.
// Every operation that validates a parameter or body has 400, and every one
// that takes an Idempotency-Key has 409.
var operations = []operation{
	{"GET", "/users", "listUsers", "users:read", []string{"200", "400", "401", "403", "405", "429", "503", "default"}, false},
	{"POST", "/users", "createUser", "users:write", []string{"201", "400", "401", "403", "405", "409", "413", "415", "429", "503", "default"}, true},
	{"GET", "/users/{user_id}", "getUser", "users:read", []string{"200", "401", "403", "404", "405", "429", "503", "default"}, false},
	{"PATCH", "/users/{user_id}", "updateUser", "users:write", []string{"200", "400", "401", "403", "404", "405", "409", "413", "415", "429", "503", "default"}, true},
	{"DELETE", "/users/{user_id}", "deleteUser", "users:write", []string{"204", "400", "401", "403", "404", "405", "409", "429", "503", "default"}, true},
	{"GET", "/products", "listProducts", "products:read", []string{"200", "400", "401", "403", "405", "429", "503", "default"}, false},
	{"GET", "/products/{product_id}", "getProduct", "products:read", []string{"200", "401", "403", "404", "405", "429", "503", "default"}, false},
}

func TestOpenAPIOperations(t *testing.T) {
	doc := loadDocument(t, redcoreapi.OpenAPI)
	count := 0
	for _, item := range doc.Paths.Map() {
		count += len(item.Operations())
	}
	if count != len(operations) {
		t.Errorf("openapi.yaml has %d operations, want %d", count, len(operations))
	}

	for _, want := range operations {
		t.Run(want.id, func(t *testing.T) {
			item := doc.Paths.Value(want.path)
			if item == nil {
				t.Fatalf("path %s is missing", want.path)
			}
			op := item.GetOperation(want.method)
			if op == nil {
				t.Fatalf("%s %s is missing", want.method, want.path)
			}
			if op.OperationID != want.id {
				t.Errorf("operationId = %q, want %q", op.OperationID, want.id)
			}
			if op.Summary == "" {
				t.Error("summary is empty")
			}
			if !strings.Contains(op.Description, "Scope: `"+want.scope+"`") {
				t.Errorf("description does not name the scope %s", want.scope)
			}
			scopes, _ := op.Extensions["x-scopes"].([]any)
			if !slices.Equal(scopes, []any{want.scope}) {
				t.Errorf("x-scopes = %v, want [%s]", scopes, want.scope)
			}
			if _, ok := op.Extensions["x-codeSamples"]; !ok {
				t.Error("x-codeSamples with the reference's request is missing")
			}

			got := op.Responses.Keys()
			slices.Sort(got)
			if !slices.Equal(got, want.statuses) {
				t.Errorf("statuses = %v, want %v", got, want.statuses)
			}
			for status, ref := range op.Responses.Map() {
				if ref.Value.Description == nil || *ref.Value.Description == "" {
					t.Errorf("response %s has no description", status)
				}
				if status[0] != '2' && ref.Value.Content.Get("application/json") == nil {
					t.Errorf("response %s has no application/json error body", status)
				}
				if ref.Value.Headers["X-Request-Id"] == nil {
					t.Errorf("response %s does not document X-Request-Id", status)
				}
			}
			if ref := op.Responses.Value("429"); ref != nil && ref.Value.Headers["Retry-After"] == nil {
				t.Error("response 429 does not document Retry-After")
			}

			key := op.Parameters.GetByInAndName("header", "Idempotency-Key")
			if want.idempotent != (key != nil) {
				t.Errorf("Idempotency-Key documented = %v, want %v", key != nil, want.idempotent)
			}
		})
	}
}

func TestOpenAPIErrorResponsesUseErrorSchema(t *testing.T) {
	doc := loadDocument(t, redcoreapi.OpenAPI)
	for name, ref := range doc.Components.Responses {
		media := ref.Value.Content.Get("application/json")
		if media == nil || media.Schema.Ref != "#/components/schemas/Error" {
			t.Errorf("response %s does not use the Error schema", name)
		}
	}
}

func TestOpenAPIListParameters(t *testing.T) {
	doc := loadDocument(t, redcoreapi.OpenAPI)
	limit := doc.Components.Parameters["Limit"].Value.Schema.Value
	offset := doc.Components.Parameters["Offset"].Value.Schema.Value

	tests := []struct {
		name      string
		got, want any
	}{
		{"limit minimum", *limit.Min, 1.0},
		{"limit maximum", *limit.Max, 100.0},
		{"limit default", limit.Default, 20.0},
		{"offset minimum", *offset.Min, 0.0},
		{"offset default", offset.Default, 0.0},
	}
	for _, tt := range tests {
		if tt.got != tt.want {
			t.Errorf("%s = %v, want %v", tt.name, tt.got, tt.want)
		}
	}

	for _, path := range []string{"/users", "/products"} {
		params := doc.Paths.Value(path).Get.Parameters
		for _, name := range []string{"limit", "offset", "status", "q"} {
			if params.GetByInAndName("query", name) == nil {
				t.Errorf("GET %s has no query parameter %s", path, name)
			}
		}
	}
	if doc.Paths.Value("/users").Get.Parameters.GetByInAndName("query", "role") == nil {
		t.Error("GET /users has no query parameter role")
	}
}

func TestOpenAPISchemas(t *testing.T) {
	doc := loadDocument(t, redcoreapi.OpenAPI)
	schema := func(name string) *openapi3.Schema {
		ref := doc.Components.Schemas[name]
		if ref == nil {
			t.Fatalf("schema %s is missing", name)
		}
		return ref.Value
	}
	enum := func(s *openapi3.Schema) []string {
		var values []string
		for _, v := range s.Enum {
			values = append(values, v.(string))
		}
		return values
	}

	tests := []struct {
		name      string
		got, want []string
	}{
		{"Role enum", enum(schema("Role")), []string{"admin", "editor", "viewer"}},
		{"UserStatus enum", enum(schema("UserStatus")), []string{"active", "inactive", "pending_invite"}},
		{"ProductStatus enum", enum(schema("ProductStatus")), []string{"available", "out_of_stock", "discontinued"}},
		{"UpdateUserRequest status enum", enum(schema("UpdateUserRequest").Properties["status"].Value), []string{"active", "inactive"}},
		{"User required", schema("User").Required, []string{"id", "email", "name", "role", "status", "created_at", "updated_at"}},
		{"Product required", schema("Product").Required, []string{"id", "name", "sku", "price", "stock", "status", "created_at"}},
		{"CreateUserRequest required", schema("CreateUserRequest").Required, []string{"email", "name", "role"}},
		{"ListMeta required", schema("ListMeta").Required, []string{"total", "limit", "offset"}},
		{"ErrorBody required", schema("ErrorBody").Required, []string{"code", "message", "request_id"}},
	}
	for _, tt := range tests {
		if !slices.Equal(tt.got, tt.want) {
			t.Errorf("%s = %v, want %v", tt.name, tt.got, tt.want)
		}
	}

	price := schema("Product").Properties["price"].Value
	if !price.Type.Is("integer") || price.Format != "int64" {
		t.Errorf("Product price is %v %q, want integer int64", price.Type, price.Format)
	}
	for _, name := range []string{"CreateUserRequest", "UpdateUserRequest"} {
		extra := schema(name).AdditionalProperties.Has
		if extra == nil || *extra {
			t.Errorf("%s accepts unknown fields", name)
		}
	}
	for name, prefix := range map[string]string{"User": "usr_", "Product": "prod_"} {
		id := schema(name).Properties["id"].Value
		if !strings.Contains(id.Description, prefix) || id.Pattern != "" {
			t.Errorf("%s id must describe the prefix %s without a pattern", name, prefix)
		}
	}
}

func TestOpenAPIReferenceExamples(t *testing.T) {
	doc := loadDocument(t, redcoreapi.OpenAPI)
	list := doc.Components.Examples["UserListResponse"]
	if list == nil {
		t.Fatal("example UserListResponse is missing")
	}
	meta := list.Value.Value.(map[string]any)["meta"].(map[string]any)
	if meta["total"] != 42.0 || meta["limit"] != 10.0 {
		t.Errorf("UserListResponse meta = %v, want the reference's total 42 and limit 10", meta)
	}
	if !strings.Contains(list.Value.Description, "42") {
		t.Error("UserListResponse does not say that its total of 42 is the reference's own")
	}

	create := doc.Components.Examples["CreateUserRequest"].Value.Value.(map[string]any)
	want := map[string]any{"email": "bob@example.com", "name": "Bob Smith", "role": "editor"}
	for field, value := range want {
		if create[field] != value {
			t.Errorf("CreateUserRequest example %s = %v, want %v", field, create[field], value)
		}
	}
}
