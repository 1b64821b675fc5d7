package bank

import (
	"bufio"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/creditflow/creditflow/ingest"
	"github.com/creditflow/creditflow/ingest/ingesttest"
	"github.com/creditflow/creditflow/store"
	"github.com/creditflow/creditflow/store/storetest"
)

// TestKillHelper is not a test of its own: TestIngestKilledHalfWay runs the
// test binary again with it, to have an ingest to kill.
func TestKillHelper(t *testing.T) {
	dbPath := os.Getenv("CREDITFLOW_KILL_DB")
	if dbPath == "" {
		t.Skip("runs only as the helper process of TestIngestKilledHalfWay")
	}
	db, err := store.Open(context.Background(), dbPath)
	if err != nil {
		t.Fatal(err)
	}
	opt := ingest.Options{Statements: BookStatements, AfterLoad: func() {
		os.Stdout.WriteString("LOADED\n")
		time.Sleep(time.Minute)
	}}
	ingest.Files(context.Background(), db, strings.Split(os.Getenv("CREDITFLOW_KILL_FILES"), ","), opt)
	t.Fatal("the helper should have been killed before the commit")
}

// A run killed when everything is loaded and allocated, before the commit,
// leaves the database as it was: the canonical files and the statement the
// booker booked into the run's transaction alike.
func TestIngestKilledHalfWay(t *testing.T) {
	dbPath := filepath.Join(t.TempDir(), "killed.duckdb")
	db, err := store.Open(context.Background(), dbPath)
	if err != nil {
		t.Fatal(err)
	}
	mustIngest(t, db, ingest.Options{}, storetest.WriteFiles(t, "customers.csv", ingesttest.CustomersCSV, "invoices.csv", ingesttest.InvoicesCSV)...)
	before := ingesttest.LedgerDump(t, db)
	db.Close()

	changed := strings.ReplaceAll(ingesttest.InvoicesCSV, "EUR", "USD")
	// Dollars convert at 1.04 per EUR, a rate every three days.
	var rates strings.Builder
	rates.WriteString("Date,USD,\n")
	for d := time.Date(2024, 12, 27, 0, 0, 0, 0, time.UTC); d.Before(time.Date(2025, 7, 1, 0, 0, 0, 0, time.UTC)); d = d.AddDate(0, 0, 3) {
		rates.WriteString(d.Format(time.DateOnly) + ",1.04,\n")
	}
	files := storetest.WriteFiles(t, "eurofxref-hist.csv", rates.String(), "invoices-changed.csv", changed, "payments.csv", ingesttest.PaymentsCSV,
		"customer_accounts.csv", "customer_id,iban\nC1,"+deVries+"\n",
		"statement.xml", camtStatement("K1", februaryEntries[3]))
	cmd := exec.Command(os.Args[0], "-test.run=^TestKillHelper$", "-test.v")
	cmd.Env = append(os.Environ(), "CREDITFLOW_KILL_DB="+dbPath, "CREDITFLOW_KILL_FILES="+strings.Join(files, ","))
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	loaded := make(chan bool)
	go func() {
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			if strings.Contains(sc.Text(), "LOADED") {
				loaded <- true
				return
			}
		}
		loaded <- false
	}()
	select {
	case ok := <-loaded:
		if !ok {
			t.Fatal("helper ended before loading")
		}
	case <-time.After(2 * time.Minute):
		cmd.Process.Kill()
		t.Fatal("helper did not load in time")
	}
	// Everything is loaded and allocated but not committed: kill it now.
	if err := cmd.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	cmd.Wait()

	db, err = store.Open(context.Background(), dbPath)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if after := ingesttest.LedgerDump(t, db); after != before {
		t.Errorf("a killed ingest changed the database:\nbefore\n%s\nafter\n%s", before, after)
	}
	if got := rows(t, db, `SELECT (SELECT count(*) FROM bank_transactions) + (SELECT count(*) FROM customer_accounts) + (SELECT count(*) FROM exchange_rates)`); got != "0" {
		t.Errorf("a killed ingest left %s bank transactions, accounts and exchange rates", got)
	}
	// And the same files load fine afterwards.
	mustIngest(t, db, ingest.Options{}, files...)
}
