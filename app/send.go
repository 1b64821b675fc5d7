package app

import (
	"context"

	"github.com/creditflow/creditflow"
	"github.com/creditflow/creditflow/dunning"
	"github.com/creditflow/creditflow/outbox"
)

// SendLetters sends the letters of the worklist as of asOf (see Letters)
// through the outbox: by e-mail, or into a print batch, each recorded once
// with the dunning action of its step. The worklist is made again after
// anything was recorded, since a sent letter is a step taken.
func (a *App) SendLetters(ctx context.Context, asOf creditflow.Date, lopt dunning.LetterOptions, opt outbox.Options) (outbox.Report, error) {
	letters, err := a.Letters(ctx, asOf, lopt)
	if err != nil {
		return outbox.Report{DryRun: opt.DryRun, Date: asOf}, err
	}
	if opt.Now == nil {
		opt.Now = a.now
	}
	rep, err := outbox.Send(ctx, a.db, asOf, letters, opt)
	if !opt.DryRun && rep.Count(outbox.Sent)+rep.Count(outbox.Printed) > 0 {
		a.Invalidate(Change{Kind: ActionRecorded})
	}
	return rep, err
}
