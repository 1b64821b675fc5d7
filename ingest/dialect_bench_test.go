package ingest

import (
	"context"
	"encoding/csv"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/charmap"

	"github.com/creditflow/creditflow/store"
)

// BenchmarkIngestDialect times the ingest of the generated ledger's
// invoices as they come out of a Dutch accounting package (semicolons,
// Windows-1252, decimal commas, dd-mm-yyyy, Dutch names) and as an XLSX
// sheet, against the canonical CSV of the same invoices; the customers and
// payments are canonical in all three. The difference is the pre-pass.
func BenchmarkIngestDialect(b *testing.B) {
	dir := benchLedger(b)
	canonical := filepath.Join(dir, "invoices.csv")
	out := b.TempDir()
	dutch := filepath.Join(out, "facturen.csv")
	xlsx := filepath.Join(out, "facturen.xlsx")
	writeDutchInvoices(b, canonical, dutch, xlsx)
	ctx := context.Background()
	// The pre-pass alone: telling, hashing and rewriting the file.
	for _, tc := range []struct{ name, invoices string }{
		{"describe_canonical", canonical}, {"describe_dutch_csv", dutch}, {"describe_xlsx", xlsx},
	} {
		b.Run(tc.name, func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				if _, err := describe(tc.invoices, tc.invoices, "", nil, b.TempDir()); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
	for _, tc := range []struct{ name, invoices string }{
		{"canonical", canonical}, {"dutch_csv", dutch}, {"xlsx", xlsx},
	} {
		b.Run(tc.name, func(b *testing.B) {
			files := []string{filepath.Join(dir, "customers.csv"), tc.invoices, filepath.Join(dir, "payments.csv")}
			for i := 0; i < b.N; i++ {
				b.StopTimer()
				db, err := store.Open(ctx, filepath.Join(b.TempDir(), "ingest.duckdb"))
				if err != nil {
					b.Fatal(err)
				}
				b.StartTimer()
				start := time.Now()
				if _, err := Files(ctx, db, files, Options{}); err != nil {
					b.Fatal(err)
				}
				b.ReportMetric(time.Since(start).Seconds(), "ingest_s")
				b.StopTimer()
				db.Close()
			}
		})
	}
}

// writeDutchInvoices converts the canonical invoices file into a Dutch
// export and an XLSX workbook with date and number cells.
func writeDutchInvoices(b *testing.B, canonical, dutch, xlsx string) {
	b.Helper()
	in, err := os.Open(canonical)
	if err != nil {
		b.Fatal(err)
	}
	defer in.Close()
	rows, err := csv.NewReader(in).ReadAll()
	if err != nil {
		b.Fatal(err)
	}
	names := map[string]string{"invoice_id": "Factuurnummer", "customer_id": "Debiteurnummer", "invoice_date": "Factuurdatum",
		"due_date": "Vervaldatum", "amount": "Totaal incl. BTW", "currency": "Valuta", "disputed": "Betwist", "description": "Omschrijving"}
	header := rows[0]
	f, err := os.Create(dutch)
	if err != nil {
		b.Fatal(err)
	}
	w := csv.NewWriter(charmap.Windows1252.NewEncoder().Writer(f))
	w.Comma = ';'
	wb := excelize.NewFile()
	defer wb.Close()
	sw, err := wb.NewStreamWriter("Sheet1")
	if err != nil {
		b.Fatal(err)
	}
	for r, row := range rows {
		nl := make([]string, len(row))
		cells := make([]any, len(row))
		for i, v := range row {
			nl[i], cells[i] = v, v
			switch h := header[i]; {
			case r == 0:
				if n, ok := names[h]; ok {
					nl[i], cells[i] = n, n
				}
			case h == "invoice_date" || h == "due_date":
				if t, err := time.Parse("2006-01-02", v); err == nil {
					nl[i], cells[i] = t.Format("02-01-2006"), t
				}
			case h == "amount":
				nl[i] = dutchAmount(v)
				if a, err := strconv.ParseFloat(v, 64); err == nil {
					cells[i] = a
				}
			case h == "disputed":
				nl[i] = map[string]string{"true": "ja", "false": "nee"}[v]
				cells[i] = nl[i]
			}
		}
		if err := w.Write(nl); err != nil {
			b.Fatal(err)
		}
		cell, _ := excelize.CoordinatesToCellName(1, r+1)
		if err := sw.SetRow(cell, cells); err != nil {
			b.Fatal(err)
		}
	}
	w.Flush()
	if err := w.Error(); err != nil {
		b.Fatal(err)
	}
	if err := f.Close(); err != nil {
		b.Fatal(err)
	}
	if err := sw.Flush(); err != nil {
		b.Fatal(err)
	}
	if err := wb.SaveAs(xlsx); err != nil {
		b.Fatal(err)
	}
}

// dutchAmount writes 1234.56 as 1.234,56.
func dutchAmount(v string) string {
	neg := strings.HasPrefix(v, "-")
	v = strings.TrimPrefix(v, "-")
	whole, frac, _ := strings.Cut(v, ".")
	var g []string
	for len(whole) > 3 {
		g = append([]string{whole[len(whole)-3:]}, g...)
		whole = whole[:len(whole)-3]
	}
	s := strings.Join(append([]string{whole}, g...), ".")
	if frac != "" {
		s += "," + frac
	}
	if neg {
		s = "-" + s
	}
	return s
}
