package bank

import (
	"context"
	"testing"

	"github.com/creditflow/creditflow/ingest"
	"github.com/creditflow/creditflow/store/storetest"
)

// TestLetterReferenceMatches: a stranger's payment that quotes the payment
// reference of a sent dunning letter is booked to the letter's customer
// and invoices, oldest first; the reference of a letter that was not sent
// matches nothing.
func TestLetterReferenceMatches(t *testing.T) {
	db := bankLedger(t)
	_, err := db.ExecContext(context.Background(), `INSERT INTO dunning_letters (customer_id, step, form, sent_by, letter_date,
		reference, to_address, language, subject, principal, interest, costs, total, invoice_ids, status, created_at)
	VALUES ('C1', 'aanmaning', 'aanmaning', 'print', DATE '2025-02-01', 'C1-20250201', '', 'nl', 'Aanmaning',
		425.50, 0, 0, 425.50, ['INV-2025-000001', 'INV-2025-000002', 'INV-2025-000003'], 'sent', TIMESTAMP '2025-02-01 09:00:00'),
	       ('C2', 'reminder', 'friendly_reminder', 'email', DATE '2025-02-01', 'C2-20250201', 'jan@example.nl', 'nl', 'Herinnering',
		100.25, 0, 0, 100.25, ['INV-2025-000004', 'INV-2025-000005'], 'failed', TIMESTAMP '2025-02-01 09:00:00')`)
	if err != nil {
		t.Fatal(err)
	}
	mustIngest(t, db, ingest.Options{}, storetest.WriteFiles(t, "afschrift.xml", camtStatement("L1",
		camtEntry{ref: "L1", date: "2025-02-08", amount: "300.00", ind: "CRDT", name: "Administratiekantoor", iban: stranger,
			ustrd: "betaling kenmerk C1-20250201"},
		camtEntry{ref: "L2", date: "2025-02-08", amount: "100.25", ind: "CRDT", name: "Administratiekantoor", iban: smitFirst,
			ustrd: "C2-20250201"}))...)
	got := rows(t, db, `SELECT transaction_id, status, coalesce(customer_id, '-'), coalesce(invoice_ids, '-'), coalesce(rule, '-')
		FROM bank_transactions ORDER BY entry_no`)
	want := "L1 matched C1 INV-2025-000001 INV-2025-000002 letter_reference\nL2 unmatched - - -"
	if got != want {
		t.Errorf("bank transactions:\n%s\nwant:\n%s", got, want)
	}
}
