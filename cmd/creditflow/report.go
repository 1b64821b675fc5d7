package main

import (
	"context"
	"fmt"
	"io"
	"text/tabwriter"

	"github.com/creditflow/creditflow"
	"github.com/creditflow/creditflow/present"
	"github.com/creditflow/creditflow/risk"
	"github.com/creditflow/creditflow/store"
)

func runAging(ctx context.Context, c *command, args []string) error {
	c.asOfFlag("")
	group := c.String("group", "", "also break down by customer or segment")
	c.jsonFlag("print JSON, the same as GET /api/aging")
	if err := c.Parse(args); err != nil {
		return err
	}
	return c.withDB(ctx, func(db *store.DB, asOf creditflow.Date) error {
		a, err := risk.AgingReport(ctx, db, asOf)
		if err != nil {
			return err
		}
		if *group == "" {
			return c.output(a, nil, func(w io.Writer) error { return printAging(w, a) })
		}
		groups, err := risk.AgingByGroup(ctx, db, asOf, *group, 10000, 0)
		if err != nil {
			return err
		}
		v := map[string]any{"as_of": asOf, "currency": a.Currency, "group": *group, "groups": groups}
		return c.output(v, nil, func(w io.Writer) error { return printAgingGroups(w, *group, groups) })
	})
}

// printAging writes the aging buckets and totals as a table.
func printAging(w io.Writer, a creditflow.Aging) error {
	fmt.Fprintf(w, "Aging as of %s (%s)\n\n", a.AsOf, a.Currency)
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "bucket\tamount\tinvoices\t")
	for _, b := range a.Buckets {
		fmt.Fprintf(tw, "%s\t%s\t%d\t\n", b.Label, present.EN.Plain(b.Amount), b.Count)
	}
	fmt.Fprintf(tw, "open total\t%s\t\t\n", present.EN.Plain(a.OpenTotal))
	fmt.Fprintf(tw, "overdue\t%s\t\t\n", present.EN.Plain(a.OverdueTotal))
	fmt.Fprintf(tw, "unapplied credit\t%s\t\t\n", present.EN.Plain(a.UnappliedCredit))
	fmt.Fprintf(tw, "net receivable\t%s\t\t\n", present.EN.Plain(a.OpenTotal-a.UnappliedCredit))
	return tw.Flush()
}

// printAgingGroups writes the aging of each customer or segment as a table.
func printAgingGroups(w io.Writer, group string, groups []creditflow.AgingGroup) error {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintf(tw, "%s\topen\toverdue\tcurrent\t1-30\t31-60\t61-90\t90+\t\n", group)
	for _, g := range groups {
		fmt.Fprintf(tw, "%s\t%s\t%s\t", g.Key, present.EN.Plain(g.OpenTotal), present.EN.Plain(g.OverdueTotal))
		for _, b := range g.Buckets {
			fmt.Fprintf(tw, "%s\t", present.EN.Plain(b.Amount))
		}
		fmt.Fprintln(tw)
	}
	return tw.Flush()
}

func runKPIs(ctx context.Context, c *command, args []string) error {
	c.asOfFlag("")
	c.jsonFlag("print JSON, the same as GET /api/kpis")
	if err := c.Parse(args); err != nil {
		return err
	}
	return c.withDB(ctx, func(db *store.DB, asOf creditflow.Date) error {
		k, err := risk.ComputeKPIs(ctx, db, asOf)
		if err != nil {
			return err
		}
		return c.output(k, nil, func(w io.Writer) error { return printKPIs(w, k) })
	})
}

// printKPIs writes the indicators, one a line.
func printKPIs(w io.Writer, k creditflow.KPIs) error {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintf(tw, "KPIs as of %s (%s)\n", k.AsOf, k.Currency)
	fmt.Fprintf(tw, "open total\t%s\n", present.EN.Plain(k.OpenTotal))
	fmt.Fprintf(tw, "overdue total\t%s (%.1f%%)\n", present.EN.Plain(k.OverdueTotal), 100*k.OverdueShare)
	fmt.Fprintf(tw, "unapplied credit\t%s\n", present.EN.Plain(k.UnappliedCredit))
	fmt.Fprintf(tw, "DSO (countback)\t%.1f days\n", k.DSO)
	fmt.Fprintf(tw, "best-possible DSO\t%.1f days\n", k.BestPossibleDSO)
	fmt.Fprintf(tw, "ADD\t%.1f days\n", k.ADD)
	fmt.Fprintf(tw, "CEI 30 / 90 days\t%.1f%% / %.1f%%\n", k.CEI30, k.CEI90)
	fmt.Fprintf(tw, "weighted days to pay\t%.1f (%.1f beyond terms)\n", k.WeightedDaysToPay, k.WeightedDaysLate)
	return tw.Flush()
}

func runStats(ctx context.Context, c *command, args []string) error {
	c.jsonFlag("print JSON")
	if err := c.Parse(args); err != nil {
		return err
	}
	return c.withDB(ctx, func(db *store.DB, _ creditflow.Date) error {
		st, err := risk.ComputeStats(ctx, db)
		if err != nil {
			return err
		}
		return c.output(st, nil, func(w io.Writer) error {
			fmt.Fprintf(w, "customers %d\ninvoices %d\npayments %d\nallocations %d\n", st.Customers, st.Invoices, st.Payments, st.Allocations)
			return nil
		})
	})
}
