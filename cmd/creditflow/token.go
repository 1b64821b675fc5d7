package main

import (
	"context"
	"fmt"

	"github.com/creditflow/creditflow"
	"github.com/creditflow/creditflow/app"
	"github.com/creditflow/creditflow/store"
)

func runToken(ctx context.Context, c *command, args []string) error {
	if len(args) == 0 || args[0] != "create" {
		return fmt.Errorf("token: expected `token create --role ROLE --name NAME`")
	}
	c = c.sub("create")
	role := c.String("role", "viewer", "role: viewer (read), collector (read, record actions) or admin (everything)")
	name := c.String("name", "", "who or what uses the token")
	if err := c.Parse(args[1:]); err != nil {
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
}
