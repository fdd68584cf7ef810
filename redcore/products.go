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
	if err != nil {
		return nil, requestError(err)
	}

	var list api.ProductList
	if err := decodeResponse(resp, &list, s.client.transport.now()); err != nil {
		return nil, err
	}
	return newPage(list.Data, list.Meta), nil
}

// Pages returns the pages of products that match params, from
// params.Offset to the end, fetching each page only when the range loop
// reaches it.
// Each product is yielded once even when products are added during the
// walk. An error ends the sequence.
func (s *ProductService) Pages(ctx context.Context, params ListProductsParams) iter.Seq2[*Page[Product], error] {
	fetch := func(ctx context.Context, limit, offset int) (*Page[Product], error) {
		p := params
		p.Limit, p.Offset = limit, offset
		return s.List(ctx, p)
	}
	return walkPages(ctx, params.Limit, params.Offset, fetch, productKey)
}

// All returns every product that matches params, one by one, as Pages
// fetches them. Breaking out of the loop stops fetching.
func (s *ProductService) All(ctx context.Context, params ListProductsParams) iter.Seq2[Product, error] {
	return walkItems(s.Pages(ctx, params))
}

// Get returns the product with the given id, or an ErrNotFound error.
func (s *ProductService) Get(ctx context.Context, id string) (*Product, error) {
	if err := checkID("product_id", id); err != nil {
		return nil, err
	}

	resp, err := s.client.raw().GetProduct(ctx, id)
	if err != nil {
		return nil, requestError(err)
	}

	var product Product
	if err := decodeResponse(resp, &product, s.client.transport.now()); err != nil {
		return nil, err
	}
	return &product, nil
}

// productKey returns what a page walk remembers of a product.
func productKey(p Product) itemKey {
	return itemKey{id: p.Id, created: p.CreatedAt}
}
