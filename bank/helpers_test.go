package bank

// Test helpers as in the ingest's tests.

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/creditflow/creditflow/ingest"
	"github.com/creditflow/creditflow/store"
)

// writeFiles writes name → content into a temporary directory and returns
// the paths in the order given.
func writeFiles(tb testing.TB, files ...string) []string {
	tb.Helper()
	dir := tb.TempDir()
	var paths []string
	for i := 0; i+1 < len(files); i += 2 {
		p := filepath.Join(dir, files[i])
		if err := os.WriteFile(p, []byte(strings.TrimLeft(files[i+1], "\n")), 0o644); err != nil {
			tb.Fatal(err)
		}
		paths = append(paths, p)
	}
	return paths
}

func fixedNow() time.Time { return time.Date(2025, 3, 1, 9, 0, 0, 0, time.UTC) }

// mustIngest ingests the files with the statement booker of this package.
func mustIngest(tb testing.TB, db *store.DB, opt ingest.Options, paths ...string) ingest.Result {
	tb.Helper()
	opt.Now = fixedNow
	opt.Statements = BookStatements
	res, err := ingest.Files(context.Background(), db, paths, opt)
	if err != nil {
		tb.Fatalf("ingest: %v", err)
	}
	return res
}

// The ledger of the ingest's tests, for a run killed half-way.

const customersCSV = `
customer_id,name,country,segment,kind,payment_terms_days,credit_limit,registration_id,email,phone,account_manager
C1,Bakkerij de Vries B.V.,NL,retail,b2b,30,5000.00,12345678,info@devries.nl,+31201234567,Anna
C2,Jan Jansen,NL,consumer,b2c,14,,,jan@example.nl,,Piet
`

const invoicesCSV = `
invoice_id,customer_id,invoice_date,due_date,amount,currency,disputed,description
I1,C1,2025-01-01,2025-01-31,100.00,EUR,false,first
I2,C1,2025-01-10,,250.50,EUR,no,second
I3,C2,2025-01-05,2025-01-19,80.25,,0,
CN1,C1,2025-02-01,2025-02-01,-20.00,EUR,false,credit note on I2
I4,C3,2025-02-10,2025-03-12,40.00,EUR,true,unknown customer becomes bare
`

const paymentsCSV = `
payment_id,customer_id,invoice_id,payment_date,amount,method,reference
P1,C1,I1,2025-02-05,100.00,transfer,I1
P2,C1,,2025-02-20,200.00,transfer,lump
P3,C2,I3,2025-01-20,80.25,direct_debit,
P4,C2,I3,2025-01-25,-80.25,direct_debit,stornering
`

// ledgerDump is the content of the ledger tables, to compare databases.
func ledgerDump(tb testing.TB, db *store.DB) string {
	tb.Helper()
	var b strings.Builder
	for _, q := range []string{
		`SELECT customer_id, name, kind, payment_terms_days, CAST(credit_limit AS VARCHAR), bare FROM customers ORDER BY ALL`,
		`SELECT invoice_id, customer_id, invoice_date, due_date, CAST(amount AS VARCHAR), currency, disputed FROM invoices ORDER BY ALL`,
		`SELECT payment_id, customer_id, invoice_id, payment_date, CAST(amount AS VARCHAR) FROM payments ORDER BY ALL`,
		`SELECT customer_id, invoice_id, source_kind, source_id, CAST(amount AS VARCHAR), allocated_on, rule FROM payment_allocations ORDER BY ALL`,
		`SELECT count(*) FROM ingest_runs`,
		`SELECT count(*) FROM audit_log`,
	} {
		rows, err := db.Query(q)
		if err != nil {
			tb.Fatal(err)
		}
		cols, _ := rows.Columns()
		for rows.Next() {
			vals := make([]any, len(cols))
			ptrs := make([]any, len(cols))
			for i := range vals {
				ptrs[i] = &vals[i]
			}
			if err := rows.Scan(ptrs...); err != nil {
				tb.Fatal(err)
			}
			fmt.Fprintln(&b, vals...)
		}
		rows.Close()
		b.WriteString("--\n")
	}
	return b.String()
}

// dump is the rows of q, one line each.
func dump(tb testing.TB, db *store.DB, q string) string {
	tb.Helper()
	rows, err := db.Query(q)
	if err != nil {
		tb.Fatal(err)
	}
	defer rows.Close()
	cols, _ := rows.Columns()
	var b strings.Builder
	for rows.Next() {
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			tb.Fatal(err)
		}
		fmt.Fprintln(&b, vals...)
	}
	return b.String()
}
