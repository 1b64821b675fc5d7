package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strconv"
	"text/tabwriter"

	"github.com/creditflow/creditflow"
	"github.com/creditflow/creditflow/app"
	"github.com/creditflow/creditflow/outbox"
	"github.com/creditflow/creditflow/present"
	"github.com/creditflow/creditflow/store"
)

// smtpFlags adds the flags of the mail server that sends the letters; the
// function it returns reads them, after parsing, with the environment
// filling what the flags leave empty. The password's flag shows no
// default, so that usage never prints it.
func smtpFlags(c *command) func() outbox.SMTPConfig {
	var cfg outbox.SMTPConfig
	c.StringVar(&cfg.Addr, "smtp-addr", "", "SMTP server `host:port` (default $"+outbox.EnvAddr+")")
	c.StringVar(&cfg.From, "smtp-from", "", "sender `address` of the e-mails (default $"+outbox.EnvFrom+", else the creditor's e-mail)")
	c.StringVar(&cfg.User, "smtp-user", "", "SMTP user `name`, for AUTH (default $"+outbox.EnvUser+")")
	c.StringVar(&cfg.Password, "smtp-password", "", "SMTP `password` (default $"+outbox.EnvPassword+", which is safer than the flag)")
	c.StringVar(&cfg.Auth, "smtp-auth", "", "AUTH `mechanism`: plain or login (default $"+outbox.EnvAuth+", else plain when offered)")
	tlsMode := c.String("smtp-tls", "", "`mode`: auto (STARTTLS when offered), starttls, tls (implicit, port 465) or none (default $"+outbox.EnvTLS+", else auto)")
	return func() outbox.SMTPConfig {
		cfg.TLS = outbox.TLSMode(*tlsMode)
		cfg.FromEnv(c.e.getenv)
		return cfg
	}
}

// runDunningSend sends the day's letters: by e-mail, or into a print batch,
// each once, recording the step taken.
func runDunningSend(ctx context.Context, c *command, args []string) error {
	c.asOfFlag("letter `date` YYYY-MM-DD (default today)")
	c.policyFlag()
	letterOpts := letterFlags(c)
	smtpCfg := smtpFlags(c)
	dryRun := c.Bool("dry-run", false, "show what would go out; send, write and record nothing")
	printDir := c.String("print-dir", "", "`directory` of the print batch PDF of the letters that go by post (required when there are any)")
	retryFailed := c.Bool("retry-failed", false, "try again the letters of the date that the mail server refused")
	printOnly := c.Bool("print-only", false, "put every letter in the print batch, e-mail none (no mail server needed)")
	c.jsonFlag("print the report as JSON")
	if err := c.parseFlagsOnly(args); err != nil {
		return err
	}
	lopt, err := letterOpts()
	if err != nil {
		return err
	}
	cfg := app.SendConfig{SMTP: smtpCfg(), PrintDir: c.path(*printDir), Letters: lopt}
	return c.withDunningApp(ctx, func(a *app.App, asOf creditflow.Date) error {
		rep, err := a.SendLetters(ctx, cfg, app.SendRequest{AsOf: asOf, DryRun: *dryRun, RetryFailed: *retryFailed, PrintOnly: *printOnly})
		if errors.Is(err, creditflow.ErrInvalid) {
			// A missing setting: checked before anything went out.
			return fmt.Errorf("dunning send: %w (--smtp-addr and --smtp-from, or $%s and $%s; --print-dir DIR)", err, outbox.EnvAddr, outbox.EnvFrom)
		}
		// Otherwise some letters may have gone out: say which.
		if perr := c.output(rep, nil, func(w io.Writer) error { return printSendReport(w, rep) }); perr != nil && err == nil {
			err = perr
		}
		if err != nil {
			return fmt.Errorf("dunning send: %w", err)
		}
		if n := rep.Problems(); n > 0 {
			return fmt.Errorf("dunning send: %d letters need attention (failed, deferred or unconfirmed; see above)", n)
		}
		return nil
	})
}

// runDunningResolve settles a letter a send run left unconfirmed:
// "sent" records it sent with its step, "again" lets the next run send it.
func runDunningResolve(ctx context.Context, c *command, args []string) error {
	c.policyFlag()
	if err := c.Parse(args); err != nil {
		return err
	}
	if c.NArg() != 2 || (c.Arg(1) != "sent" && c.Arg(1) != "again") {
		return fmt.Errorf("%s: expected LETTER_ID sent|again", c.name)
	}
	id, err := strconv.ParseInt(c.Arg(0), 10, 64)
	if err != nil {
		return fmt.Errorf("%s: letter id %q: expected a number (the letter_id of dunning send)", c.name, c.Arg(0))
	}
	return c.withDB(ctx, func(db *store.DB, _ creditflow.Date) error {
		a, done, err := c.dunningApp(db)
		if err != nil {
			return err
		}
		defer done()
		sent := c.Arg(1) == "sent"
		if err := a.ResolveLetter(ctx, id, sent, "creditflow dunning resolve"); err != nil {
			return fmt.Errorf("%s: %w", c.name, err)
		}
		if sent {
			fmt.Fprintf(c.e.stdout, "Letter %d recorded as sent, with its step\n", id)
		} else {
			fmt.Fprintf(c.e.stdout, "Letter %d queued: the next dunning send of its date sends it\n", id)
		}
		return nil
	})
}

// printSendReport writes the report of a send run as a summary and a table.
func printSendReport(w io.Writer, rep outbox.Report) error {
	if rep.DryRun {
		fmt.Fprintf(w, "Dry run %s: %d letters would go out, %d by e-mail and %d to print; nothing sent or recorded\n",
			rep.Date, rep.Count(outbox.WouldSend), countBy(rep, outbox.WouldSend, outbox.ByEmail), countBy(rep, outbox.WouldSend, outbox.ByPrint))
	} else {
		fmt.Fprintf(w, "Letters %s: %d sent by e-mail, %d printed, %d already sent, %d deferred, %d failed, %d unconfirmed\n",
			rep.Date, rep.Count(outbox.Sent), rep.Count(outbox.Printed), rep.Count(outbox.AlreadySent), rep.Count(outbox.Deferred),
			rep.Count(outbox.Failed)+rep.Count(outbox.AlreadyFailed), rep.Count(outbox.Unconfirmed))
		if rep.PrintBatch != "" {
			fmt.Fprintf(w, "Print batch: %s (%d pages)\n", rep.PrintBatch, rep.PrintPages)
		}
	}
	if len(rep.Outcomes) == 0 {
		return nil
	}
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "\nletter\tcustomer\tname\tstep\tby\tto\ttotal\tsubject\tresult\terror")
	for _, o := range rep.Outcomes {
		letter := ""
		if o.LetterID != 0 {
			letter = strconv.FormatInt(o.LetterID, 10)
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", letter, o.CustomerID, shorten(o.CustomerName, 28), o.Step, o.By, o.To,
			present.EN.TextAmount(o.Total), shorten(o.Subject, 48), o.Result, o.Error)
	}
	return tw.Flush()
}

// countBy counts the letters with result r that go by route.
func countBy(rep outbox.Report, r outbox.Result, by outbox.Route) int {
	n := 0
	for _, o := range rep.Outcomes {
		if o.Result == r && o.By == by {
			n++
		}
	}
	return n
}
