package main

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"

	"github.com/creditflow/creditflow"
	"github.com/creditflow/creditflow/app"
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

// open reads --as-of, when the command has it, and opens the database; the
// caller closes it.
func (c *command) open(ctx context.Context) (db *store.DB, asOf creditflow.Date, err error) {
	if c.asOf != nil {
		if *c.asOf == "" {
			asOf = creditflow.NewDate(c.e.now())
		} else if asOf, err = creditflow.ParseDate(*c.asOf); err != nil {
			return nil, asOf, err
		}
	}
	db, err = openDB(ctx, *c.db)
	return db, asOf, err
}

// withDB runs f on the database opened as open does, and closes it.
func (c *command) withDB(ctx context.Context, f func(db *store.DB, asOf creditflow.Date) error) error {
	db, asOf, err := c.open(ctx)
	if err != nil {
		return err
	}
	defer db.Close()
	return f(db, asOf)
}

// withDunningApp runs f on the application with the --policy dunning
// policy, having warned when there are no risk scores to weigh the
// worklist with.
func (c *command) withDunningApp(ctx context.Context, f func(a *app.App, asOf creditflow.Date) error) error {
	return c.withDB(ctx, func(db *store.DB, asOf creditflow.Date) error {
		a, err := newApp(c.e, db, *c.policy)
		if err != nil {
			return err
		}
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

func printJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}
