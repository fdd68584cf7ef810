package main

import (
	"context"
	"fmt"
	"iter"

	"github.com/spf13/cobra"

	"github.com/redcore/redcore-go/redcore"
)

// newProductsCommand builds `redcore products` and its subcommands.
func (a *app) newProductsCommand() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "products",
		Short: "List and get products of the catalog",
		Long: `Read the product catalog. Prices are integer amounts in the smallest unit
of the organization's currency, such as US cents. Reading needs the
products:read scope.`,
		Example: `  redcore products list --status available --limit 5
  redcore products get prod_00123`,
		Args: noArgs,
		RunE: showHelp,
	}
	cmd.AddCommand(a.newProductsListCommand(), a.newProductsGetCommand())
	return cmd
}

func (a *app) newProductsListCommand() *cobra.Command {
	var (
		status string
		paging listFlags
	)
	cmd := &cobra.Command{
		Use:   "list",
		Short: "List products, newest first",
		Long: `List the products of the catalog, newest first, one page at a time.
Filters combine: a product must match all of them. With --all every page is
fetched and printed, and -o json prints one JSON array of every product.`,
		Example: `  redcore products list --status available --limit 5
  redcore products list --q widget --all`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := checkEnum("status", status, productStatusValues); err != nil {
				return err
			}
			if err := paging.check(cmd); err != nil {
				return err
			}

			params := redcore.ListProductsParams{
				Limit:  paging.limit,
				Offset: paging.offset,
				Status: redcore.ProductStatus(status),
				Q:      paging.q,
			}
			return a.call(cmd, func(ctx context.Context, c *redcore.Client) error {
				return runList(ctx, a, paging, listing[redcore.Product]{
					noun: "products",
					list: func(ctx context.Context) (*redcore.Page[redcore.Product], error) {
						return c.Products.List(ctx, params)
					},
					pages: func(ctx context.Context) iter.Seq2[*redcore.Page[redcore.Product], error] {
						return c.Products.Pages(ctx, params)
					},
					table: printProducts,
				})
			})
		},
	}

	flags := cmd.Flags()
	flags.StringVar(&status, "status", "", "only products with this status: "+orList(productStatusValues))
	paging.register(flags, "name and SKU")
	_ = cmd.RegisterFlagCompletionFunc("status", fixedCompletion(productStatusValues...))
	return cmd
}

func (a *app) newProductsGetCommand() *cobra.Command {
	return &cobra.Command{
		Use:     "get ID",
		Short:   "Print one product",
		Long:    `Print the product with the given id, such as prod_00123.`,
		Example: `  redcore products get prod_00123`,
		Args:    exactArgs(1, "the product id"),
		RunE: func(cmd *cobra.Command, args []string) error {
			id := args[0]
			if err := checkID("product", id); err != nil {
				return err
			}

			return a.call(cmd, func(ctx context.Context, c *redcore.Client) error {
				product, err := c.Products.Get(ctx, id)
				if err != nil {
					return failed(fmt.Sprintf("get product %q", id), err)
				}
				if a.output == "json" {
					return writeJSON(a.stdout, product)
				}
				return printProduct(a.stdout, product)
			})
		},
	}
}
