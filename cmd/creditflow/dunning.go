package main

import (
	"context"
	"fmt"
	"io"
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
  creditflow dunning send [--as-of DATE] [--dry-run] [--print-dir DIR] [--print-only] [--retry-failed] [--smtp-addr HOST:PORT]
         [--smtp-from ADDR] [--smtp-user U] [--smtp-tls auto|starttls|tls|none] [--smtp-auth plain|login]
         [--creditor FILE] [--json]                                     send the day's letters, each once
  The SMTP settings default to $CREDITFLOW_SMTP_ADDR, _FROM, _USER, _PASSWORD, _TLS and _AUTH.
  creditflow dunning resolve LETTER_ID sent|again                        settle a letter send left unconfirmed
`

// runDunning dispatches the dunning subcommands.
func runDunning(ctx context.Context, c *command, args []string) error {
	if len(args) == 0 {
		fmt.Fprint(c.e.stderr, dunningUsage)
		return fmt.Errorf("dunning: expected run, worklist, send or policy")
	}
	switch args[0] {
	case "run":
		return runDunningRun(ctx, c.sub("run"), args[1:])
	case "worklist":
		return runDunningWorklist(ctx, c.sub("worklist"), args[1:])
	case "send":
		return runDunningSend(ctx, c.sub("send"), args[1:])
	case "resolve":
		return runDunningResolve(ctx, c.sub("resolve"), args[1:])
	case "policy":
		if len(args) > 1 {
			return fmt.Errorf("dunning policy: unexpected argument %q", args[1])
		}
		return printJSON(c.e.stdout, dunning.DefaultPolicy())
	}
	fmt.Fprint(c.e.stderr, dunningUsage)
	return fmt.Errorf("dunning: unknown subcommand %q", args[0])
}

// newApp returns the application on db with the dunning policy p.
func newApp(e env, db *store.DB, p dunning.Policy) *app.App {
	return app.New(app.Config{DB: db, Now: e.now, Policy: &p, Logger: slog.New(slog.DiscardHandler)})
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
func runDunningRun(ctx context.Context, c *command, args []string) error {
	c.asOfFlag("plan `date` YYYY-MM-DD (default today)")
	c.policyFlag()
	c.jsonFlag("print the planned steps as JSON")
	if err := c.parseFlagsOnly(args); err != nil {
		return err
	}
	return c.withDunningApp(ctx, func(a *app.App, asOf creditflow.Date) error {
		res, err := a.PlanDunning(ctx, asOf)
		if err != nil {
			return err
		}
		return c.output(res, nil, func(w io.Writer) error {
			fmt.Fprintf(w, "Dunning run %s: %d steps planned, %d already planned\n", asOf, len(res.Planned), res.AlreadyPlanned)
			return printTasks(w, res.Planned)
		})
	})
}

// runDunningWorklist prints the worklist of GET /api/dunning/worklist.
func runDunningWorklist(ctx context.Context, c *command, args []string) error {
	c.asOfFlag("")
	c.policyFlag()
	limit := c.Int("limit", 0, "show at most `N` tasks (0: all)")
	c.jsonFlag("print the answer of GET /api/dunning/worklist")
	if err := c.parseFlagsOnly(args); err != nil {
		return err
	}
	if *limit < 0 {
		return fmt.Errorf("dunning worklist: --limit %d: expected 0 or more", *limit)
	}
	return c.withDunningApp(ctx, func(a *app.App, asOf creditflow.Date) error {
		wl, err := a.WorklistTop(ctx, asOf, *limit)
		if err != nil {
			return err
		}
		return c.output(wl, nil, func(w io.Writer) error {
			fmt.Fprintf(w, "Dunning worklist %s: %d customers with a step due, %d calls deferred, amounts in %s\n",
				asOf, wl.Total, wl.CallsDeferred, wl.Currency)
			return printTasks(w, wl.Tasks)
		})
	})
}

// printTasks writes tasks as a table.
func printTasks(w io.Writer, tasks []dunning.Task) error {
	if len(tasks) == 0 {
		return nil
	}
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "\ncustomer\tname\tstep\tchannel\tdue since\tinvoices\toverdue\tpriority\treason")
	for _, t := range tasks {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%d\t%s\t%.2f\t%s\n", t.CustomerID, shorten(t.Name, 32), t.Step, t.Channel,
			t.DueSince, t.Invoices, present.EN.TextAmount(t.AmountOverdue), t.Priority, t.Reason)
	}
	return tw.Flush()
}
