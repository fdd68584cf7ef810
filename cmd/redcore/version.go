package main

import (
	"fmt"
	"runtime"

	"github.com/spf13/cobra"

	"github.com/redcore/redcore-go/redcore"
)

// newVersionCommand builds `redcore version`.
func newVersionCommand() *cobra.Command {
	return &cobra.Command{
		Use:     "version",
		Short:   "Print the version of redcore and of the SDK it is built on",
		Example: "  redcore version",
		Args:    noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			_, err := fmt.Fprintf(cmd.OutOrStdout(), "redcore %s (%s %s/%s)\n",
				redcore.Version, runtime.Version(), runtime.GOOS, runtime.GOARCH)
			return err
		},
	}
}
