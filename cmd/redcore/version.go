package main

import (
	"fmt"
	"runtime"

	"github.com/spf13/cobra"

	"github.com/redcore/redcore-go/redcore"
)

// versionInfo is the JSON object that `redcore version -o json` prints.
type versionInfo struct {
	// CLI is the version of the redcore command.
	CLI string `json:"cli_version"`
	// SDK is the version of the redcore-go SDK the command is built on.
	SDK string `json:"sdk_version"`
	// Go is the version of Go that built the command.
	Go string `json:"go_version"`
	// Platform is the operating system and architecture, such as linux/amd64.
	Platform string `json:"platform"`
}

// newVersionCommand builds `redcore version`.
func (a *app) newVersionCommand() *cobra.Command {
	return &cobra.Command{
		Use:   "version",
		Short: "Print the version of redcore and of the SDK it is built on",
		Long: `Print the version of redcore, of the redcore-go SDK it is built on, of Go
and the platform. With -o json they are the fields cli_version, sdk_version,
go_version and platform of one JSON object.`,
		Example: "  redcore version\n  redcore version -o json",
		Args:    noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			// The command is part of the SDK's module, so both share
			// one version.
			info := versionInfo{
				CLI:      redcore.Version,
				SDK:      redcore.Version,
				Go:       runtime.Version(),
				Platform: runtime.GOOS + "/" + runtime.GOARCH,
			}
			if a.output == "json" {
				return writeJSON(cmd.OutOrStdout(), info)
			}
			_, err := fmt.Fprintf(cmd.OutOrStdout(), "redcore %s (SDK redcore-go %s, %s %s)\n",
				info.CLI, info.SDK, info.Go, info.Platform)
			return err
		},
	}
}
