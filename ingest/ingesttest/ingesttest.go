package ingesttest

import (
	"fmt"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/creditflow/creditflow/store"
	"github.com/creditflow/creditflow/store/storetest"
)

// FixedNow is the time of day of the tests' ingest runs.
func FixedNow() time.Time { return time.Date(2025, 3, 1, 9, 0, 0, 0, time.UTC) }

// The small ledger of the tests: two customers, invoices of them and of an
// unknown customer (who becomes bare), a credit note, payments with and
// without an invoice, and a direct debit that is returned.
const (
	CustomersCSV = `
customer_id,name,country,segment,kind,payment_terms_days,credit_limit,registration_id,email,phone,account_manager
C1,Bakkerij de Vries B.V.,NL,retail,b2b,30,5000.00,12345678,info@devries.nl,+31201234567,Anna
C2,Jan Jansen,NL,consumer,b2c,14,,,jan@example.nl,,Piet
`
	InvoicesCSV = `
invoice_id,customer_id,invoice_date,due_date,amount,currency,disputed,description
I1,C1,2025-01-01,2025-01-31,100.00,EUR,false,first
I2,C1,2025-01-10,,250.50,EUR,no,second
I3,C2,2025-01-05,2025-01-19,80.25,,0,
CN1,C1,2025-02-01,2025-02-01,-20.00,EUR,false,credit note on I2
I4,C3,2025-02-10,2025-03-12,40.00,EUR,true,unknown customer becomes bare
`
	PaymentsCSV = `
payment_id,customer_id,invoice_id,payment_date,amount,method,reference
P1,C1,I1,2025-02-05,100.00,transfer,I1
P2,C1,,2025-02-20,200.00,transfer,lump
P3,C2,I3,2025-01-20,80.25,direct_debit,
P4,C2,I3,2025-01-25,-80.25,direct_debit,stornering
`
)

// LedgerFiles writes the small ledger into a temporary directory and
// returns the paths of its customers, invoices and payments files.
func LedgerFiles(tb testing.TB) []string {
	tb.Helper()
	return storetest.WriteFiles(tb, "customers.csv", CustomersCSV, "invoices.csv", InvoicesCSV, "payments.csv", PaymentsCSV)
}

// LedgerDump is the content of the ledger tables, to compare databases.
func LedgerDump(tb testing.TB, db *store.DB) string {
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
		b.WriteString(Dump(tb, db, q))
		b.WriteString("--\n")
	}
	return b.String()
}

// Dump is the rows of q, one line each.
func Dump(tb testing.TB, db *store.DB, q string) string {
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

// EnvInt is the positive integer in the environment variable name, else def.
func EnvInt(name string, def int) int {
	if n, err := strconv.Atoi(os.Getenv(name)); err == nil && n > 0 {
		return n
	}
	return def
}

// PeakRSS returns the process's peak resident memory in MiB (Linux).
func PeakRSS() float64 {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			kb, _ := strconv.ParseFloat(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 64)
			return kb / 1024
		}
	}
	return 0
}

// ResetPeakRSS starts a new peak measurement (Linux: clear_refs 5).
func ResetPeakRSS() { os.WriteFile("/proc/self/clear_refs", []byte("5"), 0) }
