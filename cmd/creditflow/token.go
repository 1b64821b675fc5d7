package main

import (
	"context"
	"fmt"
	"io"
	"text/tabwriter"

	"github.com/creditflow/creditflow"
	"github.com/creditflow/creditflow/app"
	"github.com/creditflow/creditflow/store"
)

// tokenUsage lists the token subcommands.
const tokenUsage = "token: expected `token create --role ROLE --name NAME`, `token list [--json]` or `token revoke ID`"

func runToken(ctx context.Context, c *command, args []string) error {
	if len(args) == 0 {
		return fmt.Errorf("%s", tokenUsage)
	}
	sub, args := args[0], args[1:]
	c = c.sub(sub)
	switch sub {
	case "create":
		role := c.String("role", "viewer", "role: viewer (read), collector (read, record actions) or admin (everything)")
		name := c.String("name", "", "who or what uses the token")
		if err := c.parseFlagsOnly(args); err != nil {
			return err
		}
		r, err := creditflow.ParseRole(*role)
		if err != nil {
			return err
		}
		return c.withDB(ctx, func(db *store.DB, _ creditflow.Date) error {
			token, err := app.CreateToken(ctx, db, r, *name, c.e.now())
			if err != nil {
				return err
			}
			// The token alone on stdout, so that scripts can capture it.
			fmt.Fprintln(c.e.stdout, token)
			return nil
		})
	case "list":
		c.jsonFlag("write the tokens as JSON")
		if err := c.parseFlagsOnly(args); err != nil {
			return err
		}
		return c.withAuth(ctx, func(a *app.Auth) error {
			ts, err := a.Tokens(ctx)
			if err != nil {
				return err
			}
			return c.output(ts, nil, func(w io.Writer) error {
				tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
				fmt.Fprintln(tw, "ID\tNAME\tROLE\tCREATED\tLAST USED\tREVOKED")
				for _, t := range ts {
					fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", t.ID, t.Name, t.Role, cliTime(&t.CreatedAt), cliTime(t.LastUsedAt), cliTime(t.RevokedAt))
				}
				return tw.Flush()
			})
		})
	case "revoke":
		id, err := c.parseName(args)
		if err != nil {
			return err
		}
		return c.withAuth(ctx, func(a *app.Auth) error {
			if err := a.RevokeToken(ctx, app.Principal{}, id); err != nil {
				return err
			}
			fmt.Fprintf(c.e.stdout, "revoked %s; its sessions have ended\n", id)
			return nil
		})
	}
	return fmt.Errorf("%s", tokenUsage)
}
