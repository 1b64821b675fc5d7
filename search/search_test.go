package search_test

import (
	"context"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/creditflow/creditflow/bank"
	"github.com/creditflow/creditflow/ingest"
	"github.com/creditflow/creditflow/search"
	"github.com/creditflow/creditflow/store"
	"github.com/creditflow/creditflow/store/storetest"
)

// fixtureNow is the clock of the ingest of the test ledger.
var fixtureNow = time.Date(2025, 3, 1, 9, 0, 0, 0, time.UTC)

// openFixture loads testdata/: six customers (accents, "B.V.", an
// apostrophe, ids C1 and C10), five invoices, three payments with
// references, two known IBANs and a statement with a credit the matcher
// books (end-to-end id E2E-DEVRIES-0002) and one it cannot place.
func openFixture(t *testing.T) *store.DB {
	t.Helper()
	db := storetest.MustOpen(t)
	var paths []string
	for _, name := range []string{"customers.csv", "invoices.csv", "payments.csv", "customer_accounts.csv", "statement.xml"} {
		paths = append(paths, filepath.Join("testdata", name))
	}
	res, err := ingest.Files(context.Background(), db, paths, ingest.Options{Now: func() time.Time { return fixtureNow }, Statements: bank.BookStatements})
	if err != nil {
		t.Fatal(err)
	}
	if res.Statements == nil || res.Statements.Unmatched != 1 || res.Statements.Transactions != 2 {
		t.Fatalf("statement: %+v; want 2 transactions, 1 of them unmatched", res.Statements)
	}
	return db
}

func TestWords(t *testing.T) {
	for _, tt := range []struct{ in, want string }{
		{"Café 't Hoekje B.V.", "cafe t hoekje bv"},
		{"  MÜLLER &  Schäfer GmbH ", "muller schafer gmbh"},
		{"Pieter-Jan Peeters", "pieter jan peeters"},
		{"V.O.F.", "vof"},
		{"", ""},
	} {
		if got := search.Words(tt.in); got != tt.want {
			t.Errorf("Words(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestFind(t *testing.T) {
	db := openFixture(t)
	ctx := context.Background()
	ix, err := search.NewIndex(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	// hit is a hit as the table writes it: kind, rank, customer, key.
	type hit struct {
		kind     search.Kind
		rank     search.Rank
		customer string
		key      string
	}
	for _, tt := range []struct {
		what, q string
		kinds   []search.Kind
		limit   int
		// first are the first hits, in order; none are hits that must not
		// be there at all.
		first []hit
		none  []hit
	}{
		{what: "name, any case and without accents", q: "CAFE 'T HOEK",
			first: []hit{{search.Customer, search.Start, "C3", "Café 't Hoekje B.V."}}},
		{what: "name with accents, part of a word", q: "chäfer",
			first: []hit{{search.Customer, search.Within, "C4", "Müller & Schäfer GmbH"}, {search.Payment, search.Within, "C4", "Zahlung Rechnung Nr. 0100 Schäfer"}}},
		{what: "the start of a name before the start of a word", q: "jansen",
			first: []hit{{search.Customer, search.Start, "C5", "Jansen Groothandel"}, {search.Customer, search.WordStart, "C2", "Jan Jansen"}}},
		{what: "a legal form typed without dots", q: "de vries bv",
			first: []hit{{search.Customer, search.WordStart, "C1", "Bakkerij de Vries B.V."}}},
		{what: "all words in another order", q: "vries bakkerij",
			first: []hit{{search.Customer, search.AllWords, "C1", "Bakkerij de Vries B.V."}}},
		{what: "customer id exactly before a longer one", q: "c1",
			first: []hit{{search.Customer, search.Exact, "C1", "Bakkerij de Vries B.V."}, {search.Customer, search.Start, "C10", "Vries Logistiek"}}},
		{what: "invoice number, lower case", q: "inv-2025-0100",
			first: []hit{{search.Invoice, search.Exact, "C4", "INV-2025-0100"}}},
		{what: "the start of invoice numbers", q: "INV-2025-010",
			first: []hit{{search.Invoice, search.Start, "C4", "INV-2025-0100"}, {search.Invoice, search.Start, "C5", "INV-2025-0101"}}},
		{what: "invoice number in part", q: "2025-000",
			first: []hit{{search.Invoice, search.Within, "C1", "INV-2025-0001"}, {search.Invoice, search.Within, "C1", "INV-2025-0002"}}},
		{what: "IBAN with spaces and in lower case", q: "nl91 abna 0417 1643 00",
			first: []hit{{search.IBAN, search.Exact, "C3", "NL91ABNA0417164300"}}},
		{what: "IBAN in part", q: "3704 0044",
			first: []hit{{search.IBAN, search.Within, "C4", "DE89370400440532013000"}}},
		{what: "the IBAN of a payer waiting to be matched", q: "NL69 INGB 0123 4567 89",
			first: []hit{{search.BankTransaction, search.Exact, "", "zending 4471 zonder factuur"}}},
		{what: "payment reference", q: "termijn 3",
			first: []hit{{search.Payment, search.WordStart, "C3", "Hoekje termijn 3 van 4"}}},
		{what: "payment id", q: "p2",
			// Too short for references, and no customer id starts with it.
			none: []hit{{search.Payment, search.Exact, "C3", "Hoekje termijn 3 van 4"}}},
		{what: "remittance of a credit waiting to be matched", q: "ZENDING 4471",
			first: []hit{{search.BankTransaction, search.Start, "", "zending 4471 zonder factuur"}}},
		{what: "payer of a credit waiting to be matched", q: "zeilvaart",
			first: []hit{{search.BankTransaction, search.WordStart, "", "zending 4471 zonder factuur"}}},
		{what: "end-to-end id of a booked credit", q: "e2e-devries-0002",
			first: []hit{{search.BankTransaction, search.Exact, "C1", "INV-2025-0002"}}},
		{what: "a booked credit is found by its payment, once", q: "INV-2025-0002",
			first: []hit{{search.Invoice, search.Exact, "C1", "INV-2025-0002"}, {search.Payment, search.Exact, "C1", "INV-2025-0002"}},
			none:  []hit{{search.BankTransaction, search.Exact, "C1", "INV-2025-0002"}}},
		{what: "customers only", q: "hoekje", kinds: []search.Kind{search.Customer},
			first: []hit{{search.Customer, search.WordStart, "C3", "Café 't Hoekje B.V."}},
			none:  []hit{{search.Payment, search.Start, "C3", "Hoekje termijn 3 van 4"}}},
		{what: "the limit is per kind", q: "v", limit: 1,
			first: []hit{{search.Customer, search.Start, "C10", "Vries Logistiek"}},
			none:  []hit{{search.Customer, search.WordStart, "C1", "Bakkerij de Vries B.V."}}},
		{what: "nothing", q: "zzz-nothing"},
	} {
		t.Run(tt.what, func(t *testing.T) {
			limit := tt.limit
			if limit == 0 {
				limit = 10
			}
			hits, err := ix.Find(ctx, db, search.Query{Text: tt.q, Limit: limit, Kinds: tt.kinds})
			if err != nil {
				t.Fatal(err)
			}
			got := make([]hit, len(hits))
			for i, h := range hits {
				got[i] = hit{h.Kind, h.Rank, h.CustomerID, h.Key}
			}
			if len(got) < len(tt.first) || !slices.Equal(got[:len(tt.first)], tt.first) {
				t.Errorf("Find(%q) = %+v, want it to begin with %+v", tt.q, got, tt.first)
			}
			for _, h := range tt.none {
				if slices.Contains(got, h) {
					t.Errorf("Find(%q) = %+v, want no %+v", tt.q, got, h)
				}
			}
			if tt.first == nil && len(got) > 0 && strings.HasPrefix(tt.what, "nothing") {
				t.Errorf("Find(%q) = %+v, want nothing", tt.q, got)
			}
		})
	}
}
