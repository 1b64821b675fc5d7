package app_test

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/creditflow/creditflow/bank"
	"github.com/creditflow/creditflow/ingest"
	"github.com/creditflow/creditflow/search"
)

// TestSearchAfterChanges checks that the search sees what changes the
// ledger at once, though it keeps the customers and their accounts in
// memory: the payer's IBAN of a credit booked by hand, and a customer
// loaded later.
func TestSearchAfterChanges(t *testing.T) {
	ctx := context.Background()
	a := newApp(t)
	find := func(text string, kind search.Kind) []search.Hit {
		t.Helper()
		hits, err := a.Search(ctx, search.Query{Text: text, Limit: 10, Kinds: []search.Kind{kind}})
		if err != nil {
			t.Fatal(err)
		}
		return hits
	}
	hasHit := func(hits []search.Hit, customer string) bool {
		return slices.ContainsFunc(hits, func(h search.Hit) bool { return h.CustomerID == customer && h.Rank == search.Exact })
	}

	// A credit booked to a customer that the payer's account is not known
	// of yet.
	page, err := a.Unmatched(ctx, 500, 0)
	if err != nil {
		t.Fatal(err)
	}
	i := slices.IndexFunc(page.Items, func(u bank.UnmatchedTransaction) bool { return u.Amount > 0 && u.CounterIBAN != "" })
	if i < 0 {
		t.Fatalf("no unmatched credit with the payer's IBAN among %d", page.Total)
	}
	tx := page.Items[i]
	var customer string
	for _, c := range find("a", search.Customer) {
		if !hasHit(find(tx.CounterIBAN, search.IBAN), c.CustomerID) {
			customer = c.CustomerID
			break
		}
	}
	if customer == "" {
		t.Fatalf("every customer with an a already has IBAN %s", tx.CounterIBAN)
	}
	if _, err := a.MatchByHand(ctx, tx.ID, bank.ManualMatch{CustomerID: customer}, "test"); err != nil {
		t.Fatal(err)
	}
	if hits := find(tx.CounterIBAN, search.IBAN); !hasHit(hits, customer) {
		t.Errorf("after booking by hand, IBAN %s finds %+v, want customer %s", tx.CounterIBAN, hits, customer)
	}

	// A customer loaded after the first search.
	if hits := find("Zoekproef Nieuw", search.Customer); len(hits) != 0 {
		t.Fatalf("before loading it: %+v", hits)
	}
	p := filepath.Join(t.TempDir(), "customers_new.csv")
	if err := os.WriteFile(p, []byte("customer_id,name\nCNEW1,Zoekproef Nieuw B.V.\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := a.Ingest(ctx, []string{p}, ingest.Options{Actor: "test"}); err != nil {
		t.Fatal(err)
	}
	if hits := find("zoekproef nieuw bv", search.Customer); !hasHit(hits, "CNEW1") {
		t.Errorf("after loading it, the new customer is not found: %+v", hits)
	}
}
