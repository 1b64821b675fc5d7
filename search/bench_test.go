package search_test

import (
	"context"
	"fmt"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/creditflow/creditflow/bank"
	"github.com/creditflow/creditflow/demo"
	"github.com/creditflow/creditflow/ingest"
	"github.com/creditflow/creditflow/search"
	"github.com/creditflow/creditflow/store/storetest"
)

// BenchmarkFind searches the default demo ledger (500 customers, 50,000
// invoices, three months of bank statements, as `creditflow serve --demo`
// loads it) for each kind of thing a person types, as the search box asks
// (10 of each kind), and reports the slowest and the 95th percentile of
// each query in milliseconds. The search box wants less than 100 ms. Run
// it once:
//
//	go test -run '^$' -bench Find -benchtime 1x ./search/
func BenchmarkFind(b *testing.B) {
	ctx := context.Background()
	now := time.Date(2026, 12, 7, 9, 0, 0, 0, time.UTC)
	dir := b.TempDir()
	cfg := demo.DefaultConfig(now)
	cfg.Statements, cfg.StatementMonths = true, 3
	if _, err := demo.Generate(ctx, dir, cfg); err != nil {
		b.Fatal(err)
	}
	paths := []string{filepath.Join(dir, demo.CustomersFile), filepath.Join(dir, demo.InvoicesFile),
		filepath.Join(dir, demo.PaymentsFile), filepath.Join(dir, demo.CustomerAccountsFile)}
	statements, err := filepath.Glob(filepath.Join(dir, demo.StatementsDir, "*"))
	if err != nil {
		b.Fatal(err)
	}
	db := storetest.MustOpen(b)
	if _, err := ingest.Files(ctx, db, append(paths, statements...), ingest.Options{Now: func() time.Time { return now }, Statements: bank.BookStatements}); err != nil {
		b.Fatal(err)
	}
	start := time.Now()
	ix, err := search.NewIndex(ctx, db)
	if err != nil {
		b.Fatal(err)
	}
	fmt.Printf("index of %d customers made in %.1f ms\n", ix.Customers(), ms(time.Since(start)))

	// Texts of each kind, taken from the ledger.
	var invoice, iban, reference, e2e, unmatched string
	for _, q := range []struct {
		sql  string
		dest *string
	}{
		{`SELECT invoice_id FROM invoices ORDER BY invoice_id LIMIT 1 OFFSET 25000`, &invoice},
		{`SELECT iban FROM customer_accounts ORDER BY iban LIMIT 1 OFFSET 100`, &iban},
		{`SELECT reference FROM payments WHERE reference LIKE 'Deelbetaling%' ORDER BY payment_id LIMIT 1`, &reference},
		{`SELECT end_to_end_id FROM bank_transactions WHERE end_to_end_id LIKE 'SDD-%' ORDER BY entry_no LIMIT 1`, &e2e},
		{`SELECT remittance_text FROM bank_transactions WHERE status = 'unmatched' AND remittance_text IS NOT NULL ORDER BY entry_no LIMIT 1`, &unmatched},
	} {
		if err := db.QueryRowContext(ctx, q.sql).Scan(q.dest); err != nil {
			b.Fatalf("%s: %v", q.sql, err)
		}
	}
	queries := []struct{ what, text string }{
		{"name, 1 letter", "b"},
		{"name, 3 letters", "jan"},
		{"name, accents", "cafe"},
		{"customer id", "C000163"},
		{"invoice number", invoice},
		{"invoice, part", invoice[len(invoice)-6:]},
		{"IBAN with spaces", iban[:4] + " " + iban[4:8] + " " + iban[8:12]},
		{"payment reference", reference},
		{"end-to-end id", e2e},
		{"unmatched remittance", unmatched},
		{"nothing", "zzzz-nothing"},
	}
	const rounds = 20
	b.ResetTimer()
	for b.Loop() {
		var all []time.Duration
		for _, q := range queries {
			var times []time.Duration
			var n int
			for range rounds {
				start := time.Now()
				hits, err := ix.Find(ctx, db, search.Query{Text: q.text, Limit: 10})
				if err != nil {
					b.Fatal(err)
				}
				times = append(times, time.Since(start))
				n = len(hits)
			}
			slices.Sort(times)
			all = append(all, times...)
			fmt.Printf("%-22s %-28q %3d hits  median %6.1f ms  max %6.1f ms\n", q.what, q.text, n, ms(times[len(times)/2]), ms(times[len(times)-1]))
		}
		slices.Sort(all)
		p95 := all[(len(all)*95+99)/100-1]
		fmt.Printf("p95 %.1f ms, max %.1f ms over %d searches\n", ms(p95), ms(all[len(all)-1]), len(all))
		b.ReportMetric(ms(p95), "p95-ms")
		b.ReportMetric(ms(all[len(all)-1]), "max-ms")
	}
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }
