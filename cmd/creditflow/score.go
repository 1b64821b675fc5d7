package main

import (
	"context"
	"fmt"
	"io"
	"text/tabwriter"

	"github.com/creditflow/creditflow"
	"github.com/creditflow/creditflow/app"
	"github.com/creditflow/creditflow/present"
	"github.com/creditflow/creditflow/risk"
	"github.com/creditflow/creditflow/store"
)

// runScore prints the payment-risk score of every customer: the rows of
// GET /api/customers, as a table, CSV or JSON.
func runScore(ctx context.Context, c *command, args []string) error {
	c.asOfFlag("")
	c.jsonFlag("print a JSON array of the rows of GET /api/customers")
	c.csvFlag("print CSV with a header row, the same fields as --json")
	sort := c.String("sort", "risk", "row order: risk (riskiest first), exposure (largest first) or name")
	segment := c.String("segment", "", "only the customers of this `segment`")
	if err := c.parseFlagsOnly(args); err != nil {
		return err
	}
	switch *sort {
	case "risk", "exposure", "name":
	default:
		return fmt.Errorf("score: --sort %q: expected risk, exposure or name", *sort)
	}
	return c.withDB(ctx, func(db *store.DB, asOf creditflow.Date) error {
		scored, err := c.app(db).Scores(ctx, asOf)
		if err != nil {
			return err
		}
		// Page through the engine's order, which caps a page like the API does.
		rows := []app.CustomerRisk{}
		for offset := 0; ; {
			page, total, err := scored.Sorted(*sort, *segment, risk.MaxLimit, offset)
			if err != nil {
				return err
			}
			for _, cust := range page {
				rows = append(rows, app.NewCustomerRisk(cust))
			}
			offset += len(page)
			if len(page) == 0 || offset >= total {
				break
			}
		}
		table := func() [][]string {
			recs := [][]string{app.CustomerRiskColumns}
			for _, r := range rows {
				recs = append(recs, r.Record())
			}
			return recs
		}
		return c.output(rows, table, func(w io.Writer) error { return printScores(w, asOf, scored.Currency, rows) })
	})
}

// printScores writes the scored customers as a table.
func printScores(w io.Writer, asOf creditflow.Date, cur string, rows []app.CustomerRisk) error {
	fmt.Fprintf(w, "Payment risk as of %s: %d customers, amounts in %s\n", asOf, len(rows), cur)
	fmt.Fprintf(w, "late = chance the next invoices are paid after their due date; 60+ = more than 60 days late or not at all\n\n")
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "customer\tname\tsegment\tclass\tscore\tlate\t60+\tdays late\texposure\tlimit\tchange")
	for _, r := range rows {
		change := ""
		if r.ChangeDetected {
			change = "changed"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%d\t%s\t%s\t%.1f\t%s\t%s\t%s\n", r.CustomerID, shorten(r.Name, 32), r.Segment, r.RiskClass, r.Score,
			present.EN.Percent(100*r.PLate), present.EN.Percent(100*r.PSevere), r.ExpectedDaysLate, present.EN.TextAmount(r.Exposure), present.EN.TextAmount(r.CreditLimit), change)
	}
	return tw.Flush()
}

// shorten cuts s to at most n characters, marking the cut.
func shorten(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}
