package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"

	"github.com/creditflow/creditflow"
	"github.com/creditflow/creditflow/store"
)

// defaultDB is the database file when neither --db nor CREDITFLOW_DB is set.
const defaultDB = "creditflow.duckdb"

// newFlags makes a flag set with the --db flag every command has.
func newFlags(e env, name string) (*flag.FlagSet, *string) {
	fs := flag.NewFlagSet("creditflow "+name, flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	def := e.getenv("CREDITFLOW_DB")
	if def == "" {
		def = defaultDB
	}
	db := fs.String("db", def, "DuckDB database `file` (default $CREDITFLOW_DB, else "+defaultDB+")")
	return fs, db
}

// openDB opens the database and explains a lock held by another process.
func openDB(ctx context.Context, path string) (*store.DB, error) {
	db, err := store.Open(ctx, path)
	if errors.Is(err, creditflow.ErrLocked) {
		return nil, fmt.Errorf(`%w: the database %s is in use by another process (probably "creditflow serve").
DuckDB lets only one process open a database file. Either stop that process and run the command again,
or use the running server: upload files with
  curl -H "Authorization: Bearer $TOKEN" -F file=@invoices.csv http://127.0.0.1:8080/api/ingest
and read figures from its API (GET /api/aging, /api/kpis, /api/stats)`, creditflow.ErrLocked, path)
	}
	return db, err
}

// asOfFlag parses --as-of, defaulting to today.
func asOfFlag(e env, v string) (creditflow.Date, error) {
	if v == "" {
		return creditflow.NewDate(e.now()), nil
	}
	return creditflow.ParseDate(v)
}

func printJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}
