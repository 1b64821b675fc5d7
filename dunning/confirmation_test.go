package dunning_test

import (
	"bytes"
	"strings"
	"testing"

	"github.com/creditflow/creditflow/dunning"
)

// An arrangement with instalments gets one confirmation letter with its
// schedule; once the confirmation is sent, it is not due again.
func TestArrangementConfirmation(t *testing.T) {
	db := loadLedger(t, ledgerA1)
	for _, a := range arrangementA(t) {
		record(t, db, a)
	}
	_, letters := lettersOn(t, db, "2025-03-21")
	var got *dunning.DunningLetter
	for i, l := range letters {
		if l.CustomerID == "A" {
			got = &letters[i]
		}
	}
	if got == nil || got.Form != "arrangement_confirmation" {
		t.Fatalf("letters %+v, want A's arrangement confirmation", letters)
	}
	if len(got.Instalments) != 3 || got.Total != money(t, "1000.00") || got.Deadline != day(t, "2025-04-01") {
		t.Errorf("confirmation of %d instalments, total %s, first by %s; want 3, 1000.00, 2025-04-01",
			len(got.Instalments), got.Total, got.Deadline)
	}
	var html bytes.Buffer
	if err := got.HTML(&html); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"Bevestiging van uw betalingsregeling", "Betalingsschema", "1 mei 2025", "€ 400,00", "3 termijnen"} {
		if !strings.Contains(html.String(), want) {
			t.Errorf("confirmation lacks %q", want)
		}
	}
	var pdf bytes.Buffer
	if err := got.PDF(&pdf); err != nil || !bytes.Contains(pdf.Bytes(), []byte("Betalingsschema")) {
		t.Errorf("PDF: %v, schedule missing", err)
	}

	record(t, db, dunning.NewAction{CustomerID: "A", Type: dunning.LetterSent, Step: dunning.ArrangementConfirmationStep,
		ActionDate: day(t, "2025-03-21")})
	_, letters = lettersOn(t, db, "2025-03-22")
	for _, l := range letters {
		if l.CustomerID == "A" {
			t.Errorf("A gets a %s after the confirmation was sent", l.Form)
		}
	}
}
