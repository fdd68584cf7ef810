package redcoreapi_test

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	redcoreapi "github.com/redcore/redcore-go"
)

// addProductWeight is a change of openapi.yaml that the generated code and
// the reference page must both reflect.
var addProductWeight = edit{
	old: "        stock:\n          type: integer\n",
	new: "        weight:\n          type: integer\n          description: Weight in grams.\n        stock:\n          type: integer\n",
}

// generateCode runs the oapi-codegen of `make generate` on doc with the
// configuration in api/config.yaml and returns the generated Go source.
func generateCode(t *testing.T, doc []byte) []byte {
	t.Helper()
	dir := t.TempDir()
	spec := writeFile(t, dir, "openapi.yaml", doc)
	output := filepath.Join(dir, "api.gen.go")

	config, err := os.ReadFile("api/config.yaml")
	if err != nil {
		t.Fatal(err)
	}
	config = replaceOnce(t, config, "output: api/api.gen.go\n", "output: "+output+"\n")
	configPath := writeFile(t, dir, "config.yaml", config)

	out, ok := run(t, "go", "tool", "-modfile=tools/go.mod", "oapi-codegen", "-config", configPath, spec)
	if !ok {
		t.Fatalf("oapi-codegen failed:\n%s", out)
	}
	code, err := os.ReadFile(output)
	if err != nil {
		t.Fatal(err)
	}
	return code
}

// buildReference runs tools/build-docs.sh, as make docs does, on doc and
// returns the page.
func buildReference(t *testing.T, doc []byte) []byte {
	t.Helper()
	dir := t.TempDir()
	spec := writeFile(t, dir, "openapi.yaml", doc)
	page := filepath.Join(dir, "reference.html")
	out, ok := run(t, "tools/build-docs.sh", spec, page)
	if !ok {
		t.Fatalf("build-docs.sh failed:\n%s", out)
	}
	html, err := os.ReadFile(page)
	if err != nil {
		t.Fatal(err)
	}
	return html
}

func TestGeneratedCodeStaleness(t *testing.T) {
	committed, err := os.ReadFile("api/api.gen.go")
	if err != nil {
		t.Fatal(err)
	}
	changed := replaceOnce(t, redcoreapi.OpenAPI, addProductWeight.old, addProductWeight.new)

	tests := []struct {
		name  string
		doc   []byte
		stale bool
	}{
		{"committed document", redcoreapi.OpenAPI, false},
		{"changed document", changed, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			stale := !bytes.Equal(generateCode(t, tt.doc), committed)
			if stale != tt.stale {
				t.Errorf("api/api.gen.go stale = %v, want %v; run `make generate`", stale, tt.stale)
			}
		})
	}
}

func TestReferencePageStaleness(t *testing.T) {
	requireFile(t, redocly, "run `npm ci`")
	changed := replaceOnce(t, redcoreapi.OpenAPI, addProductWeight.old, addProductWeight.new)

	tests := []struct {
		name  string
		doc   []byte
		stale bool
	}{
		{"committed document", redcoreapi.OpenAPI, false},
		{"changed document", changed, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			stale := !bytes.Equal(buildReference(t, tt.doc), redcoreapi.ReferenceHTML)
			if stale != tt.stale {
				t.Errorf("docs/reference.html stale = %v, want %v; run `make docs`", stale, tt.stale)
			}
		})
	}
}

func TestReferencePageSelfContained(t *testing.T) {
	for _, resource := range []string{"<script src=", "<link rel=\"stylesheet\"", "fonts.googleapis.com", "cdn.redocly.com"} {
		if bytes.Contains(redcoreapi.ReferenceHTML, []byte(resource)) {
			t.Errorf("docs/reference.html contains %q, a resource loaded from the network", resource)
		}
	}
	policy := `<meta http-equiv="Content-Security-Policy" content="default-src 'none';`
	if !bytes.Contains(redcoreapi.ReferenceHTML, []byte(policy)) {
		t.Error("docs/reference.html has no Content-Security-Policy that blocks the network")
	}
	if !bytes.Contains(redcoreapi.ReferenceHTML, []byte("Redoc.hydrate(")) {
		t.Error("docs/reference.html does not start Redoc")
	}
}
