package forecast

import (
	"context"
	"testing"

	"github.com/creditflow/creditflow"
	"github.com/creditflow/creditflow/demo"
	"github.com/creditflow/creditflow/demo/ledgertest"
)

// BenchmarkForecast forecasts 13 weeks with 1,000 paths on a demo ledger of
// CREDITFLOW_BENCH_INVOICES invoices (default 100,000) and invoices/20
// customers, as of its last day.
func BenchmarkForecast(b *testing.B) {
	n, err := ledgertest.BenchInvoices()
	if err != nil {
		b.Fatal(err)
	}
	db, _ := ledgertest.DemoDB(b, demo.Config{Customers: max(n/20, 1), Invoices: n, Seed: 1, End: demoEnd, Years: 3}, "")
	ctx := context.Background()
	asOf := creditflow.NewDate(demoEnd)
	var open int
	if err := db.QueryRowContext(ctx, `SELECT count(*) FROM open_invoices(?, report_currency())`, asOf).Scan(&open); err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		if _, err := Compute(ctx, db, asOf, Options{Weeks: 13, Paths: 1000}); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(open), "open_items")
}
