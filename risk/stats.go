package risk

import (
	"context"
	"fmt"

	"github.com/creditflow/creditflow"
	cfsql "github.com/creditflow/creditflow/sql"
)

// ComputeStats returns the number of rows of each ledger table.
func ComputeStats(ctx context.Context, q Querier) (creditflow.Stats, error) {
	var s creditflow.Stats
	if err := q.QueryRowContext(ctx, cfsql.Query("stats")).Scan(&s.Customers, &s.Invoices, &s.Payments, &s.Allocations, &s.StatementCredits, &s.Unmatched); err != nil {
		return creditflow.Stats{}, fmt.Errorf("stats: %w", err)
	}
	return s, nil
}
