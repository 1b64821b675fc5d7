package ingest_test

import (
	"context"
	"encoding/csv"
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/creditflow/creditflow/demo"
	"github.com/creditflow/creditflow/ingest"
	"github.com/creditflow/creditflow/ingest/ingesttest"
	"github.com/creditflow/creditflow/store"
	"github.com/creditflow/creditflow/store/storetest"
)

// agingRow is the aging of an as-of date without the unapplied credit,
// which an open-items list does not carry: the totals and each bucket's
// amount and count, as text.
func agingRow(t *testing.T, db *store.DB, asOf string) []string {
	t.Helper()
	var v [13]string
	if err := db.QueryRow(`SELECT COLUMNS(* EXCLUDE (unapplied_credit))::VARCHAR FROM (`+trimSemicolon(store.Query("aging"))+`)`,
		asOf, "EUR").Scan(&v[0], &v[1], &v[2], &v[3], &v[4], &v[5], &v[6], &v[7], &v[8], &v[9], &v[10], &v[11]); err != nil {
		t.Fatal(err)
	}
	return v[:12]
}

func trimSemicolon(q string) string {
	for len(q) > 0 && (q[len(q)-1] == ';' || q[len(q)-1] == '\n' || q[len(q)-1] == ' ') {
		q = q[:len(q)-1]
	}
	return q
}

// writeOpenItems writes the open items of db on asOf as an open-items list.
func writeOpenItems(t *testing.T, db *store.DB, dir, asOf string) string {
	t.Helper()
	rows, err := db.Query(`SELECT invoice_id, customer_id, strftime(invoice_date, '%Y-%m-%d'), strftime(due_date, '%Y-%m-%d'),
			CAST(amount AS VARCHAR), CAST(open_amount AS VARCHAR)
		FROM open_invoices(CAST(? AS DATE), 'EUR') ORDER BY invoice_id`, asOf)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	path := filepath.Join(dir, "open_items_"+asOf+".csv")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	w := csv.NewWriter(f)
	w.Write([]string{"invoice_id", "customer_id", "invoice_date", "due_date", "amount", "open_amount", "as_of"})
	for rows.Next() {
		r := make([]string, 6)
		if err := rows.Scan(&r[0], &r[1], &r[2], &r[3], &r[4], &r[5]); err != nil {
			t.Fatal(err)
		}
		w.Write(append(r, asOf))
	}
	w.Flush()
	if err := w.Error(); err != nil {
		t.Fatal(err)
	}
	return path
}

// An open-items list gives the same aging, to the cent, as the full ledger
// it was taken from, on its date; a later list brings the ledger to the
// later date's aging, invoices paid in between included.
func TestOpenItemsList(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	end := time.Date(2025, 6, 30, 0, 0, 0, 0, time.UTC)
	if _, err := demo.Generate(ctx, dir, demo.Config{Customers: 40, Invoices: 2500, Seed: 3, End: end, Years: 2}); err != nil {
		t.Fatal(err)
	}
	opt := ingest.Options{Now: ingesttest.FixedNow}
	full := storetest.MustOpen(t)
	if _, err := ingest.Files(ctx, full, []string{filepath.Join(dir, demo.CustomersFile), filepath.Join(dir, demo.InvoicesFile),
		filepath.Join(dir, demo.PaymentsFile)}, opt); err != nil {
		t.Fatal(err)
	}
	first, second := "2025-05-31", "2025-06-30"
	lists := dir + "/lists"
	os.Mkdir(lists, 0o755)
	firstList, secondList := writeOpenItems(t, full, lists, first), writeOpenItems(t, full, lists, second)

	db := storetest.MustOpen(t)
	res, err := ingest.Files(ctx, db, []string{filepath.Join(dir, demo.CustomersFile), firstList}, opt)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := agingRow(t, db, first), agingRow(t, full, first); !equal(got, want) {
		t.Errorf("aging on %s from the list %v, from the ledger %v", first, got, want)
	}
	t.Log(res.Summary(), res.Files[len(res.Files)-1].Message, agingRow(t, db, first))
	if _, err := ingest.Files(ctx, db, []string{secondList}, opt); err != nil {
		t.Fatal(err)
	}
	for _, day := range []string{first, second} {
		if got, want := agingRow(t, db, day), agingRow(t, full, day); !equal(got, want) {
			t.Errorf("aging on %s after the second list %v, from the ledger %v", day, got, want)
		}
	}
	var derived int
	if err := db.QueryRow(`SELECT count(*) FROM payments WHERE payment_id LIKE 'open-items:%' AND json_extract_string(attributes, '$.derived') = 'open_items'`).Scan(&derived); err != nil || derived == 0 {
		t.Errorf("%d derived payments marked as such (%v)", derived, err)
	}
	// The same list again changes nothing (it is skipped as seen).
	if _, err := ingest.Files(ctx, db, []string{secondList}, opt); err != nil {
		t.Fatal(err)
	}
}

// A list with a bad open amount or mixed dates is refused with its lines,
// and nothing is loaded.
func TestOpenItemsListProblems(t *testing.T) {
	db := storetest.MustOpen(t)
	paths := storetest.WriteFiles(t, "open_items.csv", `invoice_id,customer_id,invoice_date,due_date,amount,open_amount,as_of
I1,C1,2025-01-01,2025-01-31,100.00,120.00,2025-03-01
I2,C1,2025-01-05,2025-02-04,100.00,1.234,2025-03-01
I3,C1,2025-01-05,2025-02-04,100.00,50.00,2025-03-02
`)
	_, err := ingest.Files(context.Background(), db, paths, ingest.Options{Now: ingesttest.FixedNow})
	var fe *ingest.FileError
	if !errors.As(err, &fe) || fe.Total != 3 || fe.Problems[0].Line != 2 || fe.Problems[1].Line != 3 || fe.Problems[2].Line != 4 {
		t.Fatalf("error %v, want 3 problems on lines 2, 3 and 4", err)
	}
	var n int
	if err := db.QueryRow(`SELECT count(*) FROM invoices`).Scan(&n); err != nil || n != 0 {
		t.Errorf("%d invoices loaded from a refused list", n)
	}
}

func equal(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// A Dutch open-items list (semicolons, Windows-1252, decimal commas,
// day-first dates, Dutch column names) loads as its canonical form does.
func TestOpenItemsListDutch(t *testing.T) {
	dutch := "Factuurnummer;Debiteurnummer;Factuurdatum;Vervaldatum;Factuurbedrag;Openstaand;Peildatum;Omschrijving\n" +
		"I1;C1;01-02-2025;03-03-2025;1.000,00;400,00;31-03-2025;Caf\xe9\n" +
		"I2;C1;15-02-2025;17-03-2025;250,50;250,50;31-03-2025;\n"
	canonical := "invoice_id,customer_id,invoice_date,due_date,amount,open_amount,as_of,description\n" +
		"I1,C1,2025-02-01,2025-03-03,1000.00,400.00,2025-03-31,Café\n" +
		"I2,C1,2025-02-15,2025-03-17,250.50,250.50,2025-03-31,\n"
	opt := ingest.Options{Now: ingesttest.FixedNow}
	var rows [][]string
	for _, f := range []struct{ name, content string }{{"openstaande_posten.csv", dutch}, {"open_items.csv", canonical}} {
		db := storetest.MustOpen(t)
		if _, err := ingest.Files(context.Background(), db, storetest.WriteFiles(t, f.name, f.content), opt); err != nil {
			t.Fatalf("%s: %v", f.name, err)
		}
		var desc string
		if err := db.QueryRow(`SELECT description FROM invoices WHERE invoice_id = 'I1'`).Scan(&desc); err != nil || desc != "Café" {
			t.Errorf("%s: description %q (%v), want Café", f.name, desc, err)
		}
		rows = append(rows, agingRow(t, db, "2025-03-31"))
	}
	if !equal(rows[0], rows[1]) || rows[1][0] != "650.50" {
		t.Errorf("aging from the Dutch list %v, from the canonical one %v; want 650.50 open in both", rows[0], rows[1])
	}
}
