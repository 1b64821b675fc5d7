package match

import (
	"math/rand/v2"
	"slices"
	"testing"
)

// TestRandomLedger matches generated payments whose right answer is known:
// with their references every one must be found; with only the known IBAN
// and the exact amount of one invoice at least 95%. Where several open
// invoices of the customer have the amount, nothing on the statement tells
// them apart: the match names the customer only (right, on account), and a
// match above the threshold that names the wrong invoice is allowed only
// when that invoice has the same amount.
func TestRandomLedger(t *testing.T) {
	tests := []struct {
		name     string
		spec     ledgerSpec
		minRight float64
	}{
		{"references", ledgerSpec{mix: [4]float64{1, 0, 0, 0}}, 1},
		{"invoice numbers in text", ledgerSpec{mix: [4]float64{0, 1, 0, 0}}, 1},
		{"known IBAN and amount", ledgerSpec{mix: [4]float64{0, 0, 1, 0}}, 0.95},
		// Fixed prices (subscriptions, standard fees) make equal amounts
		// common: those payments are booked to the customer only.
		{"known IBAN and fixed prices", ledgerSpec{mix: [4]float64{0, 0, 1, 0}, prices: 40}, 0.9},
		{"mixed", ledgerSpec{mix: [4]float64{0.6, 0.25, 0.1, 0.05}}, 0.95},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := rand.New(rand.NewPCG(7, 11))
			spec := tt.spec
			spec.customers, spec.invoices, spec.allKnown = 400, 8000, true
			l := genLedger(r, spec)
			m := New(l.customers, l.invoices, l.accounts)
			byID := make(map[string]Invoice, len(l.invoices))
			for _, inv := range l.invoices {
				byID[inv.ID] = inv
			}
			right, onAccount, wrongSure, equalAmounts := 0, 0, 0, 0
			for _, p := range l.payments {
				cands := m.Candidates(p.tx)
				if len(cands) == 0 {
					t.Fatalf("%s paying %s: no candidates", p.tx.ID, p.invoice)
				}
				best := cands[0]
				ok := best.CustomerID == p.cust && slices.Equal(best.InvoiceIDs, []string{p.invoice})
				switch {
				case ok:
					right++
				case best.CustomerID == p.cust && len(best.InvoiceIDs) == 0 && best.Confidence >= 0.8:
					right++
					onAccount++
				case best.Confidence >= 0.8:
					if len(best.InvoiceIDs) == 1 && sameAmount(byID, best.InvoiceIDs[0], p.invoice) {
						equalAmounts++
					} else {
						wrongSure++
						t.Errorf("%s paying %s (%s): got %+v", p.tx.ID, p.invoice, p.cust, best)
					}
				}
				if best.Confidence >= 0.8 {
					m.Book(p.tx, best)
				}
			}
			share := float64(right) / float64(len(l.payments))
			t.Logf("%d payments: %.2f%% right (%d of them to the customer only), %d to another invoice of the same amount above 0.8",
				len(l.payments), 100*share, onAccount, equalAmounts)
			if share < tt.minRight {
				t.Errorf("%.4f right, want at least %.4f", share, tt.minRight)
			}
		})
	}
}

// sameAmount reports whether two invoices of one customer were issued
// for the same amount: the matcher booked the older, the payer meant the
// newer, and nothing on the statement tells them apart.
func sameAmount(byID map[string]Invoice, got, want string) bool {
	g, w := byID[got], byID[want]
	return g.CustomerID == w.CustomerID && g.Open == w.Open
}
