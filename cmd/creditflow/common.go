package main

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"path/filepath"
	"reflect"

	"github.com/creditflow/creditflow"
	"github.com/creditflow/creditflow/app"
	"github.com/creditflow/creditflow/dunning"
	"github.com/creditflow/creditflow/store"
)

// defaultDB is the database file when neither --db nor CREDITFLOW_DB is set.
const defaultDB = "creditflow.duckdb"

// asOfUsage is the usage of --as-of unless a command says more.
const asOfUsage = "as-of `date` YYYY-MM-DD (default today)"

// command is the flag set of one command: the --db flag every command has,
// and the flags that several share, each nil until the command adds it.
type command struct {
	*flag.FlagSet
	e    env
	name string // as in the messages: "forecast", "backtest risk"

	db       *string
	asOf     *string
	policy   *string
	from, to *string
	json     *bool
	csv      *bool
}

// newCommand makes the flag set of the command name with its --db flag.
func newCommand(e env, name string) *command {
	fs := flag.NewFlagSet("creditflow "+name, flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	def := e.getenv("CREDITFLOW_DB")
	if def == "" {
		def = defaultDB
	}
	c := &command{FlagSet: fs, e: e, name: name}
	c.db = fs.String("db", def, "DuckDB database `file` (default $CREDITFLOW_DB, else "+defaultDB+")")
	return c
}

// sub makes the flag set of the subcommand name of c.
func (c *command) sub(name string) *command { return newCommand(c.e, c.name+" "+name) }

// asOfFlag adds --as-of, today by default; usage "" is asOfUsage.
func (c *command) asOfFlag(usage string) {
	if usage == "" {
		usage = asOfUsage
	}
	c.asOf = c.String("as-of", "", usage)
}

// policyFlag adds --policy, the dunning policy of withDunningApp.
func (c *command) policyFlag() {
	c.policy = c.String("policy", "", "dunning policy JSON `file` (default the built-in policy)")
}

// jsonFlag adds --json: output writes its value as JSON.
func (c *command) jsonFlag(usage string) { c.json = c.Bool("json", false, usage) }

// csvFlag adds --csv: output writes its table as CSV.
func (c *command) csvFlag(usage string) { c.csv = c.Bool("csv", false, usage) }

// spanFlags adds the required --from and --to flags of a backtest; span
// reads them.
func (c *command) spanFlags() {
	c.from = c.String("from", "", "first as-of `date` YYYY-MM-DD (required)")
	c.to = c.String("to", "", "last as-of `date` YYYY-MM-DD (required)")
}

// weeksFlag adds --weeks, a forecast horizon that checkWeeks checks.
func (c *command) weeksFlag(usage string) *int {
	return c.Int("weeks", app.DefaultForecastWeeks, fmt.Sprintf("%s, 1 to %d", usage, app.MaxForecastWeeks))
}

// parseFlagsOnly parses the arguments of a command that takes no
// positional ones, and checks that --json and --csv are not both given.
func (c *command) parseFlagsOnly(args []string) error {
	if err := c.Parse(args); err != nil {
		return err
	}
	if c.NArg() > 0 {
		return fmt.Errorf("%s: unexpected argument %q", c.name, c.Arg(0))
	}
	if c.json != nil && c.csv != nil && *c.json && *c.csv {
		return fmt.Errorf("%s: choose one of --json and --csv", c.name)
	}
	return nil
}

// span checks --from and --to.
func (c *command) span() (from, to creditflow.Date, err error) {
	if *c.from == "" || *c.to == "" {
		return from, to, fmt.Errorf("%s: --from DATE and --to DATE are required", c.name)
	}
	if from, err = creditflow.ParseDate(*c.from); err != nil {
		return from, to, fmt.Errorf("%s: --from: %w", c.name, err)
	}
	if to, err = creditflow.ParseDate(*c.to); err != nil {
		return from, to, fmt.Errorf("%s: --to: %w", c.name, err)
	}
	if to.Before(from.Time) {
		return from, to, fmt.Errorf("%s: --to %s is before --from %s", c.name, to, from)
	}
	return from, to, nil
}

// checkWeeks checks the value of --weeks.
func (c *command) checkWeeks(weeks int) error {
	if weeks < 1 || weeks > app.MaxForecastWeeks {
		return fmt.Errorf("%s: --weeks %d: expected 1 to %d", c.name, weeks, app.MaxForecastWeeks)
	}
	return nil
}

// path is the file or directory p that a flag or an argument names, as the
// user meant it: relative to the working directory of the command line,
// which is not the server's when the command runs inside a running server.
// Every file flag and file argument goes through it.
func (c *command) path(p string) string {
	if p == "" || c.e.cwd == "" || filepath.IsAbs(p) {
		return p
	}
	return filepath.Join(c.e.cwd, p)
}

// open reads --as-of, when the command has it, and opens the database;
// the caller calls release when done with it. Inside a running server
// (see remote.go) the database is the server's, which release leaves open.
func (c *command) open(ctx context.Context) (db *store.DB, asOf creditflow.Date, release func(), err error) {
	if c.asOf != nil {
		if *c.asOf == "" {
			asOf = creditflow.NewDate(c.e.now())
		} else if asOf, err = creditflow.ParseDate(*c.asOf); err != nil {
			return nil, asOf, nil, err
		}
	}
	path := c.path(*c.db)
	if h := c.e.host; h != nil {
		if !h.serves(path) {
			return nil, asOf, nil, fmt.Errorf("%w: the server that runs this command serves the database %s, not %s", creditflow.ErrInvalid, h.path, path)
		}
		return h.db, asOf, func() {}, nil
	}
	if db, err = openDB(ctx, path); err != nil {
		return nil, asOf, nil, err
	}
	return db, asOf, func() { db.Close() }, nil
}

// withDB runs f on the database opened as open does, and releases it.
func (c *command) withDB(ctx context.Context, f func(db *store.DB, asOf creditflow.Date) error) error {
	db, asOf, release, err := c.open(ctx)
	if err != nil {
		return err
	}
	defer release()
	return f(db, asOf)
}

// app returns the application on db: inside a running server the
// server's, so that what the command changes shows on its pages at once
// and what it computes stays for them, else a new one.
func (c *command) app(db *store.DB) *app.App {
	if h := c.e.host; h != nil {
		return h.app
	}
	return app.New(app.Config{DB: db, Now: c.e.now})
}

// dunningApp returns the application on db with the --policy dunning
// policy (none: the built-in one) and a done to call after the command.
// Inside a running server, the server's application serves when --policy
// is not given or is the server's policy; another policy gets an
// application of its own, and done then drops the server's worklists,
// which the command may have changed (a planned step, a sent letter).
func (c *command) dunningApp(db *store.DB) (a *app.App, done func(), err error) {
	h := c.e.host
	if h != nil && *c.policy == "" {
		return h.app, func() {}, nil
	}
	p, err := dunning.LoadPolicy(c.path(*c.policy))
	if err != nil {
		return nil, nil, err
	}
	if h == nil {
		return newApp(c.e, db, p), func() {}, nil
	}
	if reflect.DeepEqual(p, h.app.Policy()) {
		return h.app, func() {}, nil
	}
	return newApp(c.e, db, p), func() { h.app.Invalidate(app.Change{Kind: app.ActionRecorded}) }, nil
}

// withDunningApp runs f on the application of dunningApp, having warned
// when there are no risk scores to weigh the worklist with.
func (c *command) withDunningApp(ctx context.Context, f func(a *app.App, asOf creditflow.Date) error) error {
	return c.withDB(ctx, func(db *store.DB, asOf creditflow.Date) error {
		a, done, err := c.dunningApp(db)
		if err != nil {
			return err
		}
		defer done()
		if err := warnUnweighted(ctx, c.e, a, asOf); err != nil {
			return err
		}
		return f(a, asOf)
	})
}

// output writes the answer in the format asked for: v as JSON with --json,
// the header and records of table as CSV with --csv, and otherwise what
// text writes.
func (c *command) output(v any, table func() [][]string, text func(w io.Writer) error) error {
	switch {
	case c.json != nil && *c.json:
		return printJSON(c.e.stdout, v)
	case c.csv != nil && *c.csv:
		w := csv.NewWriter(c.e.stdout)
		for _, rec := range table() {
			w.Write(rec)
		}
		w.Flush()
		return w.Error()
	}
	return text(c.e.stdout)
}

// lockedError is the error of a database that another process holds: the
// command line hands the command to the server that holds it, if one does
// (see remote.go).
type lockedError struct {
	path string // the database file
	err  error  // says what to do; wraps creditflow.ErrLocked
	// env are variables that go with the forwarded command besides the
	// process's: a password the command read from stdin before it found
	// the database locked, which the server cannot read.
	env map[string]string
}

func (e *lockedError) Error() string { return e.err.Error() }
func (e *lockedError) Unwrap() error { return e.err }

// openDB opens the database and explains a lock held by another process.
func openDB(ctx context.Context, path string) (*store.DB, error) {
	db, err := store.Open(ctx, path)
	if errors.Is(err, creditflow.ErrLocked) {
		return nil, &lockedError{path: path, err: fmt.Errorf(`%w: the database %s is in use by another process.
DuckDB lets only one process open a database file, and no "creditflow serve" of it answers on %s
to run the command instead. Either stop that process and run the command again,
or use a running server's API: upload files with
  curl -H "Authorization: Bearer $TOKEN" -F file=@invoices.csv http://127.0.0.1:8080/api/ingest
and read figures from it (GET /api/aging, /api/kpis, /api/stats)`, creditflow.ErrLocked, path, socketPath(path))}
	}
	return db, err
}

func printJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}
