package app

import (
	"context"

	"github.com/creditflow/creditflow/search"
)

// Search finds customers, invoices, IBANs, payments and bank transactions
// by what a person typed (package search). The index of customers and
// accounts is made on the first search after a change of the ledger.
func (a *App) Search(ctx context.Context, q search.Query) ([]search.Hit, error) {
	ix, err := a.searchIndex.get(ctx, struct{}{}, func(ctx context.Context) (*search.Index, error) {
		return search.NewIndex(ctx, a.db)
	})
	if err != nil {
		return nil, err
	}
	return ix.Find(ctx, a.db, q)
}
