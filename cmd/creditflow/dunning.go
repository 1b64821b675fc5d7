package main

import (
	"context"
	"fmt"
	"log/slog"
	"text/tabwriter"

	"github.com/creditflow/creditflow"
	"github.com/creditflow/creditflow/app"
	"github.com/creditflow/creditflow/dunning"
	"github.com/creditflow/creditflow/present"
	"github.com/creditflow/creditflow/store"
)

const dunningUsage = `Usage:
  creditflow dunning run [--as-of DATE] [--policy FILE] [--json]        plan the day's dunning steps
  creditflow dunning worklist [--as-of DATE] [--limit N] [--policy FILE] [--json]
  creditflow dunning policy                                             print the built-in policy (JSON) to edit
`

// runDunning dispatches the dunning subcommands.
func runDunning(ctx context.Context, e env, args []string) error {
	if len(args) == 0 {
		fmt.Fprint(e.stderr, dunningUsage)
		return fmt.Errorf("dunning: expected run, worklist or policy")
	}
	switch args[0] {
	case "run":
		return runDunningRun(ctx, e, args[1:])
	case "worklist":
		return runDunningWorklist(ctx, e, args[1:])
	case "policy":
		if len(args) > 1 {
			return fmt.Errorf("dunning policy: unexpected argument %q", args[1])
		}
		return printJSON(e.stdout, dunning.DefaultPolicy())
	}
	fmt.Fprint(e.stderr, dunningUsage)
	return fmt.Errorf("dunning: unknown subcommand %q", args[0])
}

// newApp reads the policy file (none: the built-in policy) and returns the
// application on db.
func newApp(e env, db *store.DB, policyPath string) (*app.App, error) {
	p, err := dunning.LoadPolicy(policyPath)
	if err != nil {
		return nil, err
	}
	return app.New(app.Config{DB: db, Now: e.now, Policy: &p, Logger: slog.New(slog.DiscardHandler)}), nil
}

// warnUnweighted says on stderr when there are no risk scores as of asOf,
// so that the worklist weighs every customer alike.
func warnUnweighted(ctx context.Context, e env, a *app.App, asOf creditflow.Date) error {
	if _, err := a.Scores(ctx, asOf); err != nil {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		fmt.Fprintf(e.stderr, "creditflow: no risk scores (%v); every customer gets risk weight %.2f\n", err, a.Policy().DefaultRiskWeight)
	}
	return nil
}

// runDunningRun plans the day's steps into dunning_plan, idempotently.
func runDunningRun(ctx context.Context, e env, args []string) error {
	fs, dbPath := newFlags(e, "dunning run")
	asOfStr := fs.String("as-of", "", "plan `date` YYYY-MM-DD (default today)")
	policy := fs.String("policy", "", "dunning policy JSON `file` (default the built-in policy)")
	asJSON := fs.Bool("json", false, "print the planned steps as JSON")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("dunning run: unexpected argument %q", fs.Arg(0))
	}
	asOf, err := asOfFlag(e, *asOfStr)
	if err != nil {
		return err
	}
	db, err := openDB(ctx, *dbPath)
	if err != nil {
		return err
	}
	defer db.Close()
	a, err := newApp(e, db, *policy)
	if err != nil {
		return err
	}
	if err := warnUnweighted(ctx, e, a, asOf); err != nil {
		return err
	}
	res, err := a.PlanDunning(ctx, asOf)
	if err != nil {
		return err
	}
	if *asJSON {
		return printJSON(e.stdout, res)
	}
	fmt.Fprintf(e.stdout, "Dunning run %s: %d steps planned, %d already planned\n", asOf, len(res.Planned), res.AlreadyPlanned)
	return printTasks(e, res.Planned)
}

// runDunningWorklist prints the worklist of GET /api/dunning/worklist.
func runDunningWorklist(ctx context.Context, e env, args []string) error {
	fs, dbPath := newFlags(e, "dunning worklist")
	asOfStr := fs.String("as-of", "", "as-of `date` YYYY-MM-DD (default today)")
	policy := fs.String("policy", "", "dunning policy JSON `file` (default the built-in policy)")
	limit := fs.Int("limit", 0, "show at most `N` tasks (0: all)")
	asJSON := fs.Bool("json", false, "print the answer of GET /api/dunning/worklist")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("dunning worklist: unexpected argument %q", fs.Arg(0))
	}
	if *limit < 0 {
		return fmt.Errorf("dunning worklist: --limit %d: expected 0 or more", *limit)
	}
	asOf, err := asOfFlag(e, *asOfStr)
	if err != nil {
		return err
	}
	db, err := openDB(ctx, *dbPath)
	if err != nil {
		return err
	}
	defer db.Close()
	a, err := newApp(e, db, *policy)
	if err != nil {
		return err
	}
	if err := warnUnweighted(ctx, e, a, asOf); err != nil {
		return err
	}
	w, err := a.WorklistTop(ctx, asOf, *limit)
	if err != nil {
		return err
	}
	if *asJSON {
		return printJSON(e.stdout, w)
	}
	fmt.Fprintf(e.stdout, "Dunning worklist %s: %d customers with a step due, %d calls deferred, amounts in %s\n",
		asOf, w.Total, w.CallsDeferred, w.Currency)
	return printTasks(e, w.Tasks)
}

// printTasks writes tasks as a table.
func printTasks(e env, tasks []dunning.Task) error {
	if len(tasks) == 0 {
		return nil
	}
	tw := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "\ncustomer\tname\tstep\tchannel\tdue since\tinvoices\toverdue\tpriority\treason")
	for _, t := range tasks {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%d\t%s\t%.2f\t%s\n", t.CustomerID, shorten(t.Name, 32), t.Step, t.Channel,
			t.DueSince, t.Invoices, present.EN.TextAmount(t.AmountOverdue), t.Priority, t.Reason)
	}
	return tw.Flush()
}
