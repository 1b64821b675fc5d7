package ingest

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/creditflow/creditflow/ingest/ingesttest"
	"github.com/creditflow/creditflow/store"
	"github.com/creditflow/creditflow/store/storetest"
)

// ledgerFigures is what a ledger must come to whatever the dialect of its
// files: the ledger tables, the descriptions and the aging to the cent.
func ledgerFigures(tb testing.TB, db *store.DB) string {
	tb.Helper()
	return ingesttest.LedgerDump(tb, db) +
		ingesttest.Dump(tb, db, `SELECT invoice_id, description FROM invoices ORDER BY ALL`) +
		ingesttest.Dump(tb, db, `SELECT customer_id, name, country FROM customers ORDER BY ALL`) +
		ingesttest.Dump(tb, db, `SELECT payment_id, reference FROM payments ORDER BY ALL`) +
		ingesttest.Dump(tb, db, strings.NewReplacer("$1", "DATE '2026-11-01'", "$2", "'EUR'").Replace(store.Query("aging")))
}

func dialectFile(parts ...string) string {
	return filepath.Join(append([]string{"testdata", "dialect"}, parts...)...)
}

// writeXLSX writes the canonical ledger's invoices as a workbook the way
// people keep one: Dutch headers on a sheet Facturen, date cells, numbers,
// ja/nee; with notesFirst, an empty sheet Notities comes before it.
func writeXLSX(tb testing.TB, path string, notesFirst bool) {
	tb.Helper()
	f := excelize.NewFile()
	defer f.Close()
	first, second := "Facturen", "Notities"
	if notesFirst {
		first, second = second, first
	}
	f.SetSheetName("Sheet1", first)
	if _, err := f.NewSheet(second); err != nil {
		tb.Fatal(err)
	}
	d := func(s string) time.Time { t, _ := time.Parse("2006-01-02", s); return t }
	rows := [][]any{
		{"Factuurnummer", "Debiteurnummer", "Factuurdatum", "Vervaldatum", "Bedrag", "Valuta", "Betwist", "Omschrijving"},
		{"F2026-001", "C1", d("2026-08-03"), d("2026-09-02"), "€ 1.234,56", "EUR", "nee", "Café levering"}, // typed as text
		{"F2026-002", "C1", d("2026-09-15"), d("2026-10-15"), 250.0, "EUR", "ja", "Onderhoud"},
		{"F2026-003", "C2", d("2026-10-20"), d("2026-11-19"), 12000, "EUR", "nee", "Machines"},
		{"F2026-004", "C2", d("2026-10-25"), d("2026-11-24"), -150.25, "EUR", "nee", "Creditnota"},
		{"F2026-005", "C1", d("2026-07-13"), d("2026-08-12"), 99.99, "EUR", "nee", "Kleine order"},
	}
	for i, r := range rows {
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		if err := f.SetSheetRow("Facturen", cell, &r); err != nil {
			tb.Fatal(err)
		}
	}
	if err := f.SaveAs(path); err != nil {
		tb.Fatal(err)
	}
}

// TestIngestDialects loads the same ledger in every dialect and wants the
// same ledger and aging as from the canonical files.
func TestIngestDialects(t *testing.T) {
	canonical := []string{dialectFile("canonical", "customers.csv"), dialectFile("canonical", "invoices.csv"), dialectFile("canonical", "payments.csv")}
	db := storetest.MustOpen(t)
	mustIngest(t, db, Options{}, canonical...)
	want := ledgerFigures(t, db)
	if !strings.Contains(want, "Café levering") || !strings.Contains(want, "1234.56") {
		t.Fatalf("canonical ledger:\n%s", want)
	}

	xlsx := filepath.Join(t.TempDir(), "facturen.xlsx")
	writeXLSX(t, xlsx, true)
	firstSheet := filepath.Join(t.TempDir(), "invoices-2026.xlsx")
	writeXLSX(t, firstSheet, false)
	mapping, err := ReadMapping(dialectFile("mapped", "mapping.json"))
	if err != nil {
		t.Fatal(err)
	}
	xlsxMapping := Mapping{"invoices": {Sheet: "Facturen"}}
	for _, tc := range []struct {
		name     string
		invoices string
		opt      Options
		others   []string
		want     Detection
	}{
		{name: "semicolon, Windows-1252, decimal comma, dd-mm-yyyy, Dutch names", invoices: dialectFile("dutch", "facturen.csv"),
			others: []string{dialectFile("dutch", "debiteuren.csv"), dialectFile("dutch", "betalingen.csv")},
			want:   Detection{Format: "csv", Delimiter: "semicolon", Encoding: "Windows-1252", DecimalStyle: "1.234,56", DateStyle: "dd-mm-yyyy", KindFrom: "header"}},
		{name: "tab, BOM, English names, dd/mm/yyyy", invoices: dialectFile("tab", "invoices.txt"),
			want: Detection{Format: "csv", Delimiter: "tab", Encoding: "UTF-8 with BOM", DecimalStyle: "1,234.56", DateStyle: "dd-mm-yyyy", KindFrom: "name"}},
		{name: "mapping file", invoices: dialectFile("mapped", "export.csv"), opt: Options{Mapping: mapping},
			want: Detection{Format: "csv", Delimiter: "semicolon", Encoding: "UTF-8", DecimalStyle: "1.234,56", DateStyle: "mm-dd-yyyy", KindFrom: "header"}},
		{name: "xlsx, named sheet", invoices: xlsx, opt: Options{Mapping: xlsxMapping},
			want: Detection{Format: "xlsx", Sheet: "Facturen", DecimalStyle: "1.234,56", DateStyle: "excel", KindFrom: "header"}},
		{name: "xlsx, first sheet", invoices: firstSheet,
			want: Detection{Format: "xlsx", Sheet: "Facturen", DecimalStyle: "1.234,56", DateStyle: "excel", KindFrom: "name"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			db := storetest.MustOpen(t)
			files := tc.others
			if files == nil {
				files = []string{canonical[0], canonical[2]}
			}
			res := mustIngest(t, db, tc.opt, append(files, tc.invoices)...)
			if got := ledgerFigures(t, db); got != want {
				t.Errorf("ledger differs from the canonical one:\n%s\nwant:\n%s", got, want)
			}
			var det *Detection
			for _, f := range res.Files {
				if f.File == tc.invoices {
					det = f.Dialect
				}
			}
			if det == nil {
				t.Fatalf("no detection for %s in %+v", tc.invoices, res.Files)
			}
			got := *det
			got.Columns, got.Constants = nil, nil
			if !reflect.DeepEqual(got, tc.want) {
				t.Errorf("detected %+v, want %+v", got, tc.want)
			}
			if len(det.Columns) < 5 || det.Columns[0].Column != "invoice_id" {
				t.Errorf("columns %+v", det.Columns)
			}
		})
	}
}

// TestIngestDialectRefusals wants files the pre-pass cannot read refused
// with the words a finance person understands, and nothing loaded.
func TestIngestDialectRefusals(t *testing.T) {
	for _, tc := range []struct {
		name  string
		files []string
		opt   Options
		want  []string
	}{
		{name: "ambiguous dates", files: []string{dialectFile("ambiguous", "facturen.csv")},
			want: []string{"facturen.csv: rejected, 1 problem(s)", "line 2, column Factuurdatum",
				"every date of column Factuurdatum reads as day-month and as month-day",
				`is 03-08-2026 day-month or month-day? Set "date_style": "dd-mm-yyyy" or "mm-dd-yyyy" for invoices in a mapping file (--mapping)`}},
		{name: "broken cells and a field too many", files: []string{dialectFile("broken", "facturen.csv")},
			want: []string{"facturen.csv: rejected, 3 problem(s); nothing was loaded",
				`line 3, column Factuurdatum: expected a date as dd-mm-yyyy, got "31-13-2026"`,
				`line 4, column Bedrag: expected an amount like 1.234,56, got "veel"`,
				`line 5: expected 5 fields, as in the header; found 6, got "F4,C1,15-10-2026,1,00,z,extra"`}},
		{name: "unmappable columns", files: storetest.WriteFiles(t, "invoices.csv", "Nummer;Wie;Wanneer\nF1;C1;2026-01-01\n"),
			want: []string{"cannot map the columns to invoices: found Nummer, Wie, Wanneer; missing invoice_id, customer_id, invoice_date, amount"}},
		{name: "an unquoted decimal comma in a comma file", files: storetest.WriteFiles(t, "invoices.csv", "invoice_id,customer_id,invoice_date,amount\nF1,C1,2026-01-01,10.00\nF2,C1,2026-01-02,12,50\n"),
			want: []string{"line 3: expected 4 fields, as in the header; found 5", "an amount with a comma (1234,56 or 1,234.56) splits into two fields in a comma-separated file"}},
		{name: "a canonical file with Dutch cells", files: storetest.WriteFiles(t, "invoices.csv", "invoice_id,customer_id,invoice_date,amount\nF1,C1,31-10-2026,\"12,50\"\n"),
			want: []string{"line 2, column invoice_date: expected a date as YYYY-MM-DD, got \"31-10-2026\" (a date with the day or month first: set \"date_style\"",
				"line 2, column amount: expected an amount with a dot", "got \"12,50\" (a decimal comma or thousands separator"}},
		{name: "a duplicate key under its own column name", files: storetest.WriteFiles(t, "facturen.csv", "Factuurnummer;Debiteurnummer;Factuurdatum;Bedrag\nF1;C1;31-10-2026;1,00\nF1;C1;31-10-2026;2,00\n"),
			want: []string{"line 3, column Factuurnummer: expected a unique invoice_id (the same value is on line 2), got \"F1\""}},
		{name: "lines counted as in the original", files: storetest.WriteFiles(t, "facturen.csv", "Factuurnummer;Debiteurnummer;Factuurdatum;Bedrag;Omschrijving\nF1;C1;31-10-2026;1,00;\"twee\nregels\"\n\nF1;C1;31-10-2026;2,00;x\n"),
			want: []string{"line 5, column Factuurnummer: expected a unique invoice_id (the same value is on line 2), got \"F1\""}},
		{name: "a sheet the workbook lacks", files: []string{xlsxFile(t)}, opt: Options{Mapping: Mapping{"invoices": {Sheet: "Blad1"}}},
			want: []string{`invoices.xlsx: the workbook has no worksheet "Blad1"; it has Notities, Facturen`}},
		{name: "every file's problems", files: append(storetest.WriteFiles(t, "customers.csv", "Debiteurnummer;Naam\n;Leeg\n"), dialectFile("broken", "facturen.csv")),
			want: []string{"customers.csv: rejected, 1 problem(s)", "line 2, column Debiteurnummer: expected a value",
				"facturen.csv: rejected, 3 problem(s)"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			db := storetest.MustOpen(t)
			before := ingesttest.LedgerDump(t, db)
			opt := tc.opt
			opt.Now = ingesttest.FixedNow
			_, err := Files(context.Background(), db, tc.files, opt)
			if err == nil {
				t.Fatal("ingest succeeded")
			}
			var fe *FileError
			if !errors.As(err, &fe) {
				t.Fatalf("error %T %v: want a FileError", err, err)
			}
			msg := err.Error()
			for _, w := range tc.want {
				if !strings.Contains(msg, w) {
					t.Errorf("error lacks %q:\n%s", w, msg)
				}
			}
			for _, duck := range []string{"ignore_errors", "strict_mode", "DuckDB", "CSV Error"} {
				if strings.Contains(msg, duck) {
					t.Errorf("error shows the database's own message (%s):\n%s", duck, msg)
				}
			}
			if after := ingesttest.LedgerDump(t, db); after != before {
				t.Errorf("a refused run changed the ledger:\n%s", after)
			}
		})
	}
}

// TestIngestCanonicalTakesTheFastPath wants a canonical file loaded without
// the pre-pass (no detection), and a Windows-1252 one through it.
func TestIngestCanonicalTakesTheFastPath(t *testing.T) {
	db := storetest.MustOpen(t)
	latin := filepath.Join(t.TempDir(), "customers.csv")
	if err := os.WriteFile(latin, []byte("customer_id,name\nC9,Caf\xe9 Noir\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	bom := filepath.Join(t.TempDir(), "customers-bom.csv")
	if err := os.WriteFile(bom, []byte("\xef\xbb\xbfcustomer_id,name\nC8,Met BOM\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	res := mustIngest(t, db, Options{}, dialectFile("canonical", "customers.csv"), latin, bom)
	for _, f := range res.Files {
		if got := f.Dialect != nil; got != (f.File == latin) {
			t.Errorf("%s: pre-pass %v", f.File, got)
		}
	}
	if got := ingesttest.Dump(t, db, `SELECT name FROM customers WHERE customer_id IN ('C8', 'C9') ORDER BY 1`); got != "Café Noir\nMet BOM\n" {
		t.Errorf("name = %q", got)
	}
}

func xlsxFile(tb testing.TB) string {
	path := filepath.Join(tb.TempDir(), "invoices.xlsx")
	writeXLSX(tb, path, true)
	return path
}

// TestIngestDialectKindOption wants the kind option to tell the kind of a
// file whose name and columns would tell another.
func TestIngestDialectKindOption(t *testing.T) {
	db := storetest.MustOpen(t)
	path := storetest.WriteFiles(t, "export.csv", "Debiteurnummer;Naam\nC1;Bakkerij\n")[0]
	res := mustIngest(t, db, Options{Kind: Customers}, path)
	if d := res.Files[0].Dialect; d == nil || d.KindFrom != "kind option" || res.Rows[Customers] != 1 {
		t.Errorf("files %+v, rows %v", res.Files, res.Rows)
	}
}
