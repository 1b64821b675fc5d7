package ingest

import (
	"testing"

	"github.com/creditflow/creditflow/ingest/ingesttest"
	"github.com/creditflow/creditflow/store/storetest"
)

// A dry run reports what a run would load and keeps nothing: the same
// files then load for real, not as identical files seen before.
func TestIngestDryRun(t *testing.T) {
	db := storetest.MustOpen(t)
	paths := storetest.WriteFiles(t, "payments.csv", ingesttest.PaymentsCSV, "customers.csv", ingesttest.CustomersCSV, "invoices.csv", ingesttest.InvoicesCSV)
	res := mustIngest(t, db, Options{DryRun: true}, paths...)
	if !res.DryRun || res.Rows[Customers] != 2 || res.Rows[Invoices] != 5 || res.Rows[Payments] != 4 {
		t.Fatalf("dry run: %+v", res)
	}
	for _, table := range []string{"customers", "invoices", "payments", "payment_allocations", "ingest_runs"} {
		var n int
		if err := db.QueryRow(`SELECT count(*) FROM ` + table).Scan(&n); err != nil || n != 0 {
			t.Errorf("%s: %d rows after a dry run (%v), want 0", table, n, err)
		}
	}
	res = mustIngest(t, db, Options{}, paths...)
	if res.DryRun || res.Rows[Invoices] != 5 {
		t.Fatalf("real run after the dry run: %+v", res)
	}
	for _, f := range res.Files {
		if f.Skipped {
			t.Errorf("%s skipped as seen before: the dry run kept its record", f.File)
		}
	}
}
