package redcore

import (
	"go/ast"
	"go/doc"
	"go/parser"
	"go/token"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// TestDocNamesNoUnexported checks that the doc comment of every exported
// name reads without the package's unexported functions and types, which
// godoc does not show.
func TestDocNamesNoUnexported(t *testing.T) {
	fset := token.NewFileSet()
	names, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	var files []*ast.File
	for _, name := range names {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		file, err := parser.ParseFile(fset, name, nil, parser.ParseComments)
		if err != nil {
			t.Fatal(err)
		}
		files = append(files, file)
	}

	var hidden []string
	for _, file := range files {
		for _, decl := range file.Decls {
			switch d := decl.(type) {
			case *ast.FuncDecl:
				if d.Recv == nil && !d.Name.IsExported() {
					hidden = append(hidden, d.Name.Name)
				}
			case *ast.GenDecl:
				for _, spec := range d.Specs {
					if ts, ok := spec.(*ast.TypeSpec); ok && !ts.Name.IsExported() {
						hidden = append(hidden, ts.Name.Name)
					}
				}
			}
		}
	}
	// Names such as "config" are also plain words, so only camel-case names
	// are checked.
	var camel []string
	for _, name := range hidden {
		if strings.ToLower(name) != name {
			camel = append(camel, regexp.QuoteMeta(name))
		}
	}
	if len(camel) == 0 {
		t.Fatal("no unexported camel-case names found")
	}
	mention := regexp.MustCompile(`\b(` + strings.Join(camel, "|") + `)\b`)

	docs, err := doc.NewFromFiles(fset, files, "github.com/redcore/redcore-go/redcore")
	if err != nil {
		t.Fatal(err)
	}
	check := func(name, text string) {
		if m := mention.FindString(text); m != "" {
			t.Errorf("doc of %s names the unexported %s", name, m)
		}
	}
	for _, f := range docs.Funcs {
		check(f.Name, f.Doc)
	}
	for _, typ := range docs.Types {
		check(typ.Name, typ.Doc)
		for _, f := range append(typ.Funcs, typ.Methods...) {
			check(typ.Name+"."+f.Name, f.Doc)
		}
	}
}
