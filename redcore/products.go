package redcore

import (
	"context"
	"iter"

	"github.com/redcore/redcore-go/api"
)

// ProductService reads the product catalog, which needs the products:read
// scope.
type ProductService struct {
	client *Client
}

// ListProductsParams filters and pages a list of products. A zero field is
// not sent, so the server's default applies (20 items from offset 0).
type ListProductsParams struct {
	// Limit is the page size, from 1 to 100. All and Pages use 100 when it
	// is 0 and cap it at 100.
	Limit int
	// Offset is the number of matching products to skip.
	Offset int
	// Status keeps only products with this status.
	Status ProductStatus
	// Q keeps only products whose name or SKU contains it, ignoring case.
	Q string
}

// List returns one page of products, newest first. A Limit over 100 or a
// negative Limit or Offset is an ErrValidation error before any request.
func (s *ProductService) List(ctx context.Context, params ListProductsParams) (*Page[Product], error) {
	if err := checkListRange(params.Limit, params.Offset); err != nil {
		return nil, err
	}

	query := &api.ListProductsParams{
		Limit:  nonZero(params.Limit),
		Offset: nonZero(params.Offset),
		Status: nonZero(params.Status),
		Q:      nonZero(params.Q),
	}
	resp, err := s.client.raw().ListProducts(ctx, query)
	list, err := decode[api.ProductList](s.client, resp, err)
	if err != nil {
		return nil, err
	}
	return newPage(list.Data, list.Meta), nil
}

// Pages returns the pages of products that match params, from params.Offset
// to the end, fetching each page only when the range loop reaches it. The
// rules of the walk:
//
//   - The page size is params.Limit, or 100 when it is 0; a larger Limit is
//     capped at 100, since the page size only changes the number of requests.
//   - The offset advances by the number of products received, not by the
//     limit, so a server that returns short pages makes no product be skipped.
//   - The walk ends when the offset reaches the total or a page is empty.
//   - Products added during the walk move older products to later offsets,
//     so a page can repeat products already yielded. Each product is still
//     yielded once, because the walk skips a product whose place in the order
//     (created_at descending, then id descending) it has passed. Memory
//     stays bounded by one page.
//   - Products deleted during the walk move later products to lower offsets,
//     so the walk can miss products; the client cannot see that.
//   - A server that returns the same page again, with the same total, ends
//     the walk with an error instead of a loop.
//   - An error, such as a failed request or a canceled ctx, is the last
//     element of the sequence.
//   - Stopping the range loop stops fetching.
func (s *ProductService) Pages(ctx context.Context, params ListProductsParams) iter.Seq2[*Page[Product], error] {
	fetch := func(ctx context.Context, limit, offset int) (*Page[Product], error) {
		p := params
		p.Limit, p.Offset = limit, offset
		return s.List(ctx, p)
	}
	return walkPages(ctx, params.Limit, params.Offset, fetch, productKey)
}

// All returns every product that matches params, one by one, as Pages
// fetches them page by page, and follows the same rules. Each product is
// yielded once, even when products are added during the walk, but products
// deleted during the walk can be missed. An error is the last element, and
// breaking out of the loop stops fetching.
func (s *ProductService) All(ctx context.Context, params ListProductsParams) iter.Seq2[Product, error] {
	return walkItems(s.Pages(ctx, params))
}

// Get returns the product with the given id, or an ErrNotFound error.
func (s *ProductService) Get(ctx context.Context, id string) (*Product, error) {
	if err := checkID("product_id", id); err != nil {
		return nil, err
	}

	resp, err := s.client.getByID(ctx, "/products/", id)
	return decode[Product](s.client, resp, err)
}

// productKey returns what a page walk remembers of a product.
func productKey(p Product) itemKey {
	return itemKey{id: p.Id, created: p.CreatedAt}
}
