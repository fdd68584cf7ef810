package main

import (
	"context"
	"fmt"
	"io"
	"iter"

	"github.com/redcore/redcore-go/redcore"
)

// listing contains the functions a list command needs of one of the
// client's services.
type listing[T any] struct {
	// noun names the items in messages, such as "users".
	noun string
	// list fetches the page selected by the flags.
	list func(context.Context) (*redcore.Page[T], error)
	// pages walks every page from the flags' offset on, for --all.
	pages func(context.Context) iter.Seq2[*redcore.Page[T], error]
	// table prints items as a table.
	table func(io.Writer, []T) error
}

// runList prints one page, or with --all every page, in the output format of
// the global flags.
func runList[T any](ctx context.Context, a *app, paging listFlags, l listing[T]) error {
	if paging.all {
		return runListAll(ctx, a, paging.offset, l)
	}

	page, err := l.list(ctx)
	if err != nil {
		return failed("list "+l.noun, err)
	}
	if page.Data == nil {
		page.Data = []T{}
	}

	if a.output == "json" {
		return writeJSON(a.stdout, page)
	}
	if len(page.Data) > 0 {
		if err := l.table(a.stdout, page.Data); err != nil {
			return err
		}
	}
	_, err = fmt.Fprintln(a.stdout, pageFooter(l.noun, len(page.Data), page.Total, page.Offset))
	return err
}

// runListAll fetches every page, showing progress on a terminal, and prints
// all items at the end, so that a failure part way prints no partial list.
func runListAll[T any](ctx context.Context, a *app, offset int, l listing[T]) error {
	bar := &progress{w: a.stderr, noun: l.noun, enabled: isTerminal(a.stderr)}
	defer bar.clear()

	items := []T{}
	total := -1 // unknown until the first page
	for page, err := range l.pages(ctx) {
		if err != nil {
			bar.clear()
			return failed(listAllAction(l.noun, len(items), total), err)
		}
		items = append(items, page.Data...)
		// The walk starts at offset, so the items before it are not fetched.
		total = max(page.Total-offset, len(items))
		bar.update(len(items), total)
	}
	bar.clear()

	if a.output == "json" {
		return writeJSON(a.stdout, items)
	}
	if len(items) > 0 {
		if err := l.table(a.stdout, items); err != nil {
			return err
		}
	}
	_, err := fmt.Fprintf(a.stdout, "%d %s\n", len(items), l.noun)
	return err
}

// listAllAction names a walk of every page that failed after fetched items
// of total, such as "list users (stopped after 40 of 87 users)", or "list
// users" when it failed on the first page and total is negative.
func listAllAction(noun string, fetched, total int) string {
	if total < 0 {
		return "list " + noun
	}
	return fmt.Sprintf("list %s (stopped after %d of %d %s)", noun, fetched, total, noun)
}
