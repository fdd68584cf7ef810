package main

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"
	"unicode"

	"golang.org/x/term"

	"github.com/redcore/redcore-go/redcore"
)

// writeJSON prints v as indented JSON. HTML characters stay as they are,
// because the output is for people and jq, not for a web page.
func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}

// newTable returns a tabwriter that aligns tab-separated cells in columns
// two spaces apart. The caller must Flush it.
func newTable(w io.Writer) *tabwriter.Writer {
	return tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
}

// row writes cells as one line of a table.
func row(w io.Writer, cells ...string) {
	for i, c := range cells {
		cells[i] = cell(c)
	}
	fmt.Fprintln(w, strings.Join(cells, "\t"))
}

// cell makes a value received from the server safe for one table cell: a
// value with a tab, a line break or another control character, which would
// break the alignment or drive the terminal, is printed Go-quoted. An empty
// value is printed as "-" so that the columns stay readable.
func cell(s string) string {
	if s == "" {
		return "-"
	}
	if strings.ContainsFunc(s, unicode.IsControl) {
		return strconv.Quote(s)
	}
	return s
}

// formatTime prints a timestamp as RFC 3339 in UTC, or "-" when the server
// sent none.
func formatTime(t time.Time) string {
	if t.IsZero() {
		return "-"
	}
	return t.UTC().Format(time.RFC3339)
}

// printUsers prints users as a table, one row each.
func printUsers(w io.Writer, users []redcore.User) error {
	tw := newTable(w)
	row(tw, "ID", "NAME", "EMAIL", "ROLE", "STATUS", "CREATED_AT")
	for _, u := range users {
		row(tw, u.Id, u.Name, u.Email, string(u.Role), string(u.Status), formatTime(u.CreatedAt))
	}
	return tw.Flush()
}

// printUser prints one user as a list of fields.
func printUser(w io.Writer, u *redcore.User) error {
	tw := newTable(w)
	row(tw, "ID:", u.Id)
	row(tw, "Name:", u.Name)
	row(tw, "Email:", u.Email)
	row(tw, "Role:", string(u.Role))
	row(tw, "Status:", string(u.Status))
	row(tw, "Created at:", formatTime(u.CreatedAt))
	row(tw, "Updated at:", formatTime(u.UpdatedAt))
	return tw.Flush()
}

// printProducts prints products as a table, one row each. Prices are the
// API's integer cents, labelled as such in the header.
func printProducts(w io.Writer, products []redcore.Product) error {
	tw := newTable(w)
	row(tw, "ID", "NAME", "SKU", "PRICE_CENTS", "STOCK", "STATUS", "CREATED_AT")
	for _, p := range products {
		row(tw, p.Id, p.Name, p.Sku, strconv.FormatInt(p.Price, 10), strconv.Itoa(p.Stock), string(p.Status), formatTime(p.CreatedAt))
	}
	return tw.Flush()
}

// printProduct prints one product as a list of fields.
func printProduct(w io.Writer, p *redcore.Product) error {
	tw := newTable(w)
	row(tw, "ID:", p.Id)
	row(tw, "Name:", p.Name)
	row(tw, "SKU:", p.Sku)
	row(tw, "Price (cents):", strconv.FormatInt(p.Price, 10))
	row(tw, "Stock:", strconv.Itoa(p.Stock))
	row(tw, "Status:", string(p.Status))
	row(tw, "Created at:", formatTime(p.CreatedAt))
	return tw.Flush()
}

// pageFooter describes which items of the total a page holds, and how to
// get the next page, such as "users 1-20 of 42; next page: --offset 20".
func pageFooter(noun string, count, total, offset int) string {
	if count == 0 {
		return fmt.Sprintf("no %s at offset %d (%d in total)", noun, offset, total)
	}
	line := fmt.Sprintf("%s %d-%d of %d", noun, offset+1, offset+count, total)
	if next := offset + count; next < total {
		line += fmt.Sprintf("; next page: --offset %d", next)
	}
	return line
}

// isTerminal reports whether f is a terminal. It queries the terminal
// driver, because a file's mode cannot tell: /dev/null is a character
// device too.
func isTerminal(f *os.File) bool {
	return f != nil && term.IsTerminal(int(f.Fd()))
}

// progress shows "fetched N of TOTAL NOUN" on one line that it rewrites in
// place, on a terminal only: a log file or a pipe gets nothing.
type progress struct {
	w       io.Writer
	noun    string
	enabled bool
	visible bool
}

// update shows that done items of total are fetched.
func (p *progress) update(done, total int) {
	if !p.enabled {
		return
	}
	fmt.Fprintf(p.w, "\rfetched %d of %d %s", done, total, p.noun)
	p.visible = true
}

// clear erases the progress line, if any, so that what follows starts at
// the beginning of an empty line.
func (p *progress) clear() {
	if p.visible {
		fmt.Fprint(p.w, "\r\x1b[K")
		p.visible = false
	}
}

// confirm writes prompt to w and reads one line from r. It returns true for
// "y" or "yes" in any case, and false for anything else or end of input.
// It returns the context's error as soon as ctx is canceled, because a read
// from a terminal does not return on Ctrl-C while the signal is caught.
func confirm(ctx context.Context, r io.Reader, w io.Writer, prompt string) (bool, error) {
	if _, err := io.WriteString(w, prompt); err != nil {
		return false, err
	}

	answers := make(chan string, 1)
	go func() {
		line, _ := bufio.NewReader(r).ReadString('\n')
		answers <- line
	}()

	select {
	case <-ctx.Done():
		fmt.Fprintln(w)
		return false, ctx.Err()
	case line := <-answers:
		answer := strings.ToLower(strings.TrimSpace(line))
		return answer == "y" || answer == "yes", nil
	}
}
