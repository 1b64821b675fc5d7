package report_test

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/creditflow/creditflow/app"
	"github.com/creditflow/creditflow/demo"
	"github.com/creditflow/creditflow/ingest"
	"github.com/creditflow/creditflow/store"
	"github.com/creditflow/creditflow/store/storetest"
)

// ledgerEnd is the last day of the test ledger, mid-month, so that the last
// bar of the aging history (the as-of date) is not a month-end.
var ledgerEnd = time.Date(2025, 6, 18, 0, 0, 0, 0, time.UTC)

// newApp returns the application on db with the report tests' clock.
func newApp(db *store.DB) *app.App {
	return app.New(app.Config{DB: db, Now: func() time.Time { return reportNow }})
}

// openDemoDB returns a database loaded with a seeded demo ledger of 60
// customers and about 3000 invoices over two years up to ledgerEnd.
func openDemoDB(tb testing.TB) *store.DB {
	tb.Helper()
	ctx := context.Background()
	db := storetest.MustOpen(tb)
	dir := tb.TempDir()
	if _, err := demo.Generate(ctx, dir, demo.Config{Customers: 60, Invoices: 3000, Seed: 1, End: ledgerEnd, Years: 2}); err != nil {
		tb.Fatalf("demo ledger: %v", err)
	}
	paths := []string{filepath.Join(dir, demo.CustomersFile), filepath.Join(dir, demo.InvoicesFile), filepath.Join(dir, demo.PaymentsFile)}
	if _, err := ingest.Files(ctx, db, paths, ingest.Options{Now: func() time.Time { return reportNow }}); err != nil {
		tb.Fatalf("ingest demo ledger: %v", err)
	}
	return db
}
