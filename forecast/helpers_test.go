package forecast

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/creditflow/creditflow"
	"github.com/creditflow/creditflow/demo"
	"github.com/creditflow/creditflow/ingest"
	"github.com/creditflow/creditflow/store"
)

// demoEnd is the last day of the demo ledgers of the forecast tests.
var demoEnd = time.Date(2025, 12, 31, 0, 0, 0, 0, time.UTC)

// demoDB generates a demo ledger with cfg and ingests it. With
// CREDITFLOW_FORECAST_DEMO_DIR set, the database is kept there and reused.
func demoDB(tb testing.TB, cfg demo.Config) *store.DB {
	tb.Helper()
	ctx := context.Background()
	if cfg.End.IsZero() {
		cfg.End = demoEnd
	}
	dir := tb.TempDir()
	if keep := os.Getenv("CREDITFLOW_FORECAST_DEMO_DIR"); keep != "" {
		dir = filepath.Join(keep, fmt.Sprintf("%s-%d-%d-%d-%d", cfg.End.Format("20060102"), cfg.Customers, cfg.Invoices, cfg.Seed, cfg.Years))
	}
	path := filepath.Join(dir, "ledger.duckdb")
	_, statErr := os.Stat(path)
	fresh := statErr != nil
	if fresh {
		if _, err := demo.Generate(ctx, dir, cfg); err != nil {
			tb.Fatal(err)
		}
	}
	db, err := store.Open(ctx, path)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { db.Close() })
	if fresh {
		paths := []string{filepath.Join(dir, demo.CustomersFile), filepath.Join(dir, demo.InvoicesFile), filepath.Join(dir, demo.PaymentsFile)}
		if _, err := ingest.Files(ctx, db, paths, ingest.Options{Now: func() time.Time { return cfg.End }}); err != nil {
			db.Close()
			os.Remove(path)
			tb.Fatal(err)
		}
	}
	return db
}

func date(tb testing.TB, s string) creditflow.Date {
	tb.Helper()
	d, err := creditflow.ParseDate(s)
	if err != nil {
		tb.Fatal(err)
	}
	return d
}
