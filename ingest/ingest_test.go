package ingest

import (
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/creditflow/creditflow"
	"github.com/creditflow/creditflow/ingest/ingesttest"
	"github.com/creditflow/creditflow/store"
	"github.com/creditflow/creditflow/store/storetest"
)

func mustIngest(tb testing.TB, db *store.DB, opt Options, paths ...string) Result {
	tb.Helper()
	opt.Now = ingesttest.FixedNow
	res, err := Files(context.Background(), db, paths, opt)
	if err != nil {
		tb.Fatalf("ingest: %v", err)
	}
	return res
}

func TestIngestGoodFiles(t *testing.T) {
	db := storetest.MustOpen(t)
	paths := storetest.WriteFiles(t, "payments.csv", ingesttest.PaymentsCSV, "customers.csv", ingesttest.CustomersCSV, "invoices.csv", ingesttest.InvoicesCSV)
	res := mustIngest(t, db, Options{}, paths...)
	if res.Rows[Customers] != 2 || res.Rows[Invoices] != 5 || res.Rows[Payments] != 4 {
		t.Fatalf("rows = %v", res.Rows)
	}
	var bare bool
	if err := db.QueryRow(`SELECT bare FROM customers WHERE customer_id = 'C3'`).Scan(&bare); err != nil || !bare {
		t.Fatalf("bare customer C3: %v %v", bare, err)
	}
	var due creditflow.Date
	if err := db.QueryRow(`SELECT due_date FROM invoices WHERE invoice_id = 'I2'`).Scan(&due); err != nil || due.String() != "2025-02-09" {
		t.Fatalf("default due date of I2 = %v, %v; want 2025-02-09 (30 days)", due, err)
	}
	var attrs string
	if err := db.QueryRow(`SELECT CAST(attributes AS VARCHAR) FROM customers WHERE customer_id = 'C1'`).Scan(&attrs); err != nil || attrs != `{"account_manager":"Anna"}` {
		t.Fatalf("attributes = %s, %v", attrs, err)
	}
	t.Log(res.Summary())
}

func TestIngestAllocationAndBareCustomers(t *testing.T) {
	db := storetest.MustOpen(t)
	mustIngest(t, db, Options{}, storetest.WriteFiles(t, "payments.csv", ingesttest.PaymentsCSV, "customers.csv", ingesttest.CustomersCSV, "invoices.csv", ingesttest.InvoicesCSV)...)
	// Expected open amounts on 2025-03-01, worked out by hand:
	// I1 100.00: credit note CN1 (2025-02-01) is first guessed to settle 20.00 of the oldest invoice, I1;
	//   on 2025-02-05 P1 names I1 for the full 100.00, so the guess is undone and CN1's 20.00 moves to the
	//   next oldest open invoice, I2.
	// I2 250.50: 20.00 from CN1, then lump payment P2 (200.00, no reference) settles the oldest open invoice,
	//   I2: 250.50 - 20.00 - 200.00 = 30.50.
	// I3 80.25: paid by direct debit P3, reversed by P4: open again, 80.25.
	// I4 40.00: nothing paid. Nothing is left unapplied.
	want := map[string]string{"I1": "0.00", "I2": "30.50", "I3": "80.25", "I4": "40.00"}
	rows, err := db.Query(`SELECT i.invoice_id, CAST(i.amount - coalesce(sum(a.amount), 0) AS VARCHAR)
		FROM invoices i LEFT JOIN payment_allocations a USING (invoice_id)
		WHERE i.amount > 0 GROUP BY i.invoice_id, i.amount ORDER BY 1`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	got := map[string]string{}
	for rows.Next() {
		var id, open string
		if err := rows.Scan(&id, &open); err != nil {
			t.Fatal(err)
		}
		got[id] = open
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("open amounts = %v, want %v", got, want)
	}
	var unapplied string
	if err := db.QueryRow(`SELECT CAST((SELECT sum(amount) FROM payments) - (SELECT sum(amount) FROM invoices WHERE amount < 0)
		- (SELECT sum(amount) FROM payment_allocations) AS VARCHAR)`).Scan(&unapplied); err != nil || unapplied != "0.00" {
		t.Errorf("unapplied credit = %s, %v; want 0.00", unapplied, err)
	}
	// Only I1 is settled for good, from the day P1 paid it; the others are open.
	if got := ingesttest.Dump(t, db, `SELECT invoice_id, CAST(closed_from AS VARCHAR) FROM invoice_settlement ORDER BY ALL`); got != "I1 2025-02-05\nI2 <nil>\nI3 <nil>\nI4 <nil>\n" {
		t.Errorf("invoice_settlement = %q, want I1 closed from 2025-02-05, the others open", got)
	}
}

func TestIngestRejectsBadFiles(t *testing.T) {
	tests := []struct {
		name    string
		opt     Options
		files   []string
		want    []string // substrings of the error, in order
		noWant  string
		problem int // number of problems listed
	}{
		{
			name: "bad cells of every kind",
			files: []string{"invoices.csv", `
invoice_id,customer_id,invoice_date,due_date,amount,currency,disputed
I1,C1,2025-01-01,2025-01-31,100.00,EUR,false
I2,C1,01-02-2025,,100.00,EUR,false
I3,C1,2025-01-03,,1.234,EUR,false
I4,,2025-01-04,,10.00,EUR,maybe
I1,C1,2025-01-05,,10.00,EUR,false
`},
			want: []string{
				"invoices.csv: rejected",
				"line 3, column invoice_date: expected a date as YYYY-MM-DD, got \"01-02-2025\"",
				"line 4, column amount: expected an amount with a dot and at most two decimals",
				"line 5, column customer_id: expected a value (customer_id is required)",
				"line 5, column disputed: expected true/false, 1/0 or yes/no, got \"maybe\"",
				"line 6, column invoice_id: expected a unique invoice_id (the same value is on line 2)",
			},
		},
		{
			// Line numbers count the file's lines, not its records: a
			// description over two lines moves the records after it.
			name: "quoted line breaks",
			files: []string{"invoices.csv", "invoice_id,customer_id,invoice_date,amount,description\n" +
				"I1,C1,2025-01-01,10.00,\"two\nlines\"\n" +
				"I2,C1,2025-01-02,1.234,\"three\r\nlines\nhere\"\n" +
				"I1,C1,2025-01-03,10.00,\n"},
			want: []string{
				"line 4, column amount: expected an amount with a dot and at most two decimals",
				"line 7, column invoice_id: expected a unique invoice_id (the same value is on line 2)",
			},
		},
		{
			name:  "empty line",
			files: []string{"invoices.csv", "invoice_id,customer_id,invoice_date,amount\nJ1,C1,2025-01-01,10.00\n\nJ2,C1,2025-01-02,1.234\n"},
			want:  []string{"line 4, column amount"},
		},
		{
			name: "too many columns on a line",
			files: []string{"invoices.csv", `
invoice_id,customer_id,invoice_date,due_date,amount,currency,disputed
I6,C1,2025-01-06,2025-01-01,1,000.00,EUR,false
`},
			want: []string{"invoices.csv: rejected, 1 problem(s)", "line 2: expected 7 fields, as in the header; found 8", "an amount with a comma (1234,56 or 1,234.56) splits into two fields"},
		},
		{
			name: "due date before invoice date",
			files: []string{"invoices.csv", `
invoice_id,customer_id,invoice_date,due_date,amount
I6,C1,2025-01-06,2025-01-01,1000.00
`},
			want: []string{"line 2, column due_date: expected a due_date on or after the invoice_date, got \"2025-01-01\""},
		},
		{
			name:  "missing required column",
			files: []string{"invoices.csv", "invoice_id,customer_id,amount\nI1,C1,10.00\n"},
			want:  []string{"cannot map the columns to invoices: found invoice_id, customer_id, amount; missing invoice_date"},
		},
		{
			name: "payment of an unknown invoice",
			files: []string{"invoices.csv", "invoice_id,customer_id,invoice_date,amount\nI1,C1,2025-01-01,10.00\n",
				"payments.csv", "payment_id,customer_id,invoice_id,payment_date,amount\nP1,C1,I1,2025-01-05,10.00\nP2,C1,I9,2025-01-05,10.00\nP3,C2,I1,2025-01-05,1.00\nP4,,,2025-01-05,1.00\n"},
			want: []string{"payments.csv: rejected, 3 problem(s)",
				"line 3, column invoice_id: expected the invoice_id of a known invoice, got \"I9\"",
				"line 4, column customer_id: expected the customer of the invoice named in invoice_id, got \"C2\"",
				"line 5, column customer_id: expected a customer_id (required when invoice_id is empty)"},
		},
		{
			name:  "strict mode refuses unknown customers",
			opt:   Options{Strict: true},
			files: []string{"invoices.csv", "invoice_id,customer_id,invoice_date,amount\nI1,C404,2025-01-01,10.00\n"},
			want:  []string{"line 2, column customer_id: expected a customer_id present in customers (strict mode), got \"C404\""},
		},
		{
			name:  "file name without a kind",
			files: []string{"ledger.csv", "invoice_id\n"},
			want:  []string{"cannot tell which table the file feeds from its columns (invoice_id)", "pass --kind"},
		},
		{
			name: "more than twenty problems",
			files: []string{"payments.csv", "payment_id,customer_id,payment_date,amount\n" +
				strings.Repeat("P,C1,yesterday,lots\n", 15)},
			want:    []string{"rejected, 44 problem(s), first 20 shown", "line 2, column payment_date"},
			problem: 20,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			db := storetest.MustOpen(t)
			mustIngest(t, db, Options{}, storetest.WriteFiles(t, "customers.csv", ingesttest.CustomersCSV)...)
			before := ingesttest.LedgerDump(t, db)
			tt.opt.Now = ingesttest.FixedNow
			_, err := Files(context.Background(), db, storetest.WriteFiles(t, tt.files...), tt.opt)
			if err == nil {
				t.Fatal("bad file accepted")
			}
			if !errors.Is(err, creditflow.ErrInvalid) {
				t.Errorf("error %v is not ErrInvalid", err)
			}
			msg := err.Error()
			pos := 0
			for _, w := range tt.want {
				i := strings.Index(msg[pos:], w)
				if i < 0 {
					t.Fatalf("error lacks %q (in order):\n%s", w, msg)
				}
				pos += i
			}
			var fe *FileError
			if tt.problem > 0 && (!errors.As(err, &fe) || len(fe.Problems) != tt.problem) {
				t.Errorf("want %d problems listed, got %v", tt.problem, fe)
			}
			if after := ingesttest.LedgerDump(t, db); after != before {
				t.Errorf("a rejected run changed the database:\nbefore\n%s\nafter\n%s", before, after)
			}
		})
	}
}

func TestIngestIsIdempotent(t *testing.T) {
	db := storetest.MustOpen(t)
	paths := ingesttest.LedgerFiles(t)
	mustIngest(t, db, Options{}, paths...)
	first := ingesttest.LedgerDump(t, db)

	res := mustIngest(t, db, Options{}, paths...)
	for _, f := range res.Files {
		if !f.Skipped {
			t.Errorf("%s not recognised as identical", f.File)
		}
	}
	if got := ingesttest.LedgerDump(t, db); got != first {
		t.Errorf("second identical ingest changed the database")
	}

	// The same rows in a new file (a trailing comment column) update, never duplicate.
	changed := strings.Replace(ingesttest.InvoicesCSV, "I2,C1,2025-01-10,,250.50", "I2,C1,2025-01-10,,260.50", 1)
	res = mustIngest(t, db, Options{}, storetest.WriteFiles(t, "invoices-2.csv", changed)...)
	if f := res.Files[0]; f.Inserted != 0 || f.Updated != 5 {
		t.Errorf("re-ingest: inserted %d updated %d, want 0 and 5", f.Inserted, f.Updated)
	}
	var n int
	var amount string
	if err := db.QueryRow(`SELECT count(*), CAST(max(amount) FILTER (WHERE invoice_id = 'I2') AS VARCHAR) FROM invoices`).Scan(&n, &amount); err != nil || n != 5 || amount != "260.50" {
		t.Errorf("after update: %d invoices, I2 = %s (%v); want 5 and 260.50", n, amount, err)
	}
}

func TestAllocationDoesNotDependOnFileSplit(t *testing.T) {
	whole := storetest.MustOpen(t)
	mustIngest(t, whole, Options{}, ingesttest.LedgerFiles(t)...)

	split := storetest.MustOpen(t)
	invLines := strings.Split(strings.TrimSpace(ingesttest.InvoicesCSV), "\n")
	payLines := strings.Split(strings.TrimSpace(ingesttest.PaymentsCSV), "\n")
	// Later invoices and payments arrive first, in separate runs.
	header := func(lines []string, from int) string {
		return lines[0] + "\n" + strings.Join(lines[from:], "\n") + "\n"
	}
	mustIngest(t, split, Options{}, storetest.WriteFiles(t, "invoices-b.csv", header(invLines, 3))...)
	mustIngest(t, split, Options{}, storetest.WriteFiles(t, "payments-b.csv", header(payLines, 2))...)
	mustIngest(t, split, Options{}, storetest.WriteFiles(t, "customers.csv", ingesttest.CustomersCSV, "invoices-a.csv", strings.Join(invLines[:3], "\n")+"\n")...)
	mustIngest(t, split, Options{}, storetest.WriteFiles(t, "payments-a.csv", strings.Join(payLines[:2], "\n")+"\n")...)

	q := `SELECT customer_id, invoice_id, source_kind, source_id, CAST(amount AS VARCHAR), allocated_on, rule FROM payment_allocations ORDER BY ALL`
	if a, b := ingesttest.Dump(t, whole, q), ingesttest.Dump(t, split, q); a != b {
		t.Errorf("allocations differ\none file:\n%s\nsplit:\n%s", a, b)
	}
}

// rows is dump without the last newline.
func rows(tb testing.TB, db *store.DB, q string) string {
	return strings.TrimSuffix(ingesttest.Dump(tb, db, q), "\n")
}

func TestIngestParquetAndNDJSON(t *testing.T) {
	db := storetest.MustOpen(t)
	dir := t.TempDir()
	csvPaths := ingesttest.LedgerFiles(t)
	// DuckDB itself writes the Parquet and NDJSON versions of the CSV files.
	for i, kind := range []string{"customers", "invoices", "payments"} {
		format := "PARQUET"
		name := kind + ".parquet"
		if kind == "payments" {
			format, name = "JSON", kind+".ndjson"
		}
		if _, err := db.Exec(fmt.Sprintf(`COPY (SELECT * FROM read_csv('%s', all_varchar = true)) TO '%s' (FORMAT %s)`,
			csvPaths[i], filepath.Join(dir, name), format)); err != nil {
			t.Fatal(err)
		}
	}
	mustIngest(t, db, Options{}, filepath.Join(dir, "customers.parquet"), filepath.Join(dir, "invoices.parquet"), filepath.Join(dir, "payments.ndjson"))
	fromOthers := ingesttest.LedgerDump(t, db)

	ref := storetest.MustOpen(t)
	mustIngest(t, ref, Options{}, csvPaths...)
	if fromCSV := ingesttest.LedgerDump(t, ref); fromCSV != fromOthers {
		t.Errorf("Parquet/NDJSON ingest differs from CSV:\n%s\nvs\n%s", fromOthers, fromCSV)
	}

	bad := filepath.Join(dir, "invoices-bad.ndjson")
	os.WriteFile(bad, []byte(`{"invoice_id":"X1","customer_id":"C1","invoice_date":"2025-01-01","amount":"10.00"}`+"\n"+
		`{"invoice_id":"X2","customer_id":"C1","invoice_date":"2025-13-01","amount":"10.00"}`+"\n"), 0o644)
	_, err := Files(context.Background(), db, []string{bad}, Options{Now: ingesttest.FixedNow})
	if err == nil || !strings.Contains(err.Error(), "line 2, column invoice_date") {
		t.Errorf("bad NDJSON: %v", err)
	}
}

func TestPaymentWithoutCustomerBelongsToItsInvoicesCustomer(t *testing.T) {
	db := storetest.MustOpen(t)
	mustIngest(t, db, Options{}, storetest.WriteFiles(t, "customers.csv", ingesttest.CustomersCSV, "invoices.csv", ingesttest.InvoicesCSV)...)
	mustIngest(t, db, Options{}, storetest.WriteFiles(t, "payments.csv", "payment_id,customer_id,invoice_id,payment_date,amount\nP9,,I3,2025-01-21,80.25\nP10,C1,I1,2025-01-21,1.00\n")...)
	got := map[string]string{}
	rows, err := db.Query(`SELECT payment_id, customer_id FROM payments`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	for rows.Next() {
		var p, c string
		if err := rows.Scan(&p, &c); err != nil {
			t.Fatal(err)
		}
		got[p] = c
	}
	if got["P9"] != "C2" || got["P10"] != "C1" {
		t.Fatalf("customers of payments = %v, want P9 C2 (from invoice I3), P10 C1", got)
	}
}

// A gzipped CSV loads like a plain one, and a bad one names the lines of
// the unzipped file, quoted line breaks included.
func TestIngestGzippedCSV(t *testing.T) {
	gz := func(name, content string) string {
		var b bytes.Buffer
		w := gzip.NewWriter(&b)
		w.Write([]byte(content))
		w.Close()
		p := filepath.Join(t.TempDir(), name)
		if err := os.WriteFile(p, b.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	db := storetest.MustOpen(t)
	good := gz("invoices.csv.gz", strings.TrimLeft(ingesttest.InvoicesCSV, "\n"))
	if res := mustIngest(t, db, Options{}, good); res.Rows[Invoices] != 5 {
		t.Fatalf("rows = %v, want 5 invoices", res.Rows)
	}
	bad := gz("invoices.csv.gz", "invoice_id,customer_id,invoice_date,amount,description\nJ1,C1,2025-01-01,10.00,\"two\nlines\"\nJ2,C1,2025-01-02,1.234,\n")
	_, err := Files(context.Background(), db, []string{bad}, Options{})
	if err == nil || !strings.Contains(err.Error(), "line 4, column amount") {
		t.Fatalf("error = %v, want line 4, column amount", err)
	}
}
