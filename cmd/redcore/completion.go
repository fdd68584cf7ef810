package main

import "github.com/spf13/cobra"

// fixedCompletion completes a flag value from a fixed list.
func fixedCompletion(values ...string) cobra.CompletionFunc {
	return func(*cobra.Command, []string, string) ([]cobra.Completion, cobra.ShellCompDirective) {
		return values, cobra.ShellCompDirectiveNoFileComp
	}
}

// newCompletionCommand builds `redcore completion bash|zsh|fish`.
func newCompletionCommand() *cobra.Command {
	return &cobra.Command{
		Use:   "completion bash|zsh|fish",
		Short: "Print a shell completion script",
		Long: `Print the completion script of redcore for bash, zsh or fish on stdout.
Load it in the current shell, or save it where your shell reads completions.`,
		Example: `  source <(redcore completion bash)
  redcore completion zsh > "${fpath[1]}/_redcore"
  redcore completion fish > ~/.config/fish/completions/redcore.fish`,
		ValidArgs: []string{"bash", "zsh", "fish"},
		Args:      exactArgs(1, "the shell: bash, zsh or fish"),
		RunE: func(cmd *cobra.Command, args []string) error {
			out := cmd.OutOrStdout()
			switch args[0] {
			case "bash":
				return cmd.Root().GenBashCompletionV2(out, true)
			case "zsh":
				return cmd.Root().GenZshCompletion(out)
			case "fish":
				return cmd.Root().GenFishCompletion(out, true)
			}
			return usagef("unsupported shell %q: use bash, zsh or fish", args[0])
		},
	}
}
