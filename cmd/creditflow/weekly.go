package main

import (
	"context"
	"fmt"

	"github.com/creditflow/creditflow"
	"github.com/creditflow/creditflow/present"
	"github.com/creditflow/creditflow/report"
)

// parseLangFlag reads the language of a flag: nl or en.
func parseLangFlag(flag, v string) (present.Lang, error) {
	l, ok := present.ParseLang(v)
	if !ok {
		return "", fmt.Errorf("%w: %s %q: expected nl (Dutch) or en (English)", creditflow.ErrInvalid, flag, v)
	}
	return l, nil
}

// runReport writes the weekly report: report.html and report.xlsx.
func runReport(ctx context.Context, c *command, args []string) error {
	e := c.e
	c.asOfFlag("")
	out := c.String("out", "", "`directory` to write report.html and report.xlsx into (required)")
	langName := c.String("lang", "nl", "`language` of the report: nl (Dutch) or en (English)")
	if err := c.Parse(args); err != nil {
		return err
	}
	if *out == "" {
		return fmt.Errorf("%w: report: --out DIR is required", creditflow.ErrInvalid)
	}
	lang, err := parseLangFlag("--lang", *langName)
	if err != nil {
		return err
	}
	db, asOf, release, err := c.open(ctx)
	if err != nil {
		return err
	}
	defer release()
	files, err := report.Write(ctx, c.app(db), asOf, c.path(*out), lang)
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "wrote %s\nwrote %s\n\n%s", files.HTML, files.XLSX, files.Summary.Text())
	return nil
}
