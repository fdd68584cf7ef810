// Command benchtable prints Go benchmark results as a Markdown table of
// ratios to a baseline measured in the same run.
//
//	benchtable -col client -base floor -ratio redcore/ogen clients.txt
//
// Benchmarks are grouped by their name without the -col key (such as
// /client=redcore), and each group's median is divided by the median of
// the -base value of that key. benchstat, run on the same files, gives the
// confidence intervals and p-values the medians leave out.
package main

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"

	"golang.org/x/perf/benchfmt"
)

func main() {
	col := flag.String("col", "client", "name key whose values are the columns, such as client for /client=floor")
	base := flag.String("base", "floor", "value of the -col key that is the baseline")
	extra := flag.String("ratio", "", "more ratios to print, as A/B pairs of -col values separated by commas, such as redcore/ogen")
	units := flag.String("units", "", "units to print, separated by commas, such as req/s,p50-us (default all)")
	flag.Parse()

	var only []string
	if *units != "" {
		only = strings.Split(*units, ",")
	}
	if err := run(os.Stdout, *col, *base, *extra, only, flag.Args()); err != nil {
		fmt.Fprintln(os.Stderr, "benchtable:", err)
		os.Exit(1)
	}
}

// cell is the measurements of one row, unit and column.
type cell struct {
	row, unit, column string
}

func run(w io.Writer, col, base, extra string, only, files []string) error {
	if len(files) == 0 {
		return errors.New("missing result files")
	}
	var pairs [][2]string
	if extra != "" {
		for pair := range strings.SplitSeq(extra, ",") {
			a, b, ok := strings.Cut(pair, "/")
			if !ok {
				return fmt.Errorf("invalid -ratio %q: must be A/B pairs separated by commas", extra)
			}
			pairs = append(pairs, [2]string{a, b})
		}
	}

	values, rows, units, columns, err := read(files, col)
	if err != nil {
		return err
	}
	if !slices.Contains(columns, base) {
		return fmt.Errorf("no results with %s=%s, the baseline", col, base)
	}

	header := []string{"benchmark", "unit", base + " (median)"}
	for _, c := range columns {
		if c != base {
			header = append(header, c+" ÷ "+base)
		}
	}
	for _, p := range pairs {
		header = append(header, p[0]+" ÷ "+p[1])
	}
	printRow(w, header)
	printRow(w, slices.Repeat([]string{"---"}, len(header)))

	for _, row := range rows {
		for _, unit := range units[row] {
			if len(only) > 0 && !slices.Contains(only, unit) {
				continue
			}
			baseline, ok := median(values[cell{row, unit, base}])
			if !ok {
				continue
			}
			line := []string{row, unit, format(baseline)}
			for _, c := range columns {
				if c != base {
					line = append(line, ratio(values, row, unit, c, base))
				}
			}
			for _, p := range pairs {
				line = append(line, ratio(values, row, unit, p[0], p[1]))
			}
			printRow(w, line)
		}
	}
	return nil
}

// read returns the values of every cell in files, and the rows, units per
// row and columns in the order they first appear.
func read(files []string, col string) (map[cell][]float64, []string, map[string][]string, []string, error) {
	values := make(map[cell][]float64)
	units := make(map[string][]string)
	var rows, columns []string
	key := []byte("/" + col + "=")

	for _, name := range files {
		f, err := os.Open(name)
		if err != nil {
			return nil, nil, nil, nil, err
		}
		r := benchfmt.NewReader(f, name)
		for r.Scan() {
			res, ok := r.Result().(*benchfmt.Result)
			if !ok {
				continue
			}
			baseName, parts := res.Name.Parts()
			row := string(baseName)
			column := ""
			for _, part := range parts {
				switch {
				case bytes.HasPrefix(part, key):
					column = string(part[len(key):])
				case part[0] == '-':
					// GOMAXPROCS, the same for every column.
				default:
					row += string(part)
				}
			}
			if column == "" {
				continue
			}
			if !slices.Contains(rows, row) {
				rows = append(rows, row)
			}
			if !slices.Contains(columns, column) {
				columns = append(columns, column)
			}
			for _, v := range res.Values {
				unit, value := v.Unit, v.Value
				if v.OrigUnit != "" {
					unit, value = v.OrigUnit, v.OrigValue
				}
				if !slices.Contains(units[row], unit) {
					units[row] = append(units[row], unit)
				}
				c := cell{row, unit, column}
				values[c] = append(values[c], value)
			}
		}
		err = r.Err()
		_ = f.Close()
		if err != nil {
			return nil, nil, nil, nil, err
		}
	}
	return values, rows, units, columns, nil
}

// ratio formats the median of column a divided by the median of column b.
func ratio(values map[cell][]float64, row, unit, a, b string) string {
	x, okA := median(values[cell{row, unit, a}])
	y, okB := median(values[cell{row, unit, b}])
	if !okA || !okB || y == 0 {
		return "n/a"
	}
	return fmt.Sprintf("%.2fx", x/y)
}

func median(xs []float64) (float64, bool) {
	if len(xs) == 0 {
		return 0, false
	}
	s := slices.Sorted(slices.Values(xs))
	n := len(s)
	if n%2 == 1 {
		return s[n/2], true
	}
	return (s[n/2-1] + s[n/2]) / 2, true
}

func format(v float64) string {
	if v >= 100 {
		return fmt.Sprintf("%.0f", v)
	}
	return fmt.Sprintf("%.3g", v)
}

func printRow(w io.Writer, cells []string) {
	fmt.Fprintln(w, "| "+strings.Join(cells, " | ")+" |")
}
