package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestRunRatios(t *testing.T) {
	results := `goos: linux
BenchmarkGet/client=floor-2 	100	1000 ns/op	10 allocs/op
BenchmarkGet/client=floor-2 	100	3000 ns/op	10 allocs/op
BenchmarkGet/client=redcore-2 	100	3000 ns/op	12 allocs/op
BenchmarkGet/client=redcore-2 	100	5000 ns/op	12 allocs/op
BenchmarkGet/client=ogen-2 	100	2000 ns/op	8 allocs/op
`
	file := filepath.Join(t.TempDir(), "results.txt")
	if err := os.WriteFile(file, []byte(results), 0o600); err != nil {
		t.Fatal(err)
	}
	var out strings.Builder
	if err := run(&out, "client", "floor", "redcore/ogen", nil, []string{file}); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		"| Get | ns/op | 2000 | 2.00x | 1.00x | 2.00x |",
		"| Get | allocs/op | 10 | 1.20x | 0.80x | 1.50x |",
	} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("table lacks %q:\n%s", want, out.String())
		}
	}
}

func TestRunMissingBaseline(t *testing.T) {
	file := filepath.Join(t.TempDir(), "results.txt")
	if err := os.WriteFile(file, []byte("BenchmarkGet/client=ogen-2 	1	1 ns/op\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := run(&strings.Builder{}, "client", "floor", "", nil, []string{file}); err == nil {
		t.Error("run accepted results without the baseline")
	}
}
