package forecast

import (
	"context"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/creditflow/creditflow"
	"github.com/creditflow/creditflow/demo"
	"github.com/creditflow/creditflow/ingest"
	"github.com/creditflow/creditflow/store"
)

// BenchmarkForecast forecasts 13 weeks with 1,000 paths on a demo ledger of
// CREDITFLOW_BENCH_INVOICES invoices (default 100,000) and invoices/20
// customers, as of its last day.
func BenchmarkForecast(b *testing.B) {
	n := 100_000
	if s := os.Getenv("CREDITFLOW_BENCH_INVOICES"); s != "" {
		v, err := strconv.Atoi(s)
		if err != nil || v <= 0 {
			b.Fatalf("CREDITFLOW_BENCH_INVOICES=%q: expected a positive number", s)
		}
		n = v
	}
	ctx := context.Background()
	dir := b.TempDir()
	cfg := demo.Config{Customers: max(n/20, 1), Invoices: n, Seed: 1, End: demoEnd, Years: 3}
	if _, err := demo.Generate(ctx, dir, cfg); err != nil {
		b.Fatal(err)
	}
	db, err := store.Open(ctx, filepath.Join(dir, "ledger.duckdb"))
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	paths := []string{filepath.Join(dir, demo.CustomersFile), filepath.Join(dir, demo.InvoicesFile), filepath.Join(dir, demo.PaymentsFile)}
	if _, err := ingest.Files(ctx, db, paths, ingest.Options{Now: func() time.Time { return demoEnd }}); err != nil {
		b.Fatal(err)
	}
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
