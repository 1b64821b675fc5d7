package ingest

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/creditflow/creditflow/ingest/ingesttest"
	"github.com/creditflow/creditflow/store/storetest"
)

func TestSniff(t *testing.T) {
	tests := []struct {
		head   string
		kind   Kind
		format Format
	}{
		{`<?xml version="1.0"?><Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.08">`, BankStatements, Camt},
		{"\ufeff  <Document><BkToCstmrDbtCdtNtfctn>", BankStatements, Camt},
		{`<Invoice xmlns="urn:oasis:names:specification:ubl:schema:xsd:Invoice-2">`, EInvoices, UBL},
		{`<Order xmlns="urn:oasis:names:specification:ubl:schema:xsd:Order-2">`, EInvoices, UBL},
		{"{1:F01INGBNL2AXXXX0000000000}{2:I940INGBNL2AXXXXN}{4:\r\n:20:X", BankStatements, MT940},
		{":20:940S130403\r\n:25:NL69INGB0123456789EUR", BankStatements, MT940},
		{"0000 01INGBNL2AXXXX00001\r\n0000 01INGBNL2AXXXX00001\r\n940 00\r\n:20:P140220000000001\r\n:25:NL", BankStatements, MT940},
		// The old Rabobank layout opens with ":940:", ABN AMRO with header
		// lines, a SWIFT transmission with SOH before the blocks.
		{":940:\r\n:20:940S250210\r\n:25:0300000001EUR\r\n:28:00000/00\r\n:60F:C250207EUR000000001000.00", BankStatements, MT940},
		{":940:\n:20:940S130403\n:25:NL50RABO0123456789\n:28C:0", BankStatements, MT940},
		{"ABNANL2A\r\n940\r\nABNANL2A\r\n:20:ABN AMRO BANK NV\r\n:25:517852257\r\n:28:19321/1", BankStatements, MT940},
		{"\x01{1:F01INGBNL2AXXXX0000000000}{2:I940INGBNL2AXXXXN}{4:\r\n:20:STMT250212\r\n:25:NL98INGB0000000002EUR", BankStatements, MT940},
		{"invoice_id,customer_id\n", "", ""},
		{`<html><body>`, "", ""},
	}
	for _, tt := range tests {
		k, f := sniff([]byte(tt.head))
		if k != tt.kind || f != tt.format {
			t.Errorf("sniff(%.40q) = %s %s, want %s %s", tt.head, k, f, tt.kind, tt.format)
		}
	}
}

func TestIngestEInvoices(t *testing.T) {
	dir := filepath.Join("..", "..", "shared", "fixtures", "en16931_ubl")
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Skipf("UBL fixtures not found in %s: %v", dir, err)
	}
	var paths []string
	for _, e := range entries {
		if strings.EqualFold(filepath.Ext(e.Name()), ".xml") {
			paths = append(paths, filepath.Join(dir, e.Name()))
		}
	}
	if len(paths) == 0 {
		t.Skip("no UBL fixtures")
	}
	// Some fixtures are in Danish, Norwegian or Swedish crowns: rates in the
	// ECB layout for their dates (close to the ECB's, not copied from it).
	rates := storetest.WriteFiles(t, "eurofxref-hist.csv", `
Date,DKK,NOK,SEK,
2019-01-25,7.4651,9.7700,10.2540,
2018-02-08,7.4440,9.6958,9.9373,
2013-06-28,7.4588,7.8845,8.7773,
2013-04-10,7.4549,7.4460,8.3618,
2013-03-11,7.4556,7.4675,8.3520,
`)
	db := storetest.MustOpen(t)
	res := mustIngest(t, db, Options{}, append(paths, rates...)...)
	// Some fixtures are variants of one invoice: the last file of an id wins.
	ids := map[string]bool{}
	for _, p := range paths {
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		_, rest, _ := strings.Cut(string(b), "<cbc:ID>")
		id, _, _ := strings.Cut(rest, "</cbc:ID>")
		ids[id] = true
	}
	if got := res.Rows[EInvoices]; got != int64(len(ids)) {
		t.Errorf("e-invoices loaded %d, want %d", got, len(ids))
	}
	if got := rows(t, db, `SELECT count(*) FROM invoices`); got != fmt.Sprint(len(ids)) {
		t.Errorf("invoices = %s, want %d", got, len(ids))
	}
	if got := rows(t, db, `SELECT count(*) FROM customers WHERE bare OR name IS NULL`); got != "0" {
		t.Errorf("buyers without name: %s", got)
	}
	if got := rows(t, db, `SELECT string_agg(DISTINCT currency) FROM invoices`); got != "EUR" {
		t.Errorf("invoices in %s, want all converted into EUR", got)
	}
	// Again: recognised as identical files.
	again := mustIngest(t, db, Options{}, append(paths, rates...)...)
	for _, f := range again.Files {
		if !f.Skipped {
			t.Errorf("%s not skipped", f.File)
		}
	}
	// An order is refused with a clear error.
	order := storetest.WriteFiles(t, "order.xml", `<?xml version="1.0"?>
<Order xmlns="urn:oasis:names:specification:ubl:schema:xsd:Order-2" xmlns:cbc="urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2"><cbc:ID>1</cbc:ID></Order>`)
	_, err = Files(context.Background(), db, order, Options{Now: ingesttest.FixedNow})
	if err == nil || !strings.Contains(err.Error(), "not an invoice or credit note") {
		t.Errorf("order: %v", err)
	}
}

// A run without a statement booker refuses bank statements before it
// touches the database.
func TestStatementsNeedABooker(t *testing.T) {
	db := storetest.MustOpen(t)
	paths := storetest.WriteFiles(t, "customers.csv", ingesttest.CustomersCSV,
		"afschrift.xml", `<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.02"><BkToCstmrStmt></BkToCstmrStmt></Document>`)
	_, err := Files(context.Background(), db, paths, Options{Now: ingesttest.FixedNow})
	if err == nil || !strings.Contains(err.Error(), "afschrift.xml") || !strings.Contains(err.Error(), "Options.Statements") {
		t.Fatalf("err = %v, want an error naming afschrift.xml and Options.Statements", err)
	}
	if got := rows(t, db, `SELECT (SELECT count(*) FROM customers) + (SELECT count(*) FROM ingest_runs)`); got != "0" {
		t.Errorf("a refused run left %s customers and runs", got)
	}
}
