// Command redcore is a command-line client of the RedCore REST API: it lists,
// reads, creates, updates and deletes users, reads products, and serves the
// in-memory sandbox with `redcore mock`.
package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/spf13/cobra"
)

func main() {
	// The first Ctrl-C cancels the context, which ends the request in flight
	// and any retry wait. Then stop restores the default handling, so that a
	// second Ctrl-C kills the process.
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	go func() {
		<-ctx.Done()
		stop()
	}()

	code := execute(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// execute runs the command line args and returns the exit code. It prints
// an error, if any, as one line on stderr.
func execute(ctx context.Context, args []string, stdin, stdout, stderr *os.File) int {
	a := &app{stdin: stdin, stdout: stdout, stderr: stderr}
	root := a.newRootCommand()
	root.SetArgs(args)

	err := root.ExecuteContext(ctx)
	if err == nil {
		return exitOK
	}

	var usage *usageError
	isUsage := errors.As(err, &usage)
	if !isUsage && !a.running {
		// cobra's own errors, such as an unknown command, come before any
		// command runs.
		usage = &usageError{err: err, hint: true}
		err, isUsage = usage, true
	}
	if ctx.Err() != nil && !isUsage {
		err = withCause(err, errInterrupted)
	}

	fmt.Fprintln(stderr, errorLine(err))
	if isUsage && usage.hint {
		fmt.Fprintf(stderr, "Run '%s --help' for usage.\n", commandPath(root, args))
	}
	return exitCode(err)
}

// app holds the global flags and the standard streams shared by every
// command. The streams are files, not io.Writers, because the progress
// display and the delete confirmation depend on whether they are terminals.
type app struct {
	stdin  *os.File
	stdout *os.File
	stderr *os.File

	baseURL    string
	token      string
	sandbox    bool
	output     string
	maxRetries int
	timeout    time.Duration
	allowHTTP  bool
	verbose    bool

	// running is set once cobra has parsed the flags and checked the
	// arguments, so that an error from cobra before it is a usage error.
	running bool
}

// commandPath returns the path of the command that args name, such as
// "redcore users list", for the usage hint.
func commandPath(root *cobra.Command, args []string) string {
	cmd, _, err := root.Find(args)
	if err != nil || cmd == nil {
		return root.Name()
	}
	return cmd.CommandPath()
}

const rootLong = `redcore calls the RedCore REST API: it manages the users of your
organization and reads the product catalog.

Authenticate with an API token in $REDCORE_API_TOKEN (or --token, which other
users of the machine can see in the process list). The base URL is
$REDCORE_BASE_URL, else https://api.redcore.com/v1. With --sandbox, commands run
against a built-in in-memory RedCore server with sample data, so nothing
outside this machine is needed.

Output is an aligned table by default; -o json prints the API's JSON.

` + exitCodesHelp

// newRootCommand builds the redcore command with its global flags and
// subcommands.
func (a *app) newRootCommand() *cobra.Command {
	root := &cobra.Command{
		Use:   "redcore",
		Short: "Command-line client of the RedCore REST API",
		Long:  rootLong,
		Example: `  export REDCORE_API_TOKEN=YOUR_TOKEN
  redcore users list --role admin --status active --limit 10
  redcore --sandbox products get prod_00123 -o json`,
		SilenceErrors:     true,
		SilenceUsage:      true,
		PersistentPreRunE: a.checkGlobalFlags,
		Args:              noArgs,
		RunE:              showHelp,
	}
	root.SetIn(a.stdin)
	root.SetOut(a.stdout)
	root.SetErr(a.stderr)
	root.CompletionOptions.DisableDefaultCmd = true
	root.SetFlagErrorFunc(func(_ *cobra.Command, err error) error {
		return &usageError{err: flagValueError(err), hint: true}
	})

	flags := root.PersistentFlags()
	flags.StringVar(&a.baseURL, "base-url", "", "base URL of the API, version path included (default $REDCORE_BASE_URL, else https://api.redcore.com/v1)")
	flags.StringVar(&a.token, "token", "", "API token (default $REDCORE_API_TOKEN); other users can read it in the process list, so prefer the variable")
	flags.BoolVar(&a.sandbox, "sandbox", false, "run against a built-in in-memory sandbox with sample data on 127.0.0.1, with its own token unless --token is set")
	flags.StringVarP(&a.output, "output", "o", "table", "output format: table or json")
	flags.IntVar(&a.maxRetries, "max-retries", 2, "retries of a request that failed with 429, 5xx or a network error")
	flags.DurationVar(&a.timeout, "timeout", 0, "time limit of the whole command, retries included, such as 30s or 2m (default no limit)")
	flags.BoolVar(&a.allowHTTP, "allow-http", false, "allow a plain http:// base URL on a host other than loopback")
	flags.BoolVarP(&a.verbose, "verbose", "v", false, "log each request and retry to stderr (never the token)")
	_ = root.RegisterFlagCompletionFunc("output", fixedCompletion("table", "json"))

	root.AddCommand(
		a.newUsersCommand(),
		a.newProductsCommand(),
		newMockCommand(),
		newCompletionCommand(),
		a.newVersionCommand(),
	)
	return root
}

// checkGlobalFlags validates the global flags before a command runs, so
// that a mistake is a usage error and nothing is sent.
func (a *app) checkGlobalFlags(cmd *cobra.Command, _ []string) error {
	if a.sandbox && a.baseURL != "" {
		return usagef("--sandbox and --base-url cannot be used together: the sandbox has its own base URL")
	}
	if a.output != "table" && a.output != "json" {
		return usagef("invalid --output %q: use table or json", a.output)
	}
	if a.maxRetries < 0 {
		return usagef("invalid --max-retries %d: %s", a.maxRetries, flagRules["max-retries"])
	}
	if a.timeout < 0 {
		return usagef("invalid --timeout %s: must be positive", a.timeout)
	}

	// cobra has parsed the flags and checked the arguments by now, and
	// this program marks no flag as required or in a group, which cobra
	// would check after this hook.
	a.running = true
	return nil
}

// showHelp prints the help of a command group run without a subcommand.
func showHelp(cmd *cobra.Command, _ []string) error {
	return cmd.Help()
}
