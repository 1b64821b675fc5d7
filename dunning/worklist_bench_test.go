package dunning_test

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/creditflow/creditflow"
	"github.com/creditflow/creditflow/demo"
	"github.com/creditflow/creditflow/dunning"
	"github.com/creditflow/creditflow/ingest"
	"github.com/creditflow/creditflow/ingest/ingesttest"
	"github.com/creditflow/creditflow/store/storetest"
)

// BenchmarkWorklist computes the worklist of a demo ledger of
// CREDITFLOW_BENCH_INVOICES invoices (default 100000) and one customer per
// 20 invoices, with a friendly reminder recorded for every tenth customer
// with overdue invoices. The risk weights come from a map, as the server
// passes them from the risk engine's cached scores.
//
//	CREDITFLOW_BENCH_INVOICES=1000000 go test -run '^$' -bench Worklist ./dunning/
func BenchmarkWorklist(b *testing.B) {
	ctx := context.Background()
	n := ingesttest.EnvInt("CREDITFLOW_BENCH_INVOICES", 100_000)
	end := time.Date(2025, 6, 30, 0, 0, 0, 0, time.UTC)
	dir := b.TempDir()
	cfg := demo.Config{Customers: max(n/20, 50), Invoices: n, Seed: 1, End: end, Years: 3}
	if _, err := demo.Generate(ctx, dir, cfg); err != nil {
		b.Fatal(err)
	}
	db := storetest.MustOpen(b)
	paths := []string{filepath.Join(dir, demo.CustomersFile), filepath.Join(dir, demo.InvoicesFile), filepath.Join(dir, demo.PaymentsFile)}
	if _, err := ingest.Files(ctx, db, paths, ingest.Options{}); err != nil {
		b.Fatal(err)
	}
	asOf := creditflow.NewDate(end)
	if _, err := db.ExecContext(ctx, `INSERT INTO dunning_actions (customer_id, invoice_ids, type, action_date, step, created_by, created_at)
		SELECT customer_id, list(invoice_id), 'reminder_sent', CAST(? AS DATE) - 3, 'friendly_reminder', 'bench', now()
		FROM open_invoices(CAST(? AS DATE) - 3, report_currency())
		WHERE days_past_due > 0 AND hash(customer_id) % 10 = 0
		GROUP BY customer_id`, asOf, asOf); err != nil {
		b.Fatal(err)
	}
	weights := map[string]float64{}
	rows, err := db.QueryContext(ctx, `SELECT customer_id, (hash(customer_id) % 1000) / 1000.0 FROM customers`)
	if err != nil {
		b.Fatal(err)
	}
	for rows.Next() {
		var id string
		var w float64
		if err := rows.Scan(&id, &w); err != nil {
			b.Fatal(err)
		}
		weights[id] = w
	}
	rows.Close()
	opt := dunning.Options{Policy: dunning.DefaultPolicy(), Limit: 100, Risk: func(id string) (float64, bool) {
		w, ok := weights[id]
		return w, ok
	}}
	w, err := dunning.ComputeWorklist(ctx, db, asOf, opt) // warm DuckDB's buffer pool
	if err != nil {
		b.Fatal(err)
	}
	b.Logf("%d invoices, %d customers: %d tasks, %d calls deferred, skipped %+v", n, cfg.Customers, w.Total, w.CallsDeferred, w.Skipped)
	for b.Loop() {
		if _, err := dunning.ComputeWorklist(ctx, db, asOf, opt); err != nil {
			b.Fatal(err)
		}
	}
}
