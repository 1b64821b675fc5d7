package app

import (
	"context"

	"github.com/creditflow/creditflow"
	"github.com/creditflow/creditflow/dunning"
	"github.com/creditflow/creditflow/outbox"
)

// SendConfig is how letters go out: the mail server, the directory of the
// print batches and the letters' creditor and terms. The command line fills
// it from flags and the environment, the server from its flags.
type SendConfig struct {
	SMTP     outbox.SMTPConfig
	PrintDir string
	Letters  dunning.LetterOptions
	// Retry overrides the retries of temporary failures (tests).
	Retry outbox.Retry
}

// SendRequest is one run of SendLetters.
type SendRequest struct {
	AsOf        creditflow.Date
	DryRun      bool
	RetryFailed bool
	// PrintOnly puts every letter in the print batch.
	PrintOnly bool
	// Actor records the steps taken; default outbox.DefaultActor.
	Actor string
	// Customer, when set, sends only that customer's letter (the customer
	// page); the others of the day stay to be sent.
	Customer string
}

// SendLetters sends the letters of the worklist as of req.AsOf (see
// Letters) through the outbox: by e-mail, or into a print batch, each
// recorded once with the dunning action of its step. The sender defaults to
// the creditor's e-mail address. Runs happen one at a time; the worklist is
// made again after anything was recorded, since a sent letter is a step
// taken.
func (a *App) SendLetters(ctx context.Context, cfg SendConfig, req SendRequest) (outbox.Report, error) {
	a.sendMu.Lock()
	defer a.sendMu.Unlock()
	letters, err := a.CustomerLetters(ctx, req.AsOf, cfg.Letters, req.Customer)
	if err != nil {
		return outbox.Report{Date: req.AsOf, DryRun: req.DryRun}, err
	}
	if cfg.SMTP.From == "" {
		cfg.SMTP.From = cfg.Letters.Creditor.Email
	}
	opt := outbox.Options{DryRun: req.DryRun, RetryFailed: req.RetryFailed, PrintOnly: req.PrintOnly, PrintDir: cfg.PrintDir, From: cfg.SMTP.From,
		Actor: req.Actor, Now: a.now, Retry: cfg.Retry}
	if cfg.SMTP.Enabled() && !req.DryRun && !req.PrintOnly {
		client, err := outbox.NewSMTP(cfg.SMTP)
		if err != nil {
			return outbox.Report{Date: req.AsOf}, err
		}
		defer client.Close()
		opt.Mailer = client
	}
	rep, err := outbox.Send(ctx, a.db, req.AsOf, letters, opt)
	if !req.DryRun && rep.Count(outbox.Sent)+rep.Count(outbox.Printed) > 0 {
		a.Invalidate(Change{Kind: ActionRecorded})
	}
	return rep, err
}

// ResolveLetter settles a letter that a run left unconfirmed, once a person
// checked it (see outbox.Resolve); a letter confirmed sent is a step taken.
func (a *App) ResolveLetter(ctx context.Context, letterID int64, sent bool, actor string) error {
	a.sendMu.Lock()
	defer a.sendMu.Unlock()
	if err := outbox.Resolve(ctx, a.db, letterID, sent, actor, a.now()); err != nil {
		return err
	}
	if sent {
		a.Invalidate(Change{Kind: ActionRecorded})
	}
	return nil
}
