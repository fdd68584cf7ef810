package main

import (
	"context"
	"fmt"
	"iter"

	"github.com/spf13/cobra"

	"github.com/redcore/redcore-go/redcore"
)

// newUsersCommand builds `redcore users` and its subcommands.
func (a *app) newUsersCommand() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "users",
		Short: "List, get, create, update and delete the users of your organization",
		Long: `Manage the users of the organization that owns the API token.

Reading needs the users:read scope; create, update and delete need users:write.`,
		Example: `  redcore users list --role admin --status active --limit 10
  redcore users get usr_98765`,
		Args: noArgs,
		RunE: showHelp,
	}
	cmd.AddCommand(
		a.newUsersListCommand(),
		a.newUsersGetCommand(),
		a.newUsersCreateCommand(),
		a.newUsersUpdateCommand(),
		a.newUsersDeleteCommand(),
	)
	return cmd
}

func (a *app) newUsersListCommand() *cobra.Command {
	var (
		role, status string
		paging       listFlags
	)
	cmd := &cobra.Command{
		Use:   "list",
		Short: "List users, newest first",
		Long: `List the users of the organization, newest first, one page at a time.
Filters combine: a user must match all of them. With --all every page is
fetched and printed, and -o json prints one JSON array of every user.`,
		Example: `  redcore users list --role admin --status active --limit 10
  redcore users list --q alice
  redcore users list --status pending_invite --all -o json`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := checkEnum("role", role, roleValues); err != nil {
				return err
			}
			if err := checkEnum("status", status, userStatusValues); err != nil {
				return err
			}
			if err := paging.check(cmd); err != nil {
				return err
			}

			params := redcore.ListUsersParams{
				Limit:  paging.limit,
				Offset: paging.offset,
				Role:   redcore.Role(role),
				Status: redcore.UserStatus(status),
				Q:      paging.q,
			}
			return a.call(cmd, func(ctx context.Context, c *redcore.Client) error {
				return runList(ctx, a, paging, listing[redcore.User]{
					noun: "users",
					list: func(ctx context.Context) (*redcore.Page[redcore.User], error) {
						return c.Users.List(ctx, params)
					},
					pages: func(ctx context.Context) iter.Seq2[*redcore.Page[redcore.User], error] {
						return c.Users.Pages(ctx, params)
					},
					table: printUsers,
				})
			})
		},
	}

	flags := cmd.Flags()
	flags.StringVar(&role, "role", "", "only users with this role: "+orList(roleValues))
	flags.StringVar(&status, "status", "", "only users with this status: "+orList(userStatusValues))
	paging.register(flags, "name and email")
	_ = cmd.RegisterFlagCompletionFunc("role", fixedCompletion(roleValues...))
	_ = cmd.RegisterFlagCompletionFunc("status", fixedCompletion(userStatusValues...))
	return cmd
}

func (a *app) newUsersGetCommand() *cobra.Command {
	return &cobra.Command{
		Use:     "get ID",
		Short:   "Print one user",
		Long:    `Print the user with the given id, such as usr_98765.`,
		Example: `  redcore users get usr_98765`,
		Args:    exactArgs(1, "the user id"),
		RunE: func(cmd *cobra.Command, args []string) error {
			id := args[0]
			if err := checkID("user", id); err != nil {
				return err
			}

			return a.call(cmd, func(ctx context.Context, c *redcore.Client) error {
				user, err := c.Users.Get(ctx, id)
				if err != nil {
					return failed(fmt.Sprintf("get user %q", id), err)
				}
				return a.printUser(user)
			})
		},
	}
}

func (a *app) newUsersCreateCommand() *cobra.Command {
	var email, name, role string
	cmd := &cobra.Command{
		Use:   "create --email EMAIL --name NAME --role ROLE",
		Short: "Create a user and send them an invitation",
		Long: `Create a user in the organization. The API sends an invitation email to
the address, and the new user's status is pending_invite until they accept.
An email address can belong to one user of the organization only.`,
		Example: `  redcore users create --email bob@example.com --name "Bob Smith" --role editor`,
		Args:    noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := checkRequired(map[string]string{"email": email, "name": name, "role": role}); err != nil {
				return err
			}
			if err := checkEmail(email); err != nil {
				return err
			}
			if name == "" {
				return usagef("missing --name: the new user's full name is required")
			}
			if err := checkName(name); err != nil {
				return err
			}
			if err := checkChoice("role", role, roleValues); err != nil {
				return err
			}

			params := redcore.CreateUserParams{Email: email, Name: name, Role: redcore.Role(role)}
			return a.call(cmd, func(ctx context.Context, c *redcore.Client) error {
				user, err := c.Users.Create(ctx, params)
				if err != nil {
					return failedWrite(fmt.Sprintf("create user %q", email), "redcore users list --q "+shellQuote(email), err)
				}
				return a.printUser(user)
			})
		},
	}

	flags := cmd.Flags()
	flags.StringVar(&email, "email", "", "email address of the new user (required)")
	flags.StringVar(&name, "name", "", "full display name (required)")
	flags.StringVar(&role, "role", "", "role: "+orList(roleValues)+" (required)")
	_ = cmd.RegisterFlagCompletionFunc("role", fixedCompletion(roleValues...))
	return cmd
}

func (a *app) newUsersUpdateCommand() *cobra.Command {
	var name, role, status string
	cmd := &cobra.Command{
		Use:   "update ID [--name NAME] [--role ROLE] [--status STATUS]",
		Short: "Change a user's name, role or status",
		Long: `Change the given fields of a user; the others stay as they are. At least
one of --name, --role and --status is required.`,
		Example: `  redcore users update usr_98765 --role admin
  redcore users update usr_98765 --status inactive`,
		Args: exactArgs(1, "the user id"),
		RunE: func(cmd *cobra.Command, args []string) error {
			id := args[0]
			if err := checkID("user", id); err != nil {
				return err
			}

			var params redcore.UpdateUserParams
			flags := cmd.Flags()
			if flags.Changed("name") {
				if err := checkName(name); err != nil {
					return err
				}
				params.Name = redcore.Ptr(name)
			}
			if flags.Changed("role") {
				if err := checkChoice("role", role, roleValues); err != nil {
					return err
				}
				params.Role = redcore.Ptr(redcore.Role(role))
			}
			if flags.Changed("status") {
				if err := checkChoice("status", status, userNewStatusValues); err != nil {
					return err
				}
				params.Status = redcore.Ptr(redcore.UserStatus(status))
			}
			if params.Name == nil && params.Role == nil && params.Status == nil {
				return usagef("nothing to update: set --name, --role or --status")
			}

			return a.call(cmd, func(ctx context.Context, c *redcore.Client) error {
				user, err := c.Users.Update(ctx, id, params)
				if err != nil {
					return failedWrite(fmt.Sprintf("update user %q", id), "redcore users get "+shellQuote(id), err)
				}
				return a.printUser(user)
			})
		},
	}

	flags := cmd.Flags()
	flags.StringVar(&name, "name", "", "new full display name")
	flags.StringVar(&role, "role", "", "new role: "+orList(roleValues))
	flags.StringVar(&status, "status", "", "new status: "+orList(userNewStatusValues))
	_ = cmd.RegisterFlagCompletionFunc("role", fixedCompletion(roleValues...))
	_ = cmd.RegisterFlagCompletionFunc("status", fixedCompletion(userNewStatusValues...))
	return cmd
}

func (a *app) newUsersDeleteCommand() *cobra.Command {
	var yes bool
	cmd := &cobra.Command{
		Use:   "delete ID [--yes]",
		Short: "Delete a user permanently",
		Long: `Delete a user: the API revokes their sessions and tokens and removes them
from the organization. This cannot be undone.

At a terminal the command asks for confirmation unless --yes is given. When
standard input is not a terminal, as in a script, --yes is required.`,
		Example: `  redcore users delete usr_98765
  redcore users delete usr_98765 --yes`,
		Args: exactArgs(1, "the user id"),
		RunE: func(cmd *cobra.Command, args []string) error {
			id := args[0]
			if err := checkID("user", id); err != nil {
				return err
			}
			if !yes && !isTerminal(a.stdin) {
				return usagef("refusing to delete user %q without confirmation: pass --yes when standard input is not a terminal", id)
			}

			if !yes {
				prompt := fmt.Sprintf("Delete user %s? This cannot be undone. [y/N] ", id)
				ok, err := confirm(cmd.Context(), a.stdin, a.stderr, prompt)
				if err != nil {
					return failed(fmt.Sprintf("delete user %q", id), err)
				}
				if !ok {
					return failed(fmt.Sprintf("delete user %q", id), errDeclined)
				}
			}

			return a.call(cmd, func(ctx context.Context, c *redcore.Client) error {
				if err := c.Users.Delete(ctx, id); err != nil {
					return failedWrite(fmt.Sprintf("delete user %q", id), "redcore users get "+shellQuote(id), err)
				}
				if a.output == "json" {
					// The API responds with 204 and no body, so there is no JSON to print.
					return nil
				}
				_, err := fmt.Fprintf(a.stdout, "deleted user %s\n", id)
				return err
			})
		},
	}
	cmd.Flags().BoolVarP(&yes, "yes", "y", false, "delete without asking for confirmation")
	return cmd
}

// printUser prints a user in the output format of the global flags.
func (a *app) printUser(user *redcore.User) error {
	if a.output == "json" {
		return writeJSON(a.stdout, user)
	}
	return printUser(a.stdout, user)
}
