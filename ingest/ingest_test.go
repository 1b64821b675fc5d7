package ingest

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/creditflow/creditflow"
	cfsql "github.com/creditflow/creditflow/sql"
)

func mustOpenDB(tb testing.TB) *cfsql.DB {
	tb.Helper()
	db, err := cfsql.Open(context.Background(), filepath.Join(tb.TempDir(), "test.duckdb"))
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { db.Close() })
	return db
}

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

func mustIngest(tb testing.TB, db *cfsql.DB, opt Options, paths ...string) Result {
	tb.Helper()
	opt.Now = fixedNow
	res, err := Files(context.Background(), db, paths, opt)
	if err != nil {
		tb.Fatalf("ingest: %v", err)
	}
	return res
}

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

func TestIngestGoodFiles(t *testing.T) {
	db := mustOpenDB(t)
	paths := writeFiles(t, "payments.csv", paymentsCSV, "customers.csv", customersCSV, "invoices.csv", invoicesCSV)
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
