package main

import (
	"context"
	"fmt"

	"github.com/creditflow/creditflow"
	"github.com/creditflow/creditflow/report"
)

// runReport writes the weekly report: report.html and report.xlsx.
func runReport(ctx context.Context, c *command, args []string) error {
	e := c.e
	c.asOfFlag("")
	out := c.String("out", "", "`directory` to write report.html and report.xlsx into (required)")
	if err := c.Parse(args); err != nil {
		return err
	}
	if *out == "" {
		return fmt.Errorf("%w: report: --out DIR is required", creditflow.ErrInvalid)
	}
	db, asOf, release, err := c.open(ctx)
	if err != nil {
		return err
	}
	defer release()
	files, err := report.Write(ctx, c.app(db), asOf, c.path(*out))
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "wrote %s\nwrote %s\n\n%s", files.HTML, files.XLSX, files.Summary.Text())
	return nil
}
