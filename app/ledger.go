package app

import (
	"context"

	"github.com/creditflow/creditflow/bank"
	"github.com/creditflow/creditflow/ingest"
)

// Ingest loads files into the ledger (one transaction for the whole run,
// bank statements booked by package bank unless opt says otherwise) and
// drops every result computed before. A dry run (opt.DryRun) keeps nothing
// and drops nothing.
func (a *App) Ingest(ctx context.Context, paths []string, opt ingest.Options) (ingest.Result, error) {
	if opt.Now == nil {
		opt.Now = a.now
	}
	if opt.Statements == nil {
		opt.Statements = bank.BookStatements
	}
	res, err := ingest.Files(ctx, a.db, paths, opt)
	if err != nil || opt.DryRun {
		return res, err
	}
	a.Invalidate(Change{Kind: LedgerLoaded})
	return res, nil
}

// loadFinder returns the candidate finder of the ledger as it stands.
func (a *App) loadFinder(ctx context.Context) (*bank.Finder, error) {
	return a.finder.get(ctx, struct{}{}, func(ctx context.Context) (*bank.Finder, error) {
		return bank.NewFinder(ctx, a.db)
	})
}

// Unmatched returns a page of the bank credits waiting to be matched by
// hand, each with its best candidates.
func (a *App) Unmatched(ctx context.Context, limit, offset int) (bank.UnmatchedPage, error) {
	f, err := a.loadFinder(ctx)
	if err != nil {
		return bank.UnmatchedPage{}, err
	}
	return bank.ListUnmatched(ctx, a.db, f, limit, offset)
}

// MatchByHand books unmatched bank transaction id as a person decided, for
// actor, and drops what the booked payment makes stale.
func (a *App) MatchByHand(ctx context.Context, id int64, mm bank.ManualMatch, actor string) (bank.ManualMatchResult, error) {
	res, err := bank.MatchByHand(ctx, a.db, id, mm, ingest.Options{Actor: actor, Now: a.now})
	if err != nil {
		return res, err
	}
	a.Invalidate(Change{Kind: PaymentBooked, Customer: res.CustomerID, From: res.PaymentDate})
	return res, nil
}
