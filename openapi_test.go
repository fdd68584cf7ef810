package redcoreapi_test

import (
	"context"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"

	redcoreapi "github.com/redcore/redcore-go"
)

func loadDocument(t *testing.T) *openapi3.T {
	t.Helper()
	loader := openapi3.NewLoader()
	doc, err := loader.LoadFromData(redcoreapi.OpenAPI)
	if err != nil {
		t.Fatalf("load openapi.yaml: %v", err)
	}
	return doc
}

func TestOpenAPIValidWithExamples(t *testing.T) {
	doc := loadDocument(t)
	err := doc.Validate(context.Background(), openapi3.EnableExamplesValidation())
	if err != nil {
		t.Fatalf("openapi.yaml is invalid: %v", err)
	}
}
