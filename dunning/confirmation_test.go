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

// A letter prints the debtor's postal address from the customers file's
// address, postal_code and city columns, with the country when abroad.
func TestLetterPostalAddress(t *testing.T) {
	header := "customer_id,name,country,segment,kind,payment_terms_days,credit_limit,registration_id,email,phone,address,postal_code,city\n"
	db := loadLedgerHeader(t, header, ledger{
		customers: `
A,Alfa B.V.,NL,retail,b2b,30,,,,,Dorpsstraat 12,1234 AB,Utrecht
B,Beta GmbH,DE,retail,b2b,30,,,,,Hauptstraße 5,50667,Köln
`,
		invoices: invoiceA1 + "B1,B,2025-01-30,2025-03-01,1000.00,EUR,false,\n",
	})
	_, letters := lettersOn(t, db, "2025-03-02")
	want := map[string][]string{"A": {"Dorpsstraat 12", "1234 AB  Utrecht"}, "B": {"Hauptstraße 5", "50667  Köln", "DE"}}
	for _, l := range letters {
		if strings.Join(l.Address, "|") != strings.Join(want[l.CustomerID], "|") {
			t.Errorf("%s: address %q, want %q", l.CustomerID, l.Address, want[l.CustomerID])
		}
		var pdf bytes.Buffer
		// The PDF holds its text in cp1252: look for the street's ASCII start.
		if err := l.PDF(&pdf); err != nil || !bytes.Contains(pdf.Bytes(), []byte(want[l.CustomerID][0][:8])) {
			t.Errorf("%s: PDF without the street line (%v)", l.CustomerID, err)
		}
		delete(want, l.CustomerID)
	}
	if len(want) > 0 {
		t.Errorf("no letters for %v", want)
	}
}
