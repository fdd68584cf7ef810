package main

import (
	"net/mail"
	"slices"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
)

// Values the API accepts for its enumerations. The commands check flags
// against them before sending, so a typo is a usage error, not a 400.
var (
	roleValues          = []string{"admin", "editor", "viewer"}
	userStatusValues    = []string{"active", "inactive", "pending_invite"}
	userNewStatusValues = []string{"active", "inactive"}
	productStatusValues = []string{"available", "out_of_stock", "discontinued"}
)

// Bounds of --limit, the API's page size.
const (
	minLimit = 1
	maxLimit = 100
)

// checkEnum returns a usage error unless value is one of allowed. An empty
// value passes, because a filter left empty is not applied.
func checkEnum(flag, value string, allowed []string) error {
	if value == "" {
		return nil
	}
	return checkChoice(flag, value, allowed)
}

// checkChoice returns a usage error unless value is one of allowed.
func checkChoice(flag, value string, allowed []string) error {
	if value == "" {
		return usagef("missing --%s: use %s", flag, orList(allowed))
	}
	if !slices.Contains(allowed, value) {
		return usagef("invalid --%s %q: use %s", flag, value, orList(allowed))
	}
	return nil
}

// orList joins values as "a, b or c".
func orList(values []string) string {
	if len(values) == 1 {
		return values[0]
	}
	return strings.Join(values[:len(values)-1], ", ") + " or " + values[len(values)-1]
}

// checkID returns a usage error for an id that cannot name a resource: an
// empty one, or "." or "..", which a URL resolver would collapse into
// another path.
func checkID(kind, id string) error {
	switch {
	case strings.TrimSpace(id) == "":
		return usagef("missing %s id", kind)
	case id == "." || id == "..":
		return usagef("invalid %s id %q", kind, id)
	}
	return nil
}

// checkEmail returns a usage error unless email is a bare address such as
// bob@example.com, without a display name or angle brackets.
func checkEmail(email string) error {
	if email == "" {
		return usagef("missing --email: the new user's email address is required")
	}
	addr, err := mail.ParseAddress(email)
	if err != nil || addr.Name != "" || addr.Address != email {
		return usagef("invalid --email %q: use an address such as bob@example.com", email)
	}
	return nil
}

// checkName returns a usage error for a name that is empty or only spaces.
func checkName(name string) error {
	if strings.TrimSpace(name) == "" {
		return usagef("invalid --name %q: the name must not be blank", name)
	}
	return nil
}

// listFlags are the paging and search flags of a list command.
type listFlags struct {
	q      string
	limit  int
	offset int
	all    bool
}

// register adds the flags to fs; noun names the listed items in the help.
func (l *listFlags) register(fs *pflag.FlagSet, searched string) {
	fs.StringVar(&l.q, "q", "", "case-insensitive search in "+searched)
	fs.IntVar(&l.limit, "limit", 0, "items per page, 1 to 100 (default 20, or 100 with --all)")
	fs.IntVar(&l.offset, "offset", 0, "items to skip before the first one printed")
	fs.BoolVar(&l.all, "all", false, "fetch every page and print all items")
}

// check validates the paging flags and sets the page size of --all.
func (l *listFlags) check(cmd *cobra.Command) error {
	if cmd.Flags().Changed("limit") && (l.limit < minLimit || l.limit > maxLimit) {
		return usagef("invalid --limit %d: use %d to %d", l.limit, minLimit, maxLimit)
	}
	if l.offset < 0 {
		return usagef("invalid --offset %d: must be 0 or more", l.offset)
	}
	if l.all && l.limit == 0 {
		// The largest page takes the fewest requests.
		l.limit = maxLimit
	}
	return nil
}

// noArgs rejects positional arguments. For a command group the argument is
// a mistyped subcommand, which is then a usage error instead of a help page.
func noArgs(cmd *cobra.Command, args []string) error {
	switch {
	case len(args) == 0:
		return nil
	case cmd.HasSubCommands():
		return usagef("unknown command %q for %q", args[0], cmd.CommandPath())
	default:
		return usagef("%s takes no arguments, got %q", cmd.CommandPath(), args[0])
	}
}

// exactArgs returns a cobra.PositionalArgs that requires n arguments, named
// by what in the error, as a usage error.
func exactArgs(n int, what string) cobra.PositionalArgs {
	return func(cmd *cobra.Command, args []string) error {
		if len(args) != n {
			return usagef("%s takes %d argument (%s), got %d", cmd.CommandPath(), n, what, len(args))
		}
		return nil
	}
}
