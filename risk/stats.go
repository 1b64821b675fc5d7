package risk

import (
	"context"
	"fmt"

	"github.com/creditflow/creditflow"
	"github.com/creditflow/creditflow/store"
)

// ComputeStats returns the number of rows of each ledger table.
func ComputeStats(ctx context.Context, q store.Querier) (creditflow.Stats, error) {
	var s creditflow.Stats
	if err := q.QueryRowContext(ctx, store.Query("stats")).Scan(&s.Customers, &s.Invoices, &s.Payments, &s.Allocations, &s.StatementCredits, &s.Unmatched); err != nil {
		return creditflow.Stats{}, fmt.Errorf("stats: %w", err)
	}
	return s, nil
}
