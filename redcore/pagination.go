package redcore

import (
	"context"
	"encoding/json"
	"fmt"
	"iter"
	"slices"
	"time"

	"github.com/redcore/redcore-go/api"
)

// Page sizes of the list operations.
const (
	// MaxPageSize is the largest limit the API accepts.
	MaxPageSize = 100
	// defaultWalkPageSize is the page size of All and Pages when the
	// parameters set no limit: the largest, for the fewest requests.
	defaultWalkPageSize = MaxPageSize
)

// Page is one page of a list: the items and their position in the whole
// list. It marshals to JSON as the API's {"data": [...], "meta": {...}}.
type Page[T any] struct {
	// Data contains the items of the page, in the list's order.
	Data []T
	// Total is the number of items that match the filters, over all pages.
	Total int
	// Limit is the page size the server applied.
	Limit int
	// Offset is the number of matching items before this page.
	Offset int
}

// pageJSON is the wire form of a page.
type pageJSON[T any] struct {
	Data []T          `json:"data"`
	Meta api.ListMeta `json:"meta"`
}

// MarshalJSON encodes p as {"data": [...], "meta": {"total", "limit",
// "offset"}}, with an empty array, never null, for no items.
func (p Page[T]) MarshalJSON() ([]byte, error) {
	data := p.Data
	if data == nil {
		data = []T{}
	}
	return json.Marshal(pageJSON[T]{
		Data: data,
		Meta: api.ListMeta{Total: p.Total, Limit: p.Limit, Offset: p.Offset},
	})
}

// UnmarshalJSON decodes the form MarshalJSON writes.
func (p *Page[T]) UnmarshalJSON(b []byte) error {
	var wire pageJSON[T]
	if err := json.Unmarshal(b, &wire); err != nil {
		return err
	}
	*p = Page[T]{Data: wire.Data, Total: wire.Meta.Total, Limit: wire.Meta.Limit, Offset: wire.Meta.Offset}
	if p.Data == nil {
		p.Data = []T{}
	}
	return nil
}

// checkListRange rejects a limit or offset the API would reject, before
// any request. A zero limit means the server's default.
func checkListRange(limit, offset int) error {
	if limit < 0 || limit > MaxPageSize {
		return validationError("limit", fmt.Sprintf("%d is out of range: must be from 1 to %d, or 0 for the default", limit, MaxPageSize))
	}
	if offset < 0 {
		return validationError("offset", fmt.Sprintf("%d is negative", offset))
	}
	return nil
}

// walkPageSize returns the page size of a walk: limit, 100 when unset, and
// at most 100, since the page size only tunes the number of requests.
func walkPageSize(limit int) int {
	if limit == 0 {
		return defaultWalkPageSize
	}
	return min(limit, MaxPageSize)
}

// itemKey is the id and creation time of an item, which together give its
// place in a list.
type itemKey struct {
	id      string
	created time.Time
}

// after reports whether k comes after other in the API's list order:
// created_at descending, then id descending, ids compared byte by byte.
func (k itemKey) after(other itemKey) bool {
	if c := k.created.Compare(other.created); c != 0 {
		return c < 0
	}
	return k.id < other.id
}

// fetchPage fetches the page of the given size at offset.
type fetchPage[T any] func(ctx context.Context, limit, offset int) (*Page[T], error)

// walkPages returns the pages of a list from offset on, each page without
// the items already yielded.
//
// Rules of the walk:
//   - The offset advances by the number of items received, not by the
//     limit, so a server that returns short pages makes no item be skipped.
//   - The walk stops when the offset reaches the total or a page is empty.
//   - Items inserted at the head of the list during the walk shift older
//     items to later offsets, so a page can repeat items already yielded.
//     An item is dropped when it does not come after the last item yielded
//     in the API's order (created_at descending, then id descending),
//     because then the walk has passed its place: it was yielded already or
//     inserted behind the walk. Since created_at never changes and each item
//     yielded comes strictly after the one before, this drops every repeat,
//     on the same page or a later one. Memory stays bounded by one page.
//   - A page identical to the previous one, with the same total, means
//     that the server ignores the offset: the walk ends with an error
//     instead of fetching the same page until the offset reaches the total.
//     With a changed total, the repeat comes from head inserts.
//   - Deleting items during the walk shifts later items to lower offsets,
//     so the walk can miss items. Nothing on the client side can see that.
//   - Stopping the range loop stops fetching.
func walkPages[T any](ctx context.Context, limit, offset int, fetch fetchPage[T], key func(T) itemKey) iter.Seq2[*Page[T], error] {
	return func(yield func(*Page[T], error) bool) {
		if err := checkListRange(min(limit, MaxPageSize), offset); err != nil {
			yield(nil, err)
			return
		}
		size := walkPageSize(limit)

		var (
			ids, previousIDs []string
			previousOffset   int
			previousTotal    int
			last             itemKey
			haveLast         bool
		)
		for {
			page, err := fetch(ctx, size, offset)
			if err != nil {
				yield(nil, err)
				return
			}
			received := len(page.Data)
			if received == 0 {
				return
			}

			// The two id buffers take turns, so a walk allocates them once.
			ids = ids[:0]
			for _, item := range page.Data {
				ids = append(ids, key(item).id)
			}
			if slices.Equal(ids, previousIDs) && page.Total == previousTotal {
				yield(nil, fmt.Errorf("redcore: no progress: the page at offset %d repeats the page at offset %d, so the server ignores the offset", offset, previousOffset))
				return
			}

			// fresh stays nil until an item is dropped, so that a page
			// without repeats is yielded as it came, without a copy.
			var fresh []T
			for i, item := range page.Data {
				k := key(item)
				if haveLast && !k.after(last) {
					if fresh == nil {
						fresh = make([]T, i, received)
						copy(fresh, page.Data[:i])
					}
					continue
				}
				if fresh != nil {
					fresh = append(fresh, item)
				}
				last, haveLast = k, true
			}
			out := page
			if fresh != nil {
				out = &Page[T]{Data: fresh, Total: page.Total, Limit: page.Limit, Offset: page.Offset}
			}
			if len(out.Data) > 0 {
				if !yield(out, nil) {
					return
				}
			}

			ids, previousIDs = previousIDs, ids
			previousOffset, previousTotal = offset, page.Total
			offset += received
			if offset >= page.Total {
				return
			}
		}
	}
}

// walkItems returns the items of pages one by one. Stopping the range loop
// stops the page walk too.
func walkItems[T any](pages iter.Seq2[*Page[T], error]) iter.Seq2[T, error] {
	return func(yield func(T, error) bool) {
		for page, err := range pages {
			if err != nil {
				var zero T
				yield(zero, err)
				return
			}
			for _, item := range page.Data {
				if !yield(item, nil) {
					return
				}
			}
		}
	}
}
