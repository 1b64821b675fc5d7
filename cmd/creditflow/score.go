package main

import (
	"context"
	"encoding/csv"
	"fmt"
	"text/tabwriter"

	"github.com/creditflow/creditflow/app"
	"github.com/creditflow/creditflow/present"
	"github.com/creditflow/creditflow/risk"
)

// runScore prints the payment-risk score of every customer: the rows of
// GET /api/customers, as a table, CSV or JSON.
func runScore(ctx context.Context, e env, args []string) error {
	fs, dbPath := newFlags(e, "score")
	asOfStr := fs.String("as-of", "", "as-of `date` YYYY-MM-DD (default today)")
	asJSON := fs.Bool("json", false, "print a JSON array of the rows of GET /api/customers")
	asCSV := fs.Bool("csv", false, "print CSV with a header row, the same fields as --json")
	sort := fs.String("sort", "risk", "row order: risk (riskiest first), exposure (largest first) or name")
	segment := fs.String("segment", "", "only the customers of this `segment`")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("score: unexpected argument %q", fs.Arg(0))
	}
	if *asJSON && *asCSV {
		return fmt.Errorf("score: choose one of --json and --csv")
	}
	switch *sort {
	case "risk", "exposure", "name":
	default:
		return fmt.Errorf("score: --sort %q: expected risk, exposure or name", *sort)
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

	scored, err := app.New(app.Config{DB: db, Now: e.now}).Scores(ctx, asOf)
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
		for _, c := range page {
			rows = append(rows, app.NewCustomerRisk(c))
		}
		offset += len(page)
		if len(page) == 0 || offset >= total {
			break
		}
	}

	switch {
	case *asJSON:
		return printJSON(e.stdout, rows)
	case *asCSV:
		w := csv.NewWriter(e.stdout)
		w.Write(app.CustomerRiskColumns)
		for _, r := range rows {
			w.Write(r.Record())
		}
		w.Flush()
		return w.Error()
	}

	cur := scored.Currency
	fmt.Fprintf(e.stdout, "Payment risk as of %s: %d customers, amounts in %s\n", asOf, len(rows), cur)
	fmt.Fprintf(e.stdout, "late = chance the next invoices are paid after their due date; 60+ = more than 60 days late or not at all\n\n")
	tw := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
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
