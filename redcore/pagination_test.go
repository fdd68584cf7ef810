package redcore

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"sync"
	"testing"
	"time"

	"go.uber.org/goleak"
)

// listBehaviour is the scripted misbehaviour of a listServer.
type listBehaviour struct {
	maxPage       int  // if > 0, no page has more items than this
	inserts       int  // items added at the head after each of the first insertRounds requests
	insertRounds  int  //
	ignoreOffset  bool // always serve the first page
	emptyAtOffset int  // if > 0, pages from this offset on are empty although the total is larger
}

// listServer serves GET /v1/users over an in-memory list, newest first.
type listServer struct {
	listBehaviour

	mu      sync.Mutex
	items   []map[string]any
	added   int
	limits  []int
	offsets []int
}

var listEpoch = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)

func newListServer(t *testing.T, n int, behaviour listBehaviour) (*listServer, *scriptedServer) {
	t.Helper()
	ls := &listServer{listBehaviour: behaviour}
	for i := range n {
		ls.items = append(ls.items, listItem(fmt.Sprintf("usr_%03d", n-i), listEpoch.Add(-time.Duration(i)*time.Minute)))
	}
	srv := newScriptedServer(t, ls.serve)
	return ls, srv
}

func listItem(id string, created time.Time) map[string]any {
	u := testUser(id)
	u["created_at"] = created.Format(time.RFC3339)
	return u
}

func (ls *listServer) serve(w http.ResponseWriter, r *http.Request, n int) {
	ls.mu.Lock()
	defer ls.mu.Unlock()

	limit, _ := strconv.Atoi(r.URL.Query().Get("limit"))
	offset, _ := strconv.Atoi(r.URL.Query().Get("offset"))
	ls.limits = append(ls.limits, limit)
	ls.offsets = append(ls.offsets, offset)

	start := offset
	if ls.ignoreOffset {
		start = 0
	}
	size := limit
	if ls.maxPage > 0 {
		size = min(size, ls.maxPage)
	}
	start = min(start, len(ls.items))
	end := min(start+size, len(ls.items))
	data := append([]map[string]any{}, ls.items[start:end]...)
	if ls.emptyAtOffset > 0 && offset >= ls.emptyAtOffset {
		data = []map[string]any{}
	}
	total := len(ls.items)

	if n < ls.insertRounds {
		for range ls.inserts {
			ls.added++
			item := listItem(fmt.Sprintf("usr_new_%03d", ls.added), listEpoch.Add(time.Duration(ls.added)*time.Minute))
			ls.items = append([]map[string]any{item}, ls.items...)
		}
	}

	writeJSON(w, http.StatusOK, map[string]any{
		"data": data,
		"meta": map[string]int{"total": total, "limit": limit, "offset": offset},
	})
}

func (ls *listServer) requested() (limits, offsets []int) {
	ls.mu.Lock()
	defer ls.mu.Unlock()
	return append([]int(nil), ls.limits...), append([]int(nil), ls.offsets...)
}

// collectIDs ranges over All and returns the ids in order and the error.
func collectIDs(c *Client, params ListUsersParams) ([]string, error) {
	var ids []string
	for user, err := range c.Users.All(context.Background(), params) {
		if err != nil {
			return ids, err
		}
		ids = append(ids, user.Id)
	}
	return ids, nil
}

// checkOnce fails the test unless every id of want was yielded exactly
// once and no id was yielded twice.
func checkOnce(t *testing.T, got []string, want []string) {
	t.Helper()
	seen := map[string]int{}
	for _, id := range got {
		seen[id]++
		if seen[id] == 2 {
			t.Errorf("id %s yielded twice", id)
		}
	}
	for _, id := range want {
		if seen[id] == 0 {
			t.Errorf("id %s never yielded", id)
		}
	}
}

func originalIDs(n int) []string {
	ids := make([]string, n)
	for i := range n {
		ids[i] = fmt.Sprintf("usr_%03d", n-i)
	}
	return ids
}

func TestAllYieldsEveryItemOnce(t *testing.T) {
	tests := []struct {
		name   string
		items  int
		limit  int
		server listBehaviour
	}{
		{"exact pages", 30, 10, listBehaviour{}},
		{"last page short", 25, 10, listBehaviour{}},
		{"short pages", 25, 10, listBehaviour{maxPage: 3}},
		{"head inserts below a page", 40, 10, listBehaviour{inserts: 4, insertRounds: 3}},
		{"head inserts of a page", 40, 10, listBehaviour{inserts: 10, insertRounds: 2}},
		{"head inserts beyond a page", 40, 10, listBehaviour{inserts: 25, insertRounds: 2}},
		{"head inserts and short pages", 40, 10, listBehaviour{maxPage: 4, inserts: 3, insertRounds: 5}},
		{"empty list", 0, 10, listBehaviour{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, srv := newListServer(t, tt.items, tt.server)
			c, _ := newTestClient(t, srv)

			ids, err := collectIDs(c, ListUsersParams{Limit: tt.limit})

			if err != nil {
				t.Fatalf("All: %v", err)
			}
			checkOnce(t, ids, originalIDs(tt.items))
		})
	}
}

func TestAllAdvancesByItemsReceived(t *testing.T) {
	ls, srv := newListServer(t, 10, listBehaviour{maxPage: 4})
	c, _ := newTestClient(t, srv)

	if _, err := collectIDs(c, ListUsersParams{Limit: 5}); err != nil {
		t.Fatalf("All: %v", err)
	}
	_, offsets := ls.requested()
	if want := []int{0, 4, 8}; fmt.Sprint(offsets) != fmt.Sprint(want) {
		t.Errorf("offsets = %v, want %v", offsets, want)
	}
}

func TestAllPageSize(t *testing.T) {
	tests := []struct {
		name  string
		limit int
		want  int
	}{
		{"default", 0, 100},
		{"set", 7, 7},
		{"max", 100, 100},
		{"capped", 500, 100},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ls, srv := newListServer(t, 3, listBehaviour{})
			c, _ := newTestClient(t, srv)

			if _, err := collectIDs(c, ListUsersParams{Limit: tt.limit}); err != nil {
				t.Fatalf("All: %v", err)
			}
			limits, _ := ls.requested()
			if len(limits) != 1 || limits[0] != tt.want {
				t.Errorf("limits = %v, want [%d]", limits, tt.want)
			}
		})
	}
}

func TestAllStopRules(t *testing.T) {
	tests := []struct {
		name     string
		items    int
		limit    int
		offset   int
		server   listBehaviour
		requests int
		yielded  int
	}{
		{"stops at total", 20, 10, 0, listBehaviour{}, 2, 20},
		{"starts at offset", 20, 10, 15, listBehaviour{}, 1, 5},
		{"offset past end", 20, 10, 30, listBehaviour{}, 1, 0},
		{"stops at empty page", 20, 5, 0, listBehaviour{emptyAtOffset: 10}, 3, 10},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ls, srv := newListServer(t, tt.items, tt.server)
			c, _ := newTestClient(t, srv)

			ids, err := collectIDs(c, ListUsersParams{Limit: tt.limit, Offset: tt.offset})

			if err != nil {
				t.Fatalf("All: %v", err)
			}
			if len(ids) != tt.yielded {
				t.Errorf("yielded %d users, want %d", len(ids), tt.yielded)
			}
			if _, offsets := ls.requested(); len(offsets) != tt.requests {
				t.Errorf("requests = %d (offsets %v), want %d", len(offsets), offsets, tt.requests)
			}
		})
	}
}

func TestAllNoProgress(t *testing.T) {
	ls, srv := newListServer(t, 30, listBehaviour{ignoreOffset: true})
	c, _ := newTestClient(t, srv)

	ids, err := collectIDs(c, ListUsersParams{Limit: 10})

	if err == nil {
		t.Fatal("All over a server that ignores the offset ended without error")
	}
	if len(ids) != 10 {
		t.Errorf("yielded %d users before the error, want 10", len(ids))
	}
	if _, offsets := ls.requested(); len(offsets) != 2 {
		t.Errorf("requests = %d, want 2", len(offsets))
	}
}

func TestAllBreakStopsFetching(t *testing.T) {
	defer goleak.VerifyNone(t)

	ls, srv := newListServer(t, 50, listBehaviour{})
	c, _ := newTestClient(t, srv)

	count := 0
	for _, err := range c.Users.All(context.Background(), ListUsersParams{Limit: 2}) {
		if err != nil {
			t.Fatalf("All: %v", err)
		}
		count++
		if count == 3 {
			break
		}
	}
	if _, offsets := ls.requested(); len(offsets) != 2 {
		t.Errorf("requests = %d, want 2", len(offsets))
	}
	srv.Close()
}

func TestAllStopsAtError(t *testing.T) {
	srv := newScriptedServer(t, func(w http.ResponseWriter, r *http.Request, n int) {
		if n == 0 {
			writeJSON(w, http.StatusOK, map[string]any{
				"data": []any{testUser("usr_2")},
				"meta": map[string]int{"total": 2, "limit": 1, "offset": 0},
			})
			return
		}
		writeAPIError(w, http.StatusForbidden, "FORBIDDEN", "token lacks users:read")
	})
	c, _ := newTestClient(t, srv)

	var ids []string
	var errs []error
	for user, err := range c.Users.All(context.Background(), ListUsersParams{Limit: 1}) {
		if err != nil {
			errs = append(errs, err)
			continue
		}
		ids = append(ids, user.Id)
	}
	if len(ids) != 1 {
		t.Errorf("yielded %d users, want 1", len(ids))
	}
	if len(errs) != 1 || !errors.Is(errs[0], ErrForbidden) {
		t.Errorf("errors = %v, want one ErrForbidden", errs)
	}
}

func TestAllRejectsNegativeRange(t *testing.T) {
	tests := []struct {
		name   string
		params ListUsersParams
	}{
		{"limit", ListUsersParams{Limit: -1}},
		{"offset", ListUsersParams{Offset: -5}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, srv := newListServer(t, 3, listBehaviour{})
			c, _ := newTestClient(t, srv)

			_, err := collectIDs(c, tt.params)

			if !errors.Is(err, ErrValidation) {
				t.Errorf("error = %v, want ErrValidation", err)
			}
			if got := len(srv.Requests()); got != 0 {
				t.Errorf("requests = %d, want 0", got)
			}
		})
	}
}

func TestPagesYieldsMeta(t *testing.T) {
	_, srv := newListServer(t, 25, listBehaviour{})
	c, _ := newTestClient(t, srv)

	var offsets, sizes []int
	for page, err := range c.Users.Pages(context.Background(), ListUsersParams{Limit: 10}) {
		if err != nil {
			t.Fatalf("Pages: %v", err)
		}
		if page.Total != 25 {
			t.Errorf("page total = %d, want 25", page.Total)
		}
		offsets = append(offsets, page.Offset)
		sizes = append(sizes, len(page.Data))
	}
	if fmt.Sprint(offsets) != "[0 10 20]" {
		t.Errorf("page offsets = %v, want [0 10 20]", offsets)
	}
	if fmt.Sprint(sizes) != "[10 10 5]" {
		t.Errorf("page sizes = %v, want [10 10 5]", sizes)
	}
}

func TestProductsAllWalks(t *testing.T) {
	srv := newScriptedServer(t, func(w http.ResponseWriter, r *http.Request, n int) {
		offset, _ := strconv.Atoi(r.URL.Query().Get("offset"))
		var data []any
		for i := offset; i < min(offset+2, 5); i++ {
			data = append(data, map[string]any{
				"id": fmt.Sprintf("prod_%d", 5-i), "name": "P", "sku": "S", "price": 100, "stock": 1,
				"status": "available", "created_at": listEpoch.Add(-time.Duration(i) * time.Hour).Format(time.RFC3339),
			})
		}
		writeJSON(w, http.StatusOK, map[string]any{"data": data, "meta": map[string]int{"total": 5, "limit": 2, "offset": offset}})
	})
	c, _ := newTestClient(t, srv)

	var ids []string
	for product, err := range c.Products.All(context.Background(), ListProductsParams{Limit: 2, Status: ProductStatusAvailable}) {
		if err != nil {
			t.Fatalf("All: %v", err)
		}
		ids = append(ids, product.Id)
	}
	if fmt.Sprint(ids) != "[prod_5 prod_4 prod_3 prod_2 prod_1]" {
		t.Errorf("ids = %v, want prod_5 to prod_1", ids)
	}
}

func TestPageJSON(t *testing.T) {
	tests := []struct {
		name string
		page Page[string]
		want string
	}{
		{"items", Page[string]{Data: []string{"a"}, Total: 3, Limit: 1, Offset: 2}, `{"data":["a"],"meta":{"limit":1,"offset":2,"total":3}}`},
		{"nil data", Page[string]{Total: 3, Limit: 10, Offset: 30}, `{"data":[],"meta":{"limit":10,"offset":30,"total":3}}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, err := json.Marshal(tt.page)
			if err != nil {
				t.Fatalf("Marshal: %v", err)
			}
			if string(out) != tt.want {
				t.Errorf("JSON = %s, want %s", out, tt.want)
			}

			var back Page[string]
			if err := json.Unmarshal(out, &back); err != nil {
				t.Fatalf("Unmarshal: %v", err)
			}
			if back.Total != tt.page.Total || back.Limit != tt.page.Limit || back.Offset != tt.page.Offset {
				t.Errorf("meta after round trip = %+v, want %+v", back, tt.page)
			}
			if back.Data == nil {
				t.Error("data after round trip is nil, want empty")
			}
		})
	}
}
