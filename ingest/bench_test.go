package ingest

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/creditflow/creditflow/demo"
	"github.com/creditflow/creditflow/ingest/ingesttest"
	"github.com/creditflow/creditflow/store"
)

// benchLedger returns a directory with a generated ledger: the one in
// $CREDITFLOW_BENCH_DIR when set (make bench writes it with the CLI, so that
// the generator's memory does not count here), else one generated in a
// temporary directory, sized by $CREDITFLOW_BENCH_INVOICES (default 100,000)
// and $CREDITFLOW_BENCH_CUSTOMERS.
func benchLedger(b *testing.B) string {
	b.Helper()
	if dir := os.Getenv("CREDITFLOW_BENCH_DIR"); dir != "" {
		return dir
	}
	invoices := ingesttest.EnvInt("CREDITFLOW_BENCH_INVOICES", 100_000)
	customers := ingesttest.EnvInt("CREDITFLOW_BENCH_CUSTOMERS", max(invoices/20, 50))
	dir := b.TempDir()
	cfg := demo.Config{Customers: customers, Invoices: invoices, Seed: 1, Years: 3, End: time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)}
	if _, err := demo.Generate(context.Background(), dir, cfg); err != nil {
		b.Fatal(err)
	}
	return dir
}

// BenchmarkIngest times the full ingest (validation, merge, allocation, one
// transaction) against DuckDB's own bare CSV load of the same files, in the
// same run, and reports the ratio and the peak memory of the ingest.
func BenchmarkIngest(b *testing.B) {
	dir := benchLedger(b)
	files := []string{filepath.Join(dir, "customers.csv"), filepath.Join(dir, "invoices.csv"), filepath.Join(dir, "payments.csv")}
	ctx := context.Background()
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		bare, err := store.Open(ctx, filepath.Join(b.TempDir(), "bare.duckdb"))
		if err != nil {
			b.Fatal(err)
		}
		start := time.Now()
		for j, f := range files {
			if _, err := bare.ExecContext(ctx, fmt.Sprintf(`CREATE TABLE bare_%d AS SELECT * FROM read_csv('%s')`, j, f)); err != nil {
				b.Fatal(err)
			}
		}
		bareTime := time.Since(start)
		bare.Close()

		db, err := store.Open(ctx, filepath.Join(b.TempDir(), "ingest.duckdb"))
		if err != nil {
			b.Fatal(err)
		}
		ingesttest.ResetPeakRSS()
		b.StartTimer()
		start = time.Now()
		opt := Options{}
		if os.Getenv("CREDITFLOW_BENCH_TRACE") != "" {
			opt.Log = slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelDebug}))
		}
		res, err := Files(ctx, db, files, opt)
		if err != nil {
			b.Fatal(err)
		}
		ingestTime := time.Since(start)
		b.StopTimer()
		db.Close()
		b.ReportMetric(bareTime.Seconds(), "duckdb_csv_s")
		b.ReportMetric(ingestTime.Seconds(), "ingest_s")
		b.ReportMetric(ingestTime.Seconds()/bareTime.Seconds(), "ratio")
		b.ReportMetric(ingesttest.PeakRSS(), "peak_rss_MiB")
		b.ReportMetric(float64(res.Rows[Invoices]), "invoices")
		b.ReportMetric(float64(res.Rows[Payments]), "payments")
		b.StartTimer()
	}
}
