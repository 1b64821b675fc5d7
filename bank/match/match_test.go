package match

import (
	"slices"
	"strings"
	"testing"

	"github.com/creditflow/creditflow"
)

func mustDate(tb testing.TB, s string) creditflow.Date {
	tb.Helper()
	d, err := creditflow.ParseDate(s)
	if err != nil {
		tb.Fatal(err)
	}
	return d
}

const (
	ibanJansen  = "NL91ABNA0417164300"
	ibanVries   = "NL20INGB0001234567"
	ibanPieters = "NL44RABO0123456789"
	ibanBoer    = "NL69INGB0123456789"
	ibanUnknown = "NL02ABNA0123456789"
)

// testLedger is a small hand-made ledger: a bakery with two invoices of the
// same amount, two De Vries, an installer paying by RF and a customer whose
// invoices add up in sets.
func testLedger(tb testing.TB) *Matcher {
	tb.Helper()
	d := func(s string) creditflow.Date { return mustDate(tb, s) }
	customers := []Customer{
		{"C1", "Bakkerij Jansen B.V."},
		{"C2", "Jan de Vries"},
		{"C3", "Pietersen Installatietechniek"},
		{"C4", "De Boer & Zn. V.O.F."},
		{"C5", "Johan de Vries"},
	}
	invoices := []Invoice{
		{ID: "INV-2024-000123", CustomerID: "C1", Date: d("2024-01-10"), Open: 12100},
		{ID: "INV-2024-000130", CustomerID: "C1", Date: d("2024-01-20"), Open: 25000},
		{ID: "INV-2024-000140", CustomerID: "C1", Date: d("2024-02-01"), Open: 12100},
		{ID: "INV-2024-000200", CustomerID: "C2", Date: d("2024-01-15"), Open: 9995, PaymentReference: Betalingskenmerk("777000111")},
		{ID: "INV-2024-000300", CustomerID: "C3", Date: d("2024-01-05"), Open: 50000, PaymentReference: RFReference("ABC123")},
		{ID: "INV-2024-000401", CustomerID: "C4", Date: d("2024-01-02"), Open: 11000},
		{ID: "INV-2024-000402", CustomerID: "C4", Date: d("2024-01-03"), Open: 23000},
		{ID: "INV-2024-000403", CustomerID: "C4", Date: d("2024-01-04"), Open: 37000},
		{ID: "INV-2024-000404", CustomerID: "C4", Date: d("2024-01-05"), Open: 49000},
		{ID: "INV-2024-000405", CustomerID: "C4", Date: d("2024-03-01"), Open: 77700}, // after the payments
		{ID: "INV-2024-000500", CustomerID: "C5", Date: d("2024-01-15"), Open: 9995},
	}
	accounts := map[string]string{ibanJansen: "C1", ibanBoer: "C4", ibanPieters: "C3"}
	return New(customers, invoices, accounts)
}

// typo changes the digit at position i of a reference.
func typo(ref string, i int) string {
	b := []byte(ref)
	b[i] = '0' + (b[i]-'0'+3)%10
	return string(b)
}

func TestCandidates(t *testing.T) {
	kenmerk123 := Betalingskenmerk("2024000123")
	spaced := kenmerk123[:4] + " " + kenmerk123[4:8] + " " + kenmerk123[8:12] + " " + kenmerk123[12:]
	rf130 := RFReference("2024000130")
	tests := []struct {
		name     string
		tx       creditflow.BankTransaction
		wantCust string   // "" when no candidate may be returned
		wantInv  []string // of the best candidate
		wantRule Rule
		minConf  float64
		maxConf  float64
	}{
		{
			name:     "betalingskenmerk names the invoice by its digits",
			tx:       creditflow.BankTransaction{Amount: 12100, StructuredRef: kenmerk123, CounterIBAN: ibanUnknown},
			wantCust: "C1", wantInv: []string{"INV-2024-000123"}, wantRule: RuleStructuredReference,
			minConf: 0.99, maxConf: 0.99,
		},
		{
			name:     "betalingskenmerk in the text, in groups",
			tx:       creditflow.BankTransaction{Amount: 12100, RemittanceText: "betalingskenmerk " + spaced + " dank u"},
			wantCust: "C1", wantInv: []string{"INV-2024-000123"}, wantRule: RuleStructuredReference,
			minConf: 0.99, maxConf: 0.99,
		},
		{
			// The check digit maps two remainders to one digit: a typo can
			// pass it, so a part payment from a stranger waits for a person.
			name:     "betalingskenmerk, part of the amount, nothing confirms the payer",
			tx:       creditflow.BankTransaction{Amount: 5000, RemittanceText: "betalingskenmerk " + spaced, CounterName: "Visser Transport"},
			wantCust: "C1", wantInv: []string{"INV-2024-000123"}, wantRule: RuleStructuredReference,
			minConf: 0.78, maxConf: 0.78,
		},
		{
			name:     "betalingskenmerk stored with the invoice",
			tx:       creditflow.BankTransaction{Amount: 9995, StructuredRef: Betalingskenmerk("777000111")},
			wantCust: "C2", wantInv: []string{"INV-2024-000200"}, wantRule: RuleStructuredReference,
			minConf: 0.99, maxConf: 0.99,
		},
		{
			name: "betalingskenmerk with a typo is not used",
			tx:   creditflow.BankTransaction{Amount: 33333, StructuredRef: typo(kenmerk123, 12), CounterIBAN: ibanUnknown},
		},
		{
			name:     "betalingskenmerk with a typo falls through to the IBAN",
			tx:       creditflow.BankTransaction{Amount: 25000, StructuredRef: typo(kenmerk123, 12), CounterIBAN: ibanJansen},
			wantCust: "C1", wantInv: []string{"INV-2024-000130"}, wantRule: RuleIBANAmount,
			minConf: 0.9, maxConf: 0.9,
		},
		{
			name:     "RF reference stored with the invoice",
			tx:       creditflow.BankTransaction{Amount: 50000, StructuredRef: RFReference("ABC123")},
			wantCust: "C3", wantInv: []string{"INV-2024-000300"}, wantRule: RuleRFReference,
			minConf: 0.99, maxConf: 0.99,
		},
		{
			name:     "RF reference of the invoice digits, in the text in groups",
			tx:       creditflow.BankTransaction{Amount: 25000, RemittanceText: "ref " + rf130[:4] + " " + rf130[4:8] + " " + rf130[8:]},
			wantCust: "C1", wantInv: []string{"INV-2024-000130"}, wantRule: RuleRFReference,
			minConf: 0.99, maxConf: 0.99,
		},
		{
			name:     "RF reference with a typo is not used",
			tx:       creditflow.BankTransaction{Amount: 25000, StructuredRef: "RF19" + rf130[4:]},
			wantCust: "",
		},
		{
			name:     "invoice number in the text, part of its amount, from the customer's name",
			tx:       creditflow.BankTransaction{Amount: 10000, RemittanceText: "factuur INV-2024-000123", CounterName: "BAKKERIJ JANSEN"},
			wantCust: "C1", wantInv: []string{"INV-2024-000123"}, wantRule: RuleInvoiceInText,
			minConf: 0.95, maxConf: 0.95,
		},
		{
			// A mistyped number can name somebody else's invoice: without
			// the amount, the IBAN or the name, a person checks.
			name:     "invoice number in the text, part of its amount, nothing else points at the customer",
			tx:       creditflow.BankTransaction{Amount: 10000, RemittanceText: "factuur INV-2024-000123", CounterName: "Visser Transport"},
			wantCust: "C1", wantInv: []string{"INV-2024-000123"}, wantRule: RuleInvoiceInText,
			minConf: 0.78, maxConf: 0.78,
		},
		{
			name:     "invoice number in the text and the exact amount",
			tx:       creditflow.BankTransaction{Amount: 12100, RemittanceText: "Factuur: inv-2024-000123."},
			wantCust: "C1", wantInv: []string{"INV-2024-000123"}, wantRule: RuleInvoiceInText,
			minConf: 0.98, maxConf: 0.98,
		},
		{
			name:     "two invoices of one customer: a combined payment",
			tx:       creditflow.BankTransaction{Amount: 37100, RemittanceText: "facturen INV-2024-000123, INV-2024-000130"},
			wantCust: "C1", wantInv: []string{"INV-2024-000123", "INV-2024-000130"}, wantRule: RuleInvoiceInText,
			minConf: 0.96, maxConf: 0.96,
		},
		{
			name:     "invoice number as digits",
			tx:       creditflow.BankTransaction{Amount: 12100, RemittanceText: "fact 2024-000123"},
			wantCust: "C1", wantInv: []string{"INV-2024-000123"}, wantRule: RuleInvoiceInText,
			minConf: 0.98, maxConf: 0.98,
		},
		{
			name:     "invoice number glued to a prefix",
			tx:       creditflow.BankTransaction{Amount: 100, RemittanceText: "factnr.2024000130", CounterName: "Bakkerij Jansen"},
			wantCust: "C1", wantInv: []string{"INV-2024-000130"}, wantRule: RuleInvoiceInText,
			minConf: 0.95, maxConf: 0.95,
		},
		{
			name:     "short numbers are not invoice numbers",
			tx:       creditflow.BankTransaction{Amount: 100, RemittanceText: "bestelling 123 van 12-01"},
			wantCust: "",
		},
		{
			name:     "invoices of two customers: ambiguous",
			tx:       creditflow.BankTransaction{Amount: 100, RemittanceText: "INV-2024-000123 INV-2024-000200"},
			wantCust: "C1", wantInv: []string{"INV-2024-000123"}, wantRule: RuleInvoiceInText,
			minConf: 0.5, maxConf: 0.69,
		},
		{
			// A bookkeeping office or a payment provider pays for several
			// customers: the exact amount makes it believable.
			name:     "invoice of another customer than the known IBAN's, its exact amount",
			tx:       creditflow.BankTransaction{Amount: 9995, RemittanceText: "factuur INV-2024-000200", CounterIBAN: ibanJansen},
			wantCust: "C2", wantInv: []string{"INV-2024-000200"}, wantRule: RuleInvoiceInText,
			minConf: 0.9, maxConf: 0.9,
		},
		{
			name:     "invoice of another customer than the known IBAN's, another amount",
			tx:       creditflow.BankTransaction{Amount: 5000, RemittanceText: "factuur INV-2024-000200", CounterIBAN: ibanJansen},
			wantCust: "C2", wantInv: []string{"INV-2024-000200"}, wantRule: RuleInvoiceInText,
			minConf: 0.75, maxConf: 0.75,
		},
		{
			name:     "known IBAN and the amount of one invoice",
			tx:       creditflow.BankTransaction{Amount: 25000, CounterIBAN: "nl91 abna 0417 1643 00"},
			wantCust: "C1", wantInv: []string{"INV-2024-000130"}, wantRule: RuleIBANAmount,
			minConf: 0.9, maxConf: 0.9,
		},
		{
			// Whole euros and a bigger invoice open: perhaps a part of it.
			name:     "known IBAN, whole euros of one invoice while a bigger one is open",
			tx:       creditflow.BankTransaction{Amount: 37000, CounterIBAN: ibanBoer},
			wantCust: "C4", wantInv: nil, wantRule: RuleIBANAmount,
			minConf: 0.85, maxConf: 0.85,
		},
		{
			name:     "known IBAN, two invoices of that amount: the customer only",
			tx:       creditflow.BankTransaction{Amount: 12100, CounterIBAN: ibanJansen},
			wantCust: "C1", wantInv: nil, wantRule: RuleIBANAmount,
			minConf: 0.85, maxConf: 0.85,
		},
		{
			name:     "known IBAN, the oldest two invoices together",
			tx:       creditflow.BankTransaction{Amount: 11000 + 23000, CounterIBAN: ibanBoer},
			wantCust: "C4", wantInv: []string{"INV-2024-000401", "INV-2024-000402"}, wantRule: RuleIBANAmountSet,
			minConf: 0.85, maxConf: 0.85,
		},
		{
			name:     "known IBAN, a set of three",
			tx:       creditflow.BankTransaction{Amount: 11000 + 37000 + 49000, CounterIBAN: ibanBoer},
			wantCust: "C4", wantInv: []string{"INV-2024-000401", "INV-2024-000403", "INV-2024-000404"}, wantRule: RuleIBANAmountSet,
			minConf: 0.85, maxConf: 0.85,
		},
		{
			name:     "known IBAN, no amount fits: booked to the customer",
			tx:       creditflow.BankTransaction{Amount: 1234, CounterIBAN: ibanBoer},
			wantCust: "C4", wantRule: RuleIBANCustomer,
			minConf: 0.75, maxConf: 0.75,
		},
		{
			name:     "invoice dated after the booking date is ignored",
			tx:       creditflow.BankTransaction{Amount: 77700, CounterIBAN: ibanBoer, RemittanceText: "INV-2024-000405"},
			wantCust: "C4", wantRule: RuleIBANCustomer,
			minConf: 0.75, maxConf: 0.75,
		},
		{
			name:     "name and amount, the same name in capitals",
			tx:       creditflow.BankTransaction{Amount: 25000, CounterName: "BAKKERIJ JANSEN", CounterIBAN: ibanUnknown},
			wantCust: "C1", wantInv: []string{"INV-2024-000130"}, wantRule: RuleNameAmount,
			minConf: 0.85, maxConf: 0.85,
		},
		{
			name:     "name with an initial and the amount of two De Vries",
			tx:       creditflow.BankTransaction{Amount: 9995, CounterName: "J. de Vries"},
			wantCust: "C2", wantInv: []string{"INV-2024-000200"}, wantRule: RuleNameAmount,
			minConf: 0.6, maxConf: 0.7,
		},
		{
			name:     "name only",
			tx:       creditflow.BankTransaction{Amount: 1, CounterName: "Pietersen installatietechniek"},
			wantCust: "C3", wantRule: RuleName,
			minConf: 0.6, maxConf: 0.6,
		},
		{
			name: "unrelated name",
			tx:   creditflow.BankTransaction{Amount: 25000, CounterName: "Garage Smit"},
		},
		{
			name: "debit",
			tx:   creditflow.BankTransaction{Amount: -12100, StructuredRef: kenmerk123, CounterIBAN: ibanJansen},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := testLedger(t)
			tt.tx.BookingDate = mustDate(t, "2024-02-15")
			got := m.Candidates(tt.tx)
			if tt.wantCust == "" {
				if len(got) > 0 {
					t.Fatalf("got %+v, want no candidates", got)
				}
				return
			}
			if len(got) == 0 {
				t.Fatal("no candidates")
			}
			best := got[0]
			if best.CustomerID != tt.wantCust || !slices.Equal(best.InvoiceIDs, tt.wantInv) || best.Rule != tt.wantRule {
				t.Errorf("best = %+v, want %s %v %s", best, tt.wantCust, tt.wantInv, tt.wantRule)
			}
			if best.Confidence < tt.minConf-1e-9 || best.Confidence > tt.maxConf+1e-9 {
				t.Errorf("confidence %.3f, want in [%.2f, %.2f]", best.Confidence, tt.minConf, tt.maxConf)
			}
			checkCandidates(t, got)
		})
	}
}

// checkCandidates checks what every answer of Candidates must satisfy:
// at most five, distinct, best first, confidences in [0,1].
func checkCandidates(t *testing.T, got []Match) {
	t.Helper()
	if len(got) > maxCandidates {
		t.Errorf("%d candidates, want at most %d", len(got), maxCandidates)
	}
	seen := map[string]bool{}
	for i, c := range got {
		k := c.CustomerID + "|" + strings.Join(c.InvoiceIDs, ",")
		if seen[k] {
			t.Errorf("candidate %s twice", k)
		}
		seen[k] = true
		if c.Confidence < 0 || c.Confidence > 1 {
			t.Errorf("confidence %v out of [0,1]", c.Confidence)
		}
		if i > 0 && c.Confidence > got[i-1].Confidence {
			t.Errorf("candidates not best first: %+v", got)
		}
	}
}

// TestBookSequence books payments one after the other, as the ingest does,
// and checks that open amounts and learned accounts carry over.
func TestBookSequence(t *testing.T) {
	type step struct {
		tx       creditflow.BankTransaction
		wantCust string
		wantInv  []string
		wantRule Rule
		wantConf float64
	}
	kenmerk123 := Betalingskenmerk("2024000123")
	tests := []struct {
		name  string
		steps []step
	}{
		{
			name: "equal amounts go to the next invoice once the oldest is paid",
			steps: []step{
				{creditflow.BankTransaction{Amount: 12100, CounterIBAN: ibanJansen}, "C1", nil, RuleIBANAmount, 0.85},
				// Whole euros while INV-2024-000130 (250.00) is open: perhaps a part of it.
				{creditflow.BankTransaction{Amount: 12100, CounterIBAN: ibanJansen}, "C1", nil, RuleIBANAmount, 0.85},
			},
		},
		{
			name: "a reference to a paid invoice: a double payment",
			steps: []step{
				{creditflow.BankTransaction{Amount: 12100, StructuredRef: kenmerk123}, "C1", []string{"INV-2024-000123"}, RuleStructuredReference, 0.99},
				{creditflow.BankTransaction{Amount: 12100, StructuredRef: kenmerk123}, "C1", []string{"INV-2024-000123"}, RuleStructuredReference, 0.9},
			},
		},
		{
			name: "a partial payment leaves the rest open",
			steps: []step{
				{creditflow.BankTransaction{Amount: 10000, RemittanceText: "INV-2024-000130", CounterName: "Bakkerij Jansen"}, "C1", []string{"INV-2024-000130"}, RuleInvoiceInText, 0.95},
				{creditflow.BankTransaction{Amount: 15000, CounterIBAN: ibanJansen}, "C1", []string{"INV-2024-000130"}, RuleIBANAmount, 0.9},
			},
		},
		{
			name: "a payment by reference teaches the account",
			steps: []step{
				{creditflow.BankTransaction{Amount: 9995, StructuredRef: Betalingskenmerk("777000111"), CounterIBAN: ibanVries}, "C2", []string{"INV-2024-000200"}, RuleStructuredReference, 0.99},
				{creditflow.BankTransaction{Amount: 5000, CounterIBAN: ibanVries}, "C2", nil, RuleIBANCustomer, confIBANNothingOpen},
			},
		},
		{
			name: "a match by name does not teach the account",
			steps: []step{
				{creditflow.BankTransaction{Amount: 25000, CounterName: "Bakkerij Jansen", CounterIBAN: ibanVries}, "C1", []string{"INV-2024-000130"}, RuleNameAmount, 0.85},
				{creditflow.BankTransaction{Amount: 12100, CounterIBAN: ibanVries}, "", nil, "", 0},
			},
		},
		{
			name: "an account that paid for two customers is shared",
			steps: []step{
				{creditflow.BankTransaction{Amount: 9995, StructuredRef: Betalingskenmerk("777000111"), CounterIBAN: ibanUnknown}, "C2", []string{"INV-2024-000200"}, RuleStructuredReference, 0.99},
				{creditflow.BankTransaction{Amount: 12100, StructuredRef: kenmerk123, CounterIBAN: ibanUnknown}, "C1", []string{"INV-2024-000123"}, RuleStructuredReference, 0.99},
				{creditflow.BankTransaction{Amount: 25000, CounterIBAN: ibanUnknown}, "", nil, "", 0},
			},
		},
		{
			name: "a booking to the customer pays the oldest invoices",
			steps: []step{
				{creditflow.BankTransaction{Amount: 11000 + 23000 + 150, CounterIBAN: ibanBoer}, "C4", nil, RuleIBANCustomer, 0.75},
				{creditflow.BankTransaction{Amount: 36850, CounterIBAN: ibanBoer}, "C4", []string{"INV-2024-000403"}, RuleIBANAmount, 0.9},
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := testLedger(t)
			for i, s := range tt.steps {
				s.tx.BookingDate = mustDate(t, "2024-02-15")
				got := m.Candidates(s.tx)
				if s.wantCust == "" {
					if len(got) > 0 {
						t.Fatalf("step %d: got %+v, want no candidates", i, got)
					}
					continue
				}
				if len(got) == 0 {
					t.Fatalf("step %d: no candidates", i)
				}
				best := got[0]
				if best.CustomerID != s.wantCust || !slices.Equal(best.InvoiceIDs, s.wantInv) || best.Rule != s.wantRule ||
					best.Confidence < s.wantConf-1e-9 || best.Confidence > s.wantConf+1e-9 {
					t.Fatalf("step %d: best = %+v, want %s %v %s %.2f", i, best, s.wantCust, s.wantInv, s.wantRule, s.wantConf)
				}
				m.Book(s.tx, best)
			}
		})
	}
}

func TestCandidatesDoNotChangeState(t *testing.T) {
	m := testLedger(t)
	tx := creditflow.BankTransaction{Amount: 12100, StructuredRef: Betalingskenmerk("2024000123"), CounterIBAN: ibanVries,
		BookingDate: mustDate(t, "2024-02-15")}
	first := m.Candidates(tx)
	second := m.Candidates(tx)
	if len(first) == 0 || len(first) != len(second) || first[0].Confidence != second[0].Confidence {
		t.Fatalf("Candidates changed state: %+v then %+v", first, second)
	}
	if got := m.Candidates(creditflow.BankTransaction{Amount: 100, CounterIBAN: ibanVries, BookingDate: tx.BookingDate}); len(got) > 0 {
		t.Errorf("Candidates learned the account: %+v", got)
	}
}

func TestAddInvoice(t *testing.T) {
	m := testLedger(t)
	day := mustDate(t, "2024-02-15")
	// An invoice loaded later, older than the bakery's others.
	m.AddInvoice(Invoice{ID: "INV-2023-000999", CustomerID: "C1", Date: mustDate(t, "2023-12-20"), Open: 12100})
	tests := []struct {
		name    string
		tx      creditflow.BankTransaction
		wantInv []string
	}{
		{"by number", creditflow.BankTransaction{Amount: 5, RemittanceText: "factuur INV-2023-000999"}, []string{"INV-2023-000999"}},
		{"equal amounts: the customer only", creditflow.BankTransaction{Amount: 12100, CounterIBAN: ibanJansen}, nil},
		{"by digits in a kenmerk", creditflow.BankTransaction{Amount: 5, StructuredRef: Betalingskenmerk("2023000999")}, []string{"INV-2023-000999"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.tx.BookingDate = day
			got := m.Candidates(tt.tx)
			if len(got) == 0 || !slices.Equal(got[0].InvoiceIDs, tt.wantInv) {
				t.Errorf("got %+v, want %v", got, tt.wantInv)
			}
		})
	}
}

// TestAmbiguousDigits checks that two invoices whose ids have the same
// digits are not told apart by a reference, unless the amount does it.
func TestAmbiguousDigits(t *testing.T) {
	d := mustDate(t, "2024-01-10")
	m := New([]Customer{{"A", "Alfa"}, {"B", "Beta"}}, []Invoice{
		{ID: "A-2024-0001", CustomerID: "A", Date: d, Open: 1000},
		{ID: "B-2024-0001", CustomerID: "B", Date: d, Open: 2000},
	}, nil)
	tx := creditflow.BankTransaction{Amount: 2000, StructuredRef: Betalingskenmerk("20240001"), BookingDate: d}
	got := m.Candidates(tx)
	if len(got) != 2 || got[0].CustomerID != "B" || got[0].Confidence >= 0.8 || got[1].Confidence >= got[0].Confidence {
		t.Errorf("got %+v, want B first below 0.8, then A", got)
	}
}

func TestSubsetSum(t *testing.T) {
	tests := []struct {
		name   string
		vals   []creditflow.Money
		target creditflow.Money
		want   []int8
	}{
		{"oldest two", []creditflow.Money{100, 200, 300}, 300, []int8{0, 1}},
		{"oldest three", []creditflow.Money{100, 200, 300, 900}, 600, []int8{0, 1, 2}},
		{"a pair not at the start", []creditflow.Money{100, 200, 300, 400}, 700, []int8{2, 3}},
		{"four", []creditflow.Money{1, 20, 300, 4000, 50000, 600000}, 654020, []int8{1, 3, 4, 5}},
		{"the set with the older newest invoice", []creditflow.Money{70, 10, 40, 20, 30}, 50, []int8{1, 2}},
		{"none", []creditflow.Money{100, 200, 400}, 1000, nil},
		{"one is not a set", []creditflow.Money{100, 200}, 100, nil},
	}
	var s scratch
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			set, n := s.subsetSum(tt.vals, tt.target)
			if !slices.Equal(set[:n], tt.want) {
				t.Errorf("subsetSum = %v, want %v", set[:n], tt.want)
			}
		})
	}
}

func TestScanReferences(t *testing.T) {
	k := Betalingskenmerk("2024000123")
	rf := RFReference("2024000130")
	tests := []struct {
		name      string
		text      string
		kenmerken []string
		rfBodies  []string
	}{
		{"whole", "kenmerk " + k, []string{"2024000123"}, nil},
		{"in groups of four", k[:4] + " " + k[4:8] + " " + k[8:12] + " " + k[12:] + " 121,00", []string{"2024000123"}, nil},
		{"after other numbers", "klant 12345 " + k, []string{"2024000123"}, nil},
		{"typo", typo(k, 5), nil, nil},
		{"glued to letters", "X" + k, nil, nil},
		{"RF whole and lower case", "betaling " + strings.ToLower(rf), nil, []string{"2024000130"}},
		{"RF in groups then text", rf[:4] + " " + rf[4:8] + " " + rf[8:] + " dank", nil, []string{"2024000130"}},
		{"RF typo", "RF00" + rf[4:], nil, nil},
	}
	var r foundRefs
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			scanReferences(tt.text, &r)
			if !slices.Equal(r.kenmerken, tt.kenmerken) || !slices.Equal(r.rfBodies, tt.rfBodies) {
				t.Errorf("scanReferences(%q) = %v %v, want %v %v", tt.text, r.kenmerken, r.rfBodies, tt.kenmerken, tt.rfBodies)
			}
		})
	}
}

// FuzzCandidates feeds arbitrary statement text to the matcher: it must not
// panic and its answer must keep the promises of Candidates.
func FuzzCandidates(f *testing.F) {
	f.Add("factuur INV-2024-000123", Betalingskenmerk("2024000123"), "BAKKERIJ JANSEN", int64(12100))
	f.Add("RF18 5390 0754 7034", "RF18539007547034", "J. de Vries", int64(9995))
	f.Add("1234 5678 9012 3456 7890 1234", "", "Café Müller B.V.", int64(1))
	m := testLedger(f)
	day := mustDate(f, "2024-02-15")
	f.Fuzz(func(t *testing.T, text, ref, name string, amount int64) {
		tx := creditflow.BankTransaction{Amount: creditflow.Money(amount), RemittanceText: text, StructuredRef: ref,
			CounterName: name, CounterIBAN: ibanJansen, BookingDate: day}
		checkCandidates(t, m.Candidates(tx))
	})
}
