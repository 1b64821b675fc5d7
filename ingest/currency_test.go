package ingest

import (
	"context"
	"errors"
	"os"
	"strings"
	"testing"

	"github.com/creditflow/creditflow"
	"github.com/creditflow/creditflow/ingest/ingesttest"
	"github.com/creditflow/creditflow/risk"
	"github.com/creditflow/creditflow/store"
	"github.com/creditflow/creditflow/store/storetest"
)

// fxRatesCSV is in the ECB's layout: newest first, N/A for a missing rate,
// an empty column at the end of each line. CHF at 2 is made up to show the
// rounding of a half cent.
const fxRatesCSV = `
Date,USD,JPY,GBP,CHF,
2025-01-06,1.0426,163.39,0.83280,N/A,
2025-01-03,1.0299,162.77,0.83208,2.0000,
2025-01-02,1.0321,N/A,0.83050,N/A,
2024-12-31,1.0389,163.06,0.82918,N/A,
`

const fxCustomersCSV = `
customer_id,name
C1,Euro BV
C2,Dollar Inc
C3,Pound Ltd
`

const fxEuroInvoicesCSV = `
invoice_id,customer_id,invoice_date,due_date,amount,currency
I1,C1,2025-01-02,2025-01-15,1000.00,EUR
I2,C1,2025-01-10,,500.00,
`

// fxInvoicesCSV adds to the euro invoices one in dollars (970.97 EUR at
// 1.0299 on 2025-01-03) and one in pounds, dated on a Saturday (300.45 EUR
// at Friday's 0.83208).
const fxInvoicesCSV = fxEuroInvoicesCSV + `U1,C2,2025-01-03,2025-01-20,1000.00,USD
G1,C3,2025-01-04,2025-02-03,250.00,gbp
`

// fxPaymentsCSV pays 500.00 of the dollar invoice on 2025-01-06: 479.57 EUR
// at 1.0426.
const fxPaymentsCSV = `
payment_id,customer_id,invoice_id,payment_date,amount
P1,,U1,2025-01-06,500.00
`

func agingOn(t *testing.T, db *store.DB, day string) creditflow.Aging {
	t.Helper()
	asOf, err := creditflow.ParseDate(day)
	if err != nil {
		t.Fatal(err)
	}
	a, err := risk.AgingReport(context.Background(), db, asOf)
	if err != nil {
		t.Fatal(err)
	}
	return a
}

func bucketAmounts(a creditflow.Aging) map[string]string {
	m := map[string]string{"open": a.OpenTotal.String(), "overdue": a.OverdueTotal.String(), "unapplied": a.UnappliedCredit.String()}
	for _, b := range a.Buckets {
		m[b.Label] = b.Amount.String()
	}
	return m
}

func TestCurrencyConversionChangesAgingByConvertedAmounts(t *testing.T) {
	euro := storetest.MustOpen(t)
	mustIngest(t, euro, Options{}, storetest.WriteFiles(t, "customers.csv", fxCustomersCSV, "invoices.csv", fxEuroInvoicesCSV)...)
	before := agingOn(t, euro, "2025-01-31")

	db := storetest.MustOpen(t)
	files := storetest.WriteFiles(t, "customers.csv", fxCustomersCSV, "invoices.csv", fxInvoicesCSV,
		"payments.csv", fxPaymentsCSV, "eurofxref-hist.csv", fxRatesCSV)
	res := mustIngest(t, db, Options{}, files...)
	if res.Rows[ExchangeRates] != 12 {
		t.Errorf("rates loaded = %d, want 12 (the N/A cells are no rates)", res.Rows[ExchangeRates])
	}
	after := agingOn(t, db, "2025-01-31")
	if after.Currency != "EUR" {
		t.Fatalf("reporting currency = %s", after.Currency)
	}
	// By hand, on 2025-01-31: U1 970.97 less P1 479.57 = 491.40 open, 11
	// days past due; G1 300.45, not yet due.
	want := bucketAmounts(before)
	for label, add := range map[string]string{"open": "791.85", "overdue": "491.40", "1-30": "491.40", "current": "300.45"} {
		want[label] = (mustMoney(t, want[label]) + mustMoney(t, add)).String()
	}
	got := bucketAmounts(after)
	for label := range want {
		if got[label] != want[label] {
			t.Errorf("aging %s = %s, want %s (before: %s)", label, got[label], want[label], bucketAmounts(before)[label])
		}
	}

	kept := ingesttest.Dump(t, db, `SELECT invoice_id, amount::VARCHAR, currency, original_amount::VARCHAR, original_currency, fx_rate::VARCHAR FROM invoices ORDER BY invoice_id`)
	wantKept := strings.Join([]string{
		"G1 300.45 EUR 250.00 GBP 0.83208000",
		"I1 1000.00 EUR 1000.00 EUR 1.00000000",
		"I2 500.00 EUR 500.00 EUR 1.00000000",
		"U1 970.97 EUR 1000.00 USD 1.02990000",
	}, "\n")
	if strings.TrimSpace(kept) != wantKept {
		t.Errorf("invoices:\n%s\nwant\n%s", kept, wantKept)
	}
	paid := ingesttest.Dump(t, db, `SELECT payment_id, amount::VARCHAR, original_amount::VARCHAR, original_currency, fx_rate::VARCHAR FROM payments`)
	if strings.TrimSpace(paid) != "P1 479.57 500.00 USD 1.04260000" {
		t.Errorf("payments: %s", paid)
	}

	// The open items carry the original amount and currency.
	items, _, err := risk.OpenItems(context.Background(), db, risk.OpenItemsQuery{AsOf: mustDate(t, "2025-01-31"), CustomerID: "C2"})
	if err != nil {
		t.Fatal(err)
	}
	if len(items) != 1 || items[0].OriginalAmount.String() != "1000.00" || items[0].OriginalCurrency != "USD" || items[0].OpenAmount.String() != "491.40" {
		t.Errorf("open items of C2 = %+v", items)
	}

	// The same files again, as new files: nothing changes but the record
	// of the runs.
	dump := fxDump(t, db)
	var again []string
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		again = append(again, string(b)+"\n")
	}
	mustIngest(t, db, Options{}, storetest.WriteFiles(t, "customers.csv", again[0], "invoices.csv", again[1],
		"payments.csv", again[2], "eurofxref-hist.csv", again[3])...)
	if got := fxDump(t, db); got != dump {
		t.Errorf("re-ingest changed the ledger:\n%s\nwant\n%s", got, dump)
	}
	if got := bucketAmounts(agingOn(t, db, "2025-01-31")); got["open"] != want["open"] {
		t.Errorf("open after re-ingest = %s, want %s", got["open"], want["open"])
	}
}

func TestPaymentCurrency(t *testing.T) {
	// Payments have no currency: the named invoice's, else the customer's
	// when all its invoices have one, else the reporting currency.
	db := storetest.MustOpen(t)
	mustIngest(t, db, Options{}, storetest.WriteFiles(t, "eurofxref-hist.csv", fxRatesCSV, "invoices.csv", fxInvoicesCSV+`M1,C5,2025-01-03,,10.00,USD
M2,C5,2025-01-03,,10.00,EUR
`, "payments.csv", `
payment_id,customer_id,invoice_id,payment_date,amount
P1,C2,U1,2025-01-06,104.26
P2,C2,,2025-01-06,-104.26
P3,C5,,2025-01-06,104.26
P4,C3,,2025-01-05,83.21
`)...)
	got := ingesttest.Dump(t, db, `SELECT payment_id, CAST(amount AS VARCHAR), original_currency FROM payments ORDER BY ALL`)
	want := strings.Join([]string{
		"P1 100.00 USD",  // names U1, in dollars: 104.26 / 1.0426
		"P2 -100.00 USD", // C2 has only dollar invoices; a reversal mirrors
		"P3 104.26 EUR",  // C5 has dollar and euro invoices
		"P4 100.00 GBP",  // a Sunday: Friday's 0.83208; 100.0024 rounds down
	}, "\n")
	if strings.TrimSpace(got) != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
}

func TestCurrencyRounding(t *testing.T) {
	tests := []struct {
		name, invoices, want string
	}{
		{"half a cent rounds up", "X1,C1,2025-01-03,,100.01,CHF", "X1 50.01"},
		{"a credit note is the mirror", "X1,C1,2025-01-03,,-100.01,CHF", "X1 -50.01"},
		{"below half rounds down", "X1,C1,2025-01-03,,100.00,USD", "X1 97.10"}, // 100/1.0299 = 97.0968
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			db := storetest.MustOpen(t)
			mustIngest(t, db, Options{}, storetest.WriteFiles(t, "exchange_rates.csv", fxRatesCSV,
				"invoices.csv", "invoice_id,customer_id,invoice_date,due_date,amount,currency\nE1,C1,2025-01-02,,1.00,EUR\nE2,C1,2025-01-02,,1.00,EUR\n"+tt.invoices+"\n")...)
			got := ingesttest.Dump(t, db, `SELECT invoice_id, amount::VARCHAR FROM invoices WHERE invoice_id = 'X1'`)
			if strings.TrimSpace(got) != tt.want {
				t.Errorf("got %s, want %s", got, tt.want)
			}
		})
	}
}

func TestCurrencyCrossRates(t *testing.T) {
	// A ledger in pounds: the dollar invoice goes through EUR,
	// 1000.00 × 0.83208 / 1.0299 = 807.92; the euro one 100.00 × 0.83208.
	db := storetest.MustOpen(t)
	mustIngest(t, db, Options{}, storetest.WriteFiles(t, "rates.csv", fxRatesCSV, "invoices.csv", `
invoice_id,customer_id,invoice_date,due_date,amount,currency
G1,C1,2025-01-03,,10.00,GBP
G2,C1,2025-01-03,,20.00,GBP
U1,C2,2025-01-03,,1000.00,USD
E1,C3,2025-01-03,,100.00,EUR
`)...)
	got := ingesttest.Dump(t, db, `SELECT invoice_id, amount::VARCHAR, currency, fx_rate::VARCHAR FROM invoices ORDER BY invoice_id`)
	want := "E1 83.21 GBP 1.20180752\nG1 10.00 GBP 1.00000000\nG2 20.00 GBP 1.00000000\nU1 807.92 GBP 1.23774156"
	if strings.TrimSpace(got) != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
}

func TestCurrencyWithoutRatesRefused(t *testing.T) {
	tests := []struct {
		name  string
		rates string // loaded in an earlier run; "" for none
		want  []string
	}{
		{"no rates at all", "", []string{"no exchange rate for GBP on 2025-01-04", "no exchange rate for USD on 2025-01-03"}},
		{"rates too old", "Date,USD,GBP\n2024-12-20,1.04,0.83\n", []string{"USD on 2025-01-03 or the 7 days before", "the latest before it is of 2024-12-20"}},
		{"no rate for one currency", "Date,USD\n2025-01-03,1.0299\n", []string{"no exchange rate for GBP on 2025-01-04"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			db := storetest.MustOpen(t)
			if tt.rates != "" {
				mustIngest(t, db, Options{}, storetest.WriteFiles(t, "exchange_rates.csv", tt.rates)...)
			}
			before := ingesttest.LedgerDump(t, db)
			_, err := Files(context.Background(), db, storetest.WriteFiles(t, "customers.csv", fxCustomersCSV, "invoices.csv", fxInvoicesCSV), Options{Now: ingesttest.FixedNow})
			var fe *FileError
			if !errors.As(err, &fe) || !errors.Is(err, creditflow.ErrInvalid) {
				t.Fatalf("err = %v, want a FileError", err)
			}
			t.Log(err)
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not say %q", err, w)
				}
			}
			if after := ingesttest.LedgerDump(t, db); after != before {
				t.Errorf("a refused run changed the ledger:\n%s", after)
			}
		})
	}
}

func TestCurrencyRatesFromEarlierRun(t *testing.T) {
	db := storetest.MustOpen(t)
	mustIngest(t, db, Options{}, storetest.WriteFiles(t, "eurofxref-hist.csv", fxRatesCSV)...)
	mustIngest(t, db, Options{}, storetest.WriteFiles(t, "invoices.csv", fxInvoicesCSV)...)
	got := ingesttest.Dump(t, db, `SELECT invoice_id, amount::VARCHAR FROM invoices WHERE original_currency <> 'EUR' ORDER BY 1`)
	if strings.TrimSpace(got) != "G1 300.45\nU1 970.97" {
		t.Errorf("got %s", got)
	}
}

func TestRatesFileRecognisedAndValidated(t *testing.T) {
	for _, tt := range []struct {
		name, content string
		kind          Kind
	}{
		{"eurofxref-hist.csv", "Date,USD,\n", ExchangeRates},
		{"exchange_rates_2025.csv", "Date,USD\n", ExchangeRates},
		{"ecb.csv", "\ufeffDate,USD,JPY,\n", ExchangeRates},
		{"ecb.csv", "Date,Amount\n", ""},
		{"invoices.csv", "invoice_id,customer_id\n", Invoices},
	} {
		k, _, err := detect(tt.name, []byte(tt.content), "")
		if k != tt.kind || (tt.kind != "" && err != nil) {
			t.Errorf("detect(%s, %q) = %s, %v; want %s", tt.name, tt.content, k, err, tt.kind)
		}
	}
	db := storetest.MustOpen(t)
	_, err := Files(context.Background(), db, storetest.WriteFiles(t, "eurofxref.csv", "Date,USD,GBP,\n2025-01-03,1.0299,0.8x,\n2025-13-01,1.03,N/A,\n"), Options{Now: ingesttest.FixedNow})
	var fe *FileError
	if !errors.As(err, &fe) || fe.Total != 2 || fe.Problems[0].Line != 2 || fe.Problems[0].Column != "GBP" || fe.Problems[1].Line != 3 || fe.Problems[1].Column != "Date" {
		t.Fatalf("err = %v (%+v)", err, fe)
	}
}

// fxDump is the ledger with the original amounts and the rates, without
// the record of the runs.
func fxDump(t *testing.T, db *store.DB) string {
	t.Helper()
	var d strings.Builder
	for _, q := range []string{
		`SELECT customer_id, name, bare FROM customers ORDER BY ALL`,
		`SELECT invoice_id, customer_id, invoice_date, due_date, CAST(amount AS VARCHAR), currency,
			CAST(original_amount AS VARCHAR), original_currency, CAST(fx_rate AS VARCHAR) FROM invoices ORDER BY ALL`,
		`SELECT payment_id, customer_id, invoice_id, payment_date, CAST(amount AS VARCHAR),
			CAST(original_amount AS VARCHAR), original_currency, CAST(fx_rate AS VARCHAR) FROM payments ORDER BY ALL`,
		`SELECT customer_id, invoice_id, source_id, CAST(amount AS VARCHAR), allocated_on FROM payment_allocations ORDER BY ALL`,
		`SELECT currency, rate_date, CAST(per_eur AS VARCHAR) FROM exchange_rates ORDER BY ALL`,
	} {
		d.WriteString(ingesttest.Dump(t, db, q) + "--\n")
	}
	return d.String()
}

func TestRatesDailyFile(t *testing.T) {
	// The day's file spells the date out and puts a space after each comma.
	db := storetest.MustOpen(t)
	mustIngest(t, db, Options{}, storetest.WriteFiles(t, "eurofxref.csv", "Date, USD, JPY, \n03 January 2025, 1.0299, 162.77, \n")...)
	got := ingesttest.Dump(t, db, `SELECT currency, CAST(rate_date AS VARCHAR), CAST(per_eur AS VARCHAR) FROM exchange_rates ORDER BY ALL`)
	if want := "JPY 2025-01-03 162.77000000\nUSD 2025-01-03 1.02990000\n"; got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
}

func mustMoney(t *testing.T, s string) creditflow.Money {
	t.Helper()
	m, err := creditflow.ParseMoney(s)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func mustDate(t *testing.T, s string) creditflow.Date {
	t.Helper()
	d, err := creditflow.ParseDate(s)
	if err != nil {
		t.Fatal(err)
	}
	return d
}
