package main

import (
	"context"
	"fmt"

	"github.com/creditflow/creditflow"
	"github.com/creditflow/creditflow/app"
	"github.com/creditflow/creditflow/report"
)

// runReport writes the weekly report: report.html and report.xlsx.
func runReport(ctx context.Context, e env, args []string) error {
	fs, dbPath := newFlags(e, "report")
	asOfStr := fs.String("as-of", "", "as-of `date` YYYY-MM-DD (default today)")
	out := fs.String("out", "", "`directory` to write report.html and report.xlsx into (required)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *out == "" {
		return fmt.Errorf("%w: report: --out DIR is required", creditflow.ErrInvalid)
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
	files, err := report.Write(ctx, app.New(app.Config{DB: db, Now: e.now}), asOf, *out)
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "wrote %s\nwrote %s\n\n%s", files.HTML, files.XLSX, files.Summary.Text())
	return nil
}
