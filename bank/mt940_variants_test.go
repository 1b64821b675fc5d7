package bank

import (
	"context"
	"errors"
	"path/filepath"
	"strings"
	"testing"

	"github.com/creditflow/creditflow"
	"github.com/creditflow/creditflow/ingest"
)

// mt940Testdata is where bank/mt940 keeps its hand-made statements.
func mt940Testdata(name string) string { return filepath.Join("mt940", "testdata", name) }

// The MT940 layouts that differ from the SWIFT rules are recognised by
// their content and booked like any statement: credits matched to the
// ledger's invoices, the rest left unmatched.
func TestIngestMT940Variants(t *testing.T) {
	db := bankLedger(t)
	res := mustIngest(t, db, ingest.Options{}, mt940Testdata("rabobank_old.sta"), mt940Testdata("no_type_code.sta"))
	for _, f := range res.Files {
		if f.Kind != ingest.BankStatements || f.Format != ingest.MT940 {
			t.Errorf("file %s: %s %s, want bank_statements mt940", f.File, f.Kind, f.Format)
		}
	}
	s := res.Statements
	if s == nil {
		t.Fatal("no statement result")
	}
	if s.Transactions != 9 || s.Credits != 7 || s.Debits != 2 {
		t.Errorf("statement result = %+v, want 9 transactions, 7 credits, 2 debits", *s)
	}
	got := rows(t, db, `SELECT CAST(value_date AS VARCHAR), CAST(amount AS VARCHAR), status, coalesce(customer_id, '-'), coalesce(invoice_ids, '-'), coalesce(rule, '-')
		FROM bank_transactions ORDER BY entry_no`)
	want := strings.Join([]string{
		// The old Rabobank file: a betalingskenmerk, an invoice number in
		// the text, a debit, a payer nobody knows, and a customer known
		// only by the name in the :61: line.
		"2025-02-10 100.00 matched C1 INV-2025-000001 structured_reference",
		"2025-02-10 250.00 matched C1 INV-2025-000002 invoice_in_text",
		"2025-02-10 -30.00 debit - - -",
		"2025-02-11 123.45 unmatched - - -",
		"2025-02-11 60.00 matched C2 INV-2025-000005 name_amount",
		// The :61: lines without a type code.
		"2025-02-12 40.25 matched C2 INV-2025-000004 invoice_in_text",
		"2025-02-12 500.00 matched C3 INV-2025-000006 name_amount",
		"2025-02-12 75.50 matched C1 INV-2025-000003 invoice_in_text",
		"2025-02-12 -12.10 debit - - -",
	}, "\n")
	if got != want {
		t.Errorf("bank transactions:\n%s\nwant:\n%s", got, want)
	}
	// The bank references of the lines without a type code are their ids.
	if got := rows(t, db, `SELECT transaction_id FROM bank_transactions WHERE account = 'NL98INGB0000000002EUR' ORDER BY entry_no`); !strings.HasPrefix(got, "B5B12XK1\nB5B12XK2\nmt940:") {
		t.Errorf("transaction ids:\n%s", got)
	}
}

// A statement line that cannot be read rejects the file the way a bad CSV
// cell does: a FileError naming the line and the field, and nothing loaded.
func TestIngestMT940BrokenLine(t *testing.T) {
	db := bankLedger(t)
	opt := ingest.Options{Statements: BookStatements}
	_, err := ingest.Files(context.Background(), db, []string{mt940Testdata("rabobank_old_broken.sta")}, opt)
	var fe *ingest.FileError
	if !errors.As(err, &fe) || !errors.Is(err, creditflow.ErrInvalid) {
		t.Fatalf("want a FileError, got %T %v", err, err)
	}
	want := `rabobank_old_broken.sta: line 8, field :61:: expected a value date as YYMMDD, like 250131, found "251302C000000000250.00N5..."`
	if !strings.HasSuffix(err.Error(), want) {
		t.Errorf("error:\n%s\nwant it to end in:\n%s", err, want)
	}
	wantProblem := ingest.Problem{Line: 8, Column: ":61:", Value: "251302C000000000250.00N5...", Expected: "a value date as YYMMDD, like 250131"}
	if len(fe.Problems) != 1 || fe.Problems[0] != wantProblem || fe.Total != 1 || fe.Format != ingest.MT940 {
		t.Errorf("file error = %+v, want the one problem %+v", *fe, wantProblem)
	}
	if n := rows(t, db, `SELECT count(*) FROM bank_transactions`); n != "0" {
		t.Errorf("%s bank transactions loaded from a rejected file, want 0", n)
	}
}
