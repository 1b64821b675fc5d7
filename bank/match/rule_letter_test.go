package match

import (
	"slices"
	"testing"

	"github.com/creditflow/creditflow"
)

func TestLetterReference(t *testing.T) {
	d := func(s string) creditflow.Date { return mustDate(t, s) }
	customers := []Customer{{"C-7", "Bakkerij Jansen B.V."}, {"C8", "Jan de Vries"}}
	invoices := []Invoice{
		{ID: "F1", CustomerID: "C-7", Date: d("2025-01-10"), Open: 10000},
		{ID: "F2", CustomerID: "C-7", Date: d("2025-01-20"), Open: 5000},
		{ID: "F3", CustomerID: "C-7", Date: d("2025-02-20"), Open: 7000}, // not in the letter
		{ID: "G1", CustomerID: "C8", Date: d("2025-01-10"), Open: 0, Amount: 2500},
	}
	m := New(customers, invoices, map[string]string{ibanVries: "C8"})
	m.AddLetter(Letter{Reference: "C-7-20250302", CustomerID: "C-7", InvoiceIDs: []string{"F1", "F2"}})
	m.AddLetter(Letter{Reference: "C8-20250302", CustomerID: "C8", InvoiceIDs: []string{"G1"}})
	m.AddLetter(Letter{Reference: "not a reference", CustomerID: "C8"}) // ignored

	tests := []struct {
		name     string
		tx       creditflow.BankTransaction
		wantCust string
		wantInv  []string
		wantRule Rule
		wantConf float64
	}{
		{"the letter's total, reference in the text",
			creditflow.BankTransaction{Amount: 15000, RemittanceText: "betaling aanmaning C-7-20250302 dank u"},
			"C-7", []string{"F1", "F2"}, RuleLetterReference, confLetter},
		{"lower case, in the structured field",
			creditflow.BankTransaction{Amount: 15000, StructuredRef: "c-7-20250302"},
			"C-7", []string{"F1", "F2"}, RuleLetterReference, confLetter},
		{"glued to a word",
			creditflow.BankTransaction{Amount: 15000, RemittanceText: "KENMERK-C-7-20250302."},
			"C-7", []string{"F1", "F2"}, RuleLetterReference, confLetter},
		{"part payment pays the oldest first",
			creditflow.BankTransaction{Amount: 8000, RemittanceText: "C-7-20250302"},
			"C-7", []string{"F1"}, RuleLetterReference, confLetterPart},
		{"a payer known for another customer lowers it",
			creditflow.BankTransaction{Amount: 8000, RemittanceText: "C-7-20250302", CounterIBAN: ibanVries},
			"C-7", []string{"F1"}, RuleLetterReference, confLetterOtherIBAN},
		{"nothing of the letter open: to the customer, for a person",
			creditflow.BankTransaction{Amount: 2500, RemittanceText: "C8-20250302", CounterIBAN: ibanVries},
			"C8", nil, RuleLetterReference, confLetterNothing},
		{"another date is no letter",
			creditflow.BankTransaction{Amount: 15000, RemittanceText: "C-7-20250303"},
			"", nil, "", 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.tx.BookingDate = d("2025-03-10")
			var best Match
			for _, c := range m.Candidates(tt.tx) {
				if c.Rule == RuleLetterReference {
					best = c
					break
				}
			}
			if best.CustomerID != tt.wantCust || !slices.Equal(best.InvoiceIDs, tt.wantInv) || best.Rule != tt.wantRule || best.Confidence != tt.wantConf {
				t.Errorf("letter candidate %+v, want %s %v %s %.2f", best, tt.wantCust, tt.wantInv, tt.wantRule, tt.wantConf)
			}
		})
	}
}
