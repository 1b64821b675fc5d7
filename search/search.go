package search

import (
	"cmp"
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strings"

	"github.com/creditflow/creditflow"
	"github.com/creditflow/creditflow/store"
)

// Kind is what a hit is.
type Kind string

// The kinds of hits, in the order of Kinds.
const (
	Customer        Kind = "customer"
	Invoice         Kind = "invoice"
	IBAN            Kind = "iban"
	Payment         Kind = "payment"
	BankTransaction Kind = "bank_transaction"
)

// Kinds are the kinds of hits, in the order hits of the same rank come.
var Kinds = []Kind{Customer, Invoice, IBAN, Payment, BankTransaction}

// ParseKind reads a kind's name; ok is false for any other text.
func ParseKind(s string) (k Kind, ok bool) {
	k = Kind(s)
	return k, slices.Contains(Kinds, k)
}

// Rank says how well a hit matches, best first.
type Rank int

const (
	// Exact: the whole name, number, IBAN or reference is what was typed.
	Exact Rank = iota
	// Start: it begins with what was typed.
	Start
	// WordStart: one of its words begins with what was typed.
	WordStart
	// Within: what was typed is part of it.
	Within
	// AllWords: every word typed is part of it, in any order.
	AllWords
)

// Query is a search.
type Query struct {
	// Text is what was typed.
	Text string
	// Limit is the most hits of each kind.
	Limit int
	// Kinds are the kinds to look for; all when empty.
	Kinds []Kind
}

// The shortest texts that search: a name or id from one letter, an
// invoice number or a reference from minText, an IBAN from minIBAN
// letters and digits.
const (
	minText = 3
	minIBAN = 5
)

// Hit is a thing that matches.
type Hit struct {
	Kind Kind
	Rank Rank
	// CustomerID and CustomerName are the customer the hit belongs to;
	// empty for a bank transaction nobody could place.
	CustomerID   string
	CustomerName string
	// Key is what matched: the customer's name (or id), the invoice
	// number, the IBAN, the payment's reference (its id when it has none),
	// the bank transaction's reference.
	Key string
	// InvoiceID is the invoice of an invoice, or the (first) one a payment
	// or bank transaction was booked on; else empty.
	InvoiceID string
	// Date is the invoice date, the payment date or the booking date;
	// Amount and Currency the amount of the invoice, payment or
	// transaction (a payment's currency is that of its invoice; empty when
	// it names none).
	Date     creditflow.Date
	Amount   creditflow.Money
	Currency string
	// SettledOn is the day an invoice was settled for good; zero while it
	// is open (and for a credit note).
	SettledOn creditflow.Date
	// PaymentID is a payment's id.
	PaymentID string
	// Status is a bank transaction's status (matched, unmatched, returned);
	// EntryNo its number and QueuePos, while it waits to be matched, its
	// place in the unmatched queue from 0 (else -1).
	Status   string
	EntryNo  int64
	QueuePos int
	// Payer is the name of the payer of a bank transaction.
	Payer string
}

// Index holds the customers and their bank accounts in memory. It is safe
// for concurrent use and never changes; make a new one when the ledger
// changes.
type Index struct {
	customers []customer
	accounts  []account
	names     map[string]string // customer id → name
}

type customer struct {
	id, upperID, name, words string
}

type account struct {
	iban, customerID string
}

// NewIndex reads the customers and their accounts of db.
func NewIndex(ctx context.Context, db store.Querier) (*Index, error) {
	ix := &Index{names: map[string]string{}}
	err := store.EachRow(ctx, db, store.Query("search_customers"), func(r *sql.Rows) error {
		var c customer
		if err := r.Scan(&c.id, &c.name); err != nil {
			return err
		}
		if c.name == "" {
			c.name = c.id
		}
		c.upperID, c.words = strings.ToUpper(c.id), Words(c.name)
		ix.customers = append(ix.customers, c)
		ix.names[c.id] = c.name
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("search index: customers: %w", err)
	}
	err = store.EachRow(ctx, db, store.Query("search_accounts"), func(r *sql.Rows) error {
		var a account
		if err := r.Scan(&a.iban, &a.customerID); err != nil {
			return err
		}
		a.iban = CompactIBAN(a.iban)
		ix.accounts = append(ix.accounts, a)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("search index: accounts: %w", err)
	}
	return ix, nil
}

// Customers is the number of customers in the index.
func (ix *Index) Customers() int { return len(ix.customers) }

// Find returns the hits of q, at most q.Limit of each kind, best first:
// by rank, then by kind in the order of Kinds, then by how each kind
// orders its own (names alphabetically, the newest payments first ...).
// It reads invoices, payments and bank transactions from db.
func (ix *Index) Find(ctx context.Context, db store.Querier, q Query) ([]Hit, error) {
	text := strings.TrimSpace(q.Text)
	if text == "" || q.Limit <= 0 {
		return []Hit{}, nil
	}
	want := func(k Kind) bool { return len(q.Kinds) == 0 || slices.Contains(q.Kinds, k) }
	var hits []Hit
	if want(Customer) {
		hits = append(hits, ix.findCustomers(text, q.Limit)...)
	}
	iban := ibanLike(text)
	if want(IBAN) && iban != "" {
		hits = append(hits, ix.findAccounts(iban, q.Limit)...)
	}
	if want(Invoice) || want(Payment) || want(BankTransaction) {
		found, err := findLedger(ctx, db, text, iban, q.Limit)
		if err != nil {
			return nil, err
		}
		for _, h := range found {
			if want(h.Kind) {
				hits = append(hits, h)
			}
		}
	}
	order := func(k Kind) int { return slices.Index(Kinds, k) }
	// Each kind comes in its own order; a stable sort keeps it.
	slices.SortStableFunc(hits, func(a, b Hit) int {
		return cmp.Or(cmp.Compare(a.Rank, b.Rank), cmp.Compare(order(a.Kind), order(b.Kind)))
	})
	if hits == nil {
		hits = []Hit{}
	}
	return hits, nil
}

// findCustomers matches the customers' ids and names.
func (ix *Index) findCustomers(text string, limit int) []Hit {
	upper, words := strings.ToUpper(text), Words(text)
	tokens := strings.Fields(words)
	var hits []Hit
	for _, c := range ix.customers {
		rank, ok := matchID(c.upperID, upper)
		if r, found := matchWords(c.words, words, tokens); found && (!ok || r < rank) {
			rank, ok = r, true
		}
		if ok {
			hits = append(hits, Hit{Kind: Customer, Rank: rank, CustomerID: c.id, CustomerName: c.name, Key: c.name, QueuePos: -1})
		}
	}
	slices.SortFunc(hits, func(a, b Hit) int {
		return cmp.Or(cmp.Compare(a.Rank, b.Rank), cmp.Compare(Words(a.Key), Words(b.Key)), cmp.Compare(a.CustomerID, b.CustomerID))
	})
	return hits[:min(len(hits), limit)]
}

// matchID ranks an id in upper case against what was typed in upper case:
// a part of it counts from minText characters.
func matchID(id, q string) (Rank, bool) {
	switch {
	case id == q:
		return Exact, true
	case strings.HasPrefix(id, q):
		return Start, true
	case len(q) >= minText && strings.Contains(id, q):
		return Within, true
	}
	return 0, false
}

// matchWords ranks a name in words against the words typed, and tokens.
func matchWords(name, q string, tokens []string) (Rank, bool) {
	switch {
	case q == "":
		return 0, false
	case name == q:
		return Exact, true
	case strings.HasPrefix(name, q):
		return Start, true
	case strings.Contains(" "+name, " "+q):
		return WordStart, true
	case strings.Contains(name, q):
		return Within, true
	case len(tokens) > 1:
		for _, t := range tokens {
			if !strings.Contains(name, t) {
				return 0, false
			}
		}
		return AllWords, true
	}
	return 0, false
}

// findAccounts matches the customers' IBANs with iban, compact.
func (ix *Index) findAccounts(iban string, limit int) []Hit {
	var hits []Hit
	for _, a := range ix.accounts {
		if rank, ok := matchID(a.iban, iban); ok {
			hits = append(hits, Hit{Kind: IBAN, Rank: rank, CustomerID: a.customerID, CustomerName: ix.names[a.customerID], Key: a.iban, QueuePos: -1})
		}
	}
	slices.SortFunc(hits, func(a, b Hit) int {
		return cmp.Or(cmp.Compare(a.Rank, b.Rank), cmp.Compare(a.Key, b.Key), cmp.Compare(a.CustomerName, b.CustomerName))
	})
	return hits[:min(len(hits), limit)]
}

// findLedger reads the invoices, payments and bank transactions that
// match, at most limit of each kind.
func findLedger(ctx context.Context, db store.Querier, text, iban string, limit int) ([]Hit, error) {
	upper, lq := strings.ToUpper(text), loose(text)
	if len(lq) < minText {
		return nil, nil
	}
	var hits []Hit
	err := store.EachRow(ctx, db, store.Query("search_ledger"), func(r *sql.Rows) error {
		var h Hit
		var extra string
		if err := r.Scan(&h.Kind, &h.Rank, &h.CustomerID, &h.CustomerName, &h.Key, &h.InvoiceID, &h.Date,
			store.Money(&h.Amount), &h.Currency, &extra, &h.EntryNo, &h.QueuePos, &h.Payer); err != nil {
			return err
		}
		switch h.Kind {
		case Invoice:
			if extra != "" {
				d, err := creditflow.ParseDate(extra)
				if err != nil {
					return fmt.Errorf("invoice %s: settled on %q: %w", h.InvoiceID, extra, err)
				}
				h.SettledOn = d
			}
		case Payment:
			h.PaymentID = extra
		case BankTransaction:
			h.Status = extra
		}
		hits = append(hits, h)
		return nil
	}, upper, lq, iban, limit)
	if err != nil {
		return nil, fmt.Errorf("search %q: %w", text, err)
	}
	return hits, nil
}
