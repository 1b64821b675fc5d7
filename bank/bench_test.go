package bank

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/creditflow/creditflow/demo"
	"github.com/creditflow/creditflow/ingest"
	"github.com/creditflow/creditflow/ingest/ingesttest"
	"github.com/creditflow/creditflow/store"
)

// BenchmarkBankStatements times the import of a year of bank statements
// (camt.053 and MT940: parse, match, book, allocate) into a ledger holding
// the customers and invoices. The statements come from
// $CREDITFLOW_BENCH_STATEMENTS_DIR (make bench writes ~1M payments there
// with the CLI), else from a generated ledger of $CREDITFLOW_BENCH_INVOICES
// (default 50,000) invoices.
func BenchmarkBankStatements(b *testing.B) {
	dir := os.Getenv("CREDITFLOW_BENCH_STATEMENTS_DIR")
	if dir == "" {
		dir = b.TempDir()
		invoices := ingesttest.EnvInt("CREDITFLOW_BENCH_INVOICES", 50_000)
		cfg := demo.Config{Customers: max(invoices/28, 50), Invoices: invoices, Seed: 1, Years: 1, End: time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC),
			Statements: true, StatementMonths: 12}
		if _, err := demo.Generate(context.Background(), dir, cfg); err != nil {
			b.Fatal(err)
		}
	}
	base := []string{filepath.Join(dir, "customers.csv"), filepath.Join(dir, "invoices.csv"), filepath.Join(dir, "payments.csv"),
		filepath.Join(dir, "customer_accounts.csv")}
	statements, err := filepath.Glob(filepath.Join(dir, "statements", "*"))
	if err != nil || len(statements) == 0 {
		b.Fatalf("no statements in %s: %v", dir, err)
	}
	ctx := context.Background()
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		db, err := store.Open(ctx, filepath.Join(b.TempDir(), "statements.duckdb"))
		if err != nil {
			b.Fatal(err)
		}
		if _, err := ingest.Files(ctx, db, base, ingest.Options{}); err != nil {
			b.Fatal(err)
		}
		ingesttest.ResetPeakRSS()
		b.StartTimer()
		start := time.Now()
		res, err := ingest.Files(ctx, db, statements, ingest.Options{Statements: BookStatements})
		if err != nil {
			b.Fatal(err)
		}
		elapsed := time.Since(start)
		b.StopTimer()
		db.Close()
		s := res.Statements
		b.ReportMetric(elapsed.Seconds(), "import_s")
		b.ReportMetric(float64(s.Transactions), "transactions")
		b.ReportMetric(float64(s.Booked), "payments")
		b.ReportMetric(100*s.MatchedShare(), "auto_matched_%")
		b.ReportMetric(ingesttest.PeakRSS(), "peak_rss_MiB")
		b.StartTimer()
	}
}
