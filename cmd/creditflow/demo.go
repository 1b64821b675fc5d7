package main

import (
	"context"
	"fmt"

	"github.com/creditflow/creditflow"
	"github.com/creditflow/creditflow/demo"
)

func runDemo(ctx context.Context, c *command, args []string) error {
	def := demo.DefaultConfig(creditflow.NewDate(c.e.now()).Time)
	out := c.String("out", "", "`directory` to write customers.csv, invoices.csv, payments.csv and truth.csv into")
	customers := c.Int("customers", def.Customers, "number of customers")
	invoices := c.Int("invoices", def.Invoices, "number of invoices (about)")
	seed := c.Uint64("seed", def.Seed, "random seed: the same seed gives the same ledger")
	years := c.Int("years", def.Years, "years of history up to today")
	end := c.String("end", "", "last `date` of the ledger (default today)")
	statements := c.Bool("statements", false, "also write bank statements (camt.053 and MT940) for the payments of the last months, customer_accounts.csv and statement_truth.csv; those payments are then left out of payments.csv")
	months := c.Int("statement-months", 12, "months of bank statements, with --statements")
	if err := c.Parse(args); err != nil {
		return err
	}
	if *out == "" {
		return fmt.Errorf("demo: --out DIR is required")
	}
	cfg := def
	cfg.Customers, cfg.Invoices, cfg.Seed, cfg.Years = *customers, *invoices, *seed, *years
	cfg.Statements, cfg.StatementMonths = *statements, *months
	if *end != "" {
		d, err := creditflow.ParseDate(*end)
		if err != nil {
			return err
		}
		cfg.End = d.Time
	}
	start := c.e.now()
	sum, err := demo.Generate(ctx, c.path(*out), cfg)
	if err != nil {
		return err
	}
	fmt.Fprintf(c.e.stdout, "wrote %d customers, %d invoices, %d payments to %s in %.1f s\n",
		sum.Customers, sum.Invoices, sum.Payments, *out, c.e.now().Sub(start).Seconds())
	return nil
}
