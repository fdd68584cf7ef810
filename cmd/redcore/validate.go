package main

import (
	"errors"
	"fmt"
	"maps"
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

// flagRules maps a flag name to the values the flag accepts, for the
// message of a value that does not parse or is out of range.
var flagRules = map[string]string{
	"limit":       fmt.Sprintf("must be an integer from %d to %d", minLimit, maxLimit),
	"offset":      "must be an integer, 0 or more",
	"max-retries": "must be an integer, 0 or more",
	"timeout":     "must be a duration such as 30s or 2m",
}

// flagValueError rewrites pflag's error for a flag value that does not
// parse, such as `invalid argument "abc" for "--limit" flag:
// strconv.ParseInt: parsing "abc": invalid syntax`, as `invalid --limit
// "abc": must be an integer from 1 to 100`. Other errors are returned as
// they are.
func flagValueError(err error) error {
	var invalid *pflag.InvalidValueError
	if !errors.As(err, &invalid) || invalid.GetFlag() == nil {
		return err
	}
	flag := invalid.GetFlag()
	rule, ok := flagRules[flag.Name]
	if !ok {
		switch flag.Value.Type() {
		case "int", "int64", "uint", "uint64":
			rule = "must be an integer"
		case "float64", "float32":
			rule = "must be a number"
		case "duration":
			rule = "must be a duration such as 30s or 2m"
		case "bool":
			rule = "must be true or false"
		default:
			return err
		}
	}
	return fmt.Errorf("invalid --%s %q: %s", flag.Name, invalid.GetValue(), rule)
}

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
	return joinList(values, " or ")
}

// andList joins values as "a, b and c".
func andList(values []string) string {
	return joinList(values, " and ")
}

// joinList joins values with commas and last before the last value.
func joinList(values []string, last string) string {
	if len(values) == 1 {
		return values[0]
	}
	return strings.Join(values[:len(values)-1], ", ") + last + values[len(values)-1]
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

// checkRequired returns a usage error such as "missing --name and --role"
// when two or more flags of values, a map from flag name to value, are
// empty. A single missing flag is left to the check of that flag, whose
// message states the values it accepts.
func checkRequired(values map[string]string) error {
	var missing []string
	for _, flag := range slices.Sorted(maps.Keys(values)) {
		if values[flag] == "" {
			missing = append(missing, "--"+flag)
		}
	}
	if len(missing) < 2 {
		// The check of the one flag names what it takes.
		return nil
	}
	return usagef("missing %s", andList(missing))
}

// shellQuote returns s as one shell word: unchanged when it contains only
// characters that need no quoting, else in single quotes.
func shellQuote(s string) string {
	if s != "" && !strings.ContainsFunc(s, needsQuoting) {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// needsQuoting reports whether r has a meaning to the shell, or might have:
// every rune but ASCII letters, digits and @%+=:,./_- counts.
func needsQuoting(r rune) bool {
	switch {
	case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9':
		return false
	}
	return !strings.ContainsRune("@%+=:,./_-", r)
}

// listFlags are the paging and search flags of a list command.
type listFlags struct {
	q      string
	limit  int
	offset int
	all    bool
}

// register adds the flags to fs. searched names the fields that --q
// searches, for the help text.
func (l *listFlags) register(fs *pflag.FlagSet, searched string) {
	fs.StringVar(&l.q, "q", "", "case-insensitive search in "+searched)
	fs.IntVar(&l.limit, "limit", 0, "items per page, 1 to 100 (default 20, or 100 with --all)")
	fs.IntVar(&l.offset, "offset", 0, "items to skip before the first one printed")
	fs.BoolVar(&l.all, "all", false, "fetch every page and print all items")
}

// check validates the paging flags and sets the page size of --all.
func (l *listFlags) check(cmd *cobra.Command) error {
	if cmd.Flags().Changed("limit") && (l.limit < minLimit || l.limit > maxLimit) {
		return usagef("invalid --limit %d: %s", l.limit, flagRules["limit"])
	}
	if l.offset < 0 {
		return usagef("invalid --offset %d: %s", l.offset, flagRules["offset"])
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
