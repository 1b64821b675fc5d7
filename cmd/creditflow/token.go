package main

import (
	"context"
	"fmt"

	"github.com/creditflow/creditflow"
	"github.com/creditflow/creditflow/app"
)

func runToken(ctx context.Context, e env, args []string) error {
	if len(args) == 0 || args[0] != "create" {
		return fmt.Errorf("token: expected `token create --role ROLE --name NAME`")
	}
	fs, dbPath := newFlags(e, "token create")
	role := fs.String("role", "viewer", "role: viewer (read), collector (read, record actions) or admin (everything)")
	name := fs.String("name", "", "who or what uses the token")
	if err := fs.Parse(args[1:]); err != nil {
		return err
	}
	r, err := creditflow.ParseRole(*role)
	if err != nil {
		return err
	}
	db, err := openDB(ctx, *dbPath)
	if err != nil {
		return err
	}
	defer db.Close()
	token, err := app.CreateToken(ctx, db, r, *name, e.now())
	if err != nil {
		return err
	}
	// The token alone on stdout, so that scripts can capture it.
	fmt.Fprintln(e.stdout, token)
	return nil
}
