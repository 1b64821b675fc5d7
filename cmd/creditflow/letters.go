package main

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"

	"github.com/creditflow/creditflow"
	"github.com/creditflow/creditflow/app"
	"github.com/creditflow/creditflow/dunning"
)

// runLetters renders the letters and emails of the dunning steps due on a
// day, in each customer's language, as HTML and PDF with an index.csv.
func runLetters(ctx context.Context, c *command, args []string) error {
	c.asOfFlag("worklist `date` YYYY-MM-DD (default today)")
	out := c.String("out", "", "output `directory` (required)")
	c.policyFlag()
	letterOpts := letterFlags(c)
	if err := c.parseFlagsOnly(args); err != nil {
		return err
	}
	if *out == "" {
		return fmt.Errorf("letters: --out DIR is required")
	}
	lopt, err := letterOpts()
	if err != nil {
		return err
	}
	creditor := lopt.Creditor
	return c.withDunningApp(ctx, func(a *app.App, asOf creditflow.Date) error {
		letters, err := a.Letters(ctx, asOf, lopt)
		if err != nil {
			return err
		}
		files, err := dunning.WriteLetters(c.path(*out), letters)
		if err != nil {
			return err
		}
		if m := creditor.Missing(); len(m) > 0 && len(files) > 0 {
			fmt.Fprintf(c.e.stderr, "creditflow: creditor %s missing: the letters show a marked placeholder; set --creditor FILE or --creditor-* flags\n",
				strings.Join(m, ", "))
		}
		fmt.Fprintf(c.e.stdout, "Letters %s: %d written to %s (index.csv lists them)\n", asOf, len(files), *out)
		for _, f := range files {
			fmt.Fprintf(c.e.stdout, "  %s\t%s\t%s\t%s\n", f.Letter.CustomerID, f.Letter.Step, f.Letter.Language, filepath.Join(*out, f.PDF))
		}
		return nil
	})
}

// letterFlags adds the flags of the letters' creditor; the function it
// returns reads them, after parsing, into letter options (the terms come
// from the policy's steps).
func letterFlags(c *command) func() (dunning.LetterOptions, error) {
	creditorFile := c.String("creditor", "", "creditor details JSON `file` (name, address, iban, bic, kvk, email)")
	var flagged dunning.Creditor
	c.StringVar(&flagged.Name, "creditor-name", "", "creditor `name` (overrides --creditor)")
	c.StringVar(&flagged.Address, "creditor-address", "", "creditor postal `address`")
	c.StringVar(&flagged.IBAN, "creditor-iban", "", "creditor `IBAN` to pay to")
	c.StringVar(&flagged.BIC, "creditor-bic", "", "creditor `BIC`")
	c.StringVar(&flagged.KvK, "creditor-kvk", "", "creditor Chamber of Commerce `number` (KvK)")
	c.StringVar(&flagged.Email, "creditor-email", "", "creditor `email` for questions")
	return func() (dunning.LetterOptions, error) {
		var creditor dunning.Creditor
		if *creditorFile != "" {
			var err error
			if creditor, err = dunning.LoadCreditor(c.path(*creditorFile)); err != nil {
				return dunning.LetterOptions{}, err
			}
		}
		return dunning.LetterOptions{Creditor: mergeCreditor(creditor, flagged)}, nil
	}
}

// mergeCreditor returns base with the non-empty fields of over.
func mergeCreditor(base, over dunning.Creditor) dunning.Creditor {
	set := func(dst *string, v string) {
		if strings.TrimSpace(v) != "" {
			*dst = v
		}
	}
	set(&base.Name, over.Name)
	set(&base.Address, over.Address)
	set(&base.IBAN, over.IBAN)
	set(&base.BIC, over.BIC)
	set(&base.KvK, over.KvK)
	set(&base.Email, over.Email)
	return base
}
