package demo

import (
	"context"
	"os"
	"testing"
)

// BenchmarkGenerate1M generates a ledger of a million invoices and reports
// the size of each file.
func BenchmarkGenerate1M(b *testing.B) {
	cfg := Config{Customers: 50_000, Invoices: 1_000_000, Seed: 1, End: testEnd, Years: 3}
	dir := b.TempDir()
	var sum Summary
	for b.Loop() {
		var err error
		if sum, err = Generate(context.Background(), dir, cfg); err != nil {
			b.Fatal(err)
		}
	}
	total := int64(0)
	for _, f := range sum.Files {
		fi, err := os.Stat(f)
		if err != nil {
			b.Fatal(err)
		}
		total += fi.Size()
		b.Logf("%s: %d bytes", fi.Name(), fi.Size())
	}
	b.Logf("%d customers, %d invoices, %d payments", sum.Customers, sum.Invoices, sum.Payments)
	b.ReportMetric(float64(total)/1e6, "MB")
}
