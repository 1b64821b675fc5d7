package bank

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"

	"github.com/creditflow/creditflow"
	"github.com/creditflow/creditflow/bank/match"
	"github.com/creditflow/creditflow/ingest"
	"github.com/creditflow/creditflow/store"
)

// UnmatchedTransaction is a bank transaction waiting for a person, with the
// best candidates the matcher sees for it today.
type UnmatchedTransaction struct {
	ID             int64            `json:"id"`
	Account        string           `json:"account"`
	BookingDate    creditflow.Date  `json:"booking_date"`
	Amount         creditflow.Money `json:"amount"`
	Currency       string           `json:"currency"`
	CounterName    string           `json:"counter_name"`
	CounterIBAN    string           `json:"counter_iban"`
	StructuredRef  string           `json:"structured_ref"`
	RemittanceText string           `json:"remittance_text"`
	ReturnReason   string           `json:"return_reason,omitempty"`
	File           string           `json:"file"`
	Candidates     []Candidate      `json:"candidates"`
}

// Candidate is a possible match of an unmatched transaction.
type Candidate struct {
	CustomerID   string             `json:"customer_id"`
	CustomerName string             `json:"customer_name"`
	Invoices     []CandidateInvoice `json:"invoices"`
	Rule         string             `json:"rule"`
	Confidence   float64            `json:"confidence"`
}

// CandidateInvoice is an open invoice of a candidate.
type CandidateInvoice struct {
	InvoiceID   string           `json:"invoice_id"`
	InvoiceDate creditflow.Date  `json:"invoice_date"`
	DueDate     creditflow.Date  `json:"due_date"`
	Amount      creditflow.Money `json:"amount"`
	Open        creditflow.Money `json:"open_amount"`
}

// UnmatchedPage is one page of the unmatched queue, oldest first.
type UnmatchedPage struct {
	Total int64                  `json:"total"`
	Items []UnmatchedTransaction `json:"items"`
}

// Finder proposes candidates for unmatched transactions from the ledger as
// it was when the finder was made. It is safe for concurrent use; make a new
// one after an ingest or a match.
type Finder struct {
	mu sync.Mutex // the matcher reuses buffers between calls
	m  *match.Matcher
}

// candidates returns the matcher's candidates for tx.
func (f *Finder) candidates(tx creditflow.BankTransaction) []match.Match {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.m.Candidates(tx)
}

// NewFinder reads the customers, open invoices and known accounts.
func NewFinder(ctx context.Context, db *store.DB) (*Finder, error) {
	m, _, err := buildMatcher(ctx, db)
	if err != nil {
		return nil, err
	}
	return &Finder{m: m}, nil
}

// ListUnmatched returns a page of the unmatched queue with the best
// candidates of each transaction.
func ListUnmatched(ctx context.Context, db *store.DB, f *Finder, limit, offset int) (UnmatchedPage, error) {
	var page UnmatchedPage
	if err := db.QueryRowContext(ctx, store.Query("bank_unmatched_count")).Scan(&page.Total); err != nil {
		return page, fmt.Errorf("unmatched: %w", err)
	}
	page.Items = []UnmatchedTransaction{}
	err := store.EachRow(ctx, db, store.Query("bank_unmatched"),
		func(r *sql.Rows) error {
			var u UnmatchedTransaction
			var tx creditflow.BankTransaction
			if err := r.Scan(&u.ID, &u.Account, &u.BookingDate, store.Money(&u.Amount), &u.Currency, &u.CounterName, &u.CounterIBAN,
				&u.StructuredRef, &u.RemittanceText, &u.ReturnReason, &u.File, &tx.Reversal, &tx.EndToEndID); err != nil {
				return err
			}
			tx.Account, tx.BookingDate, tx.Amount, tx.Currency = u.Account, u.BookingDate, u.Amount, u.Currency
			tx.CounterName, tx.CounterIBAN, tx.StructuredRef, tx.RemittanceText, tx.ReturnReason = u.CounterName, u.CounterIBAN, u.StructuredRef, u.RemittanceText, u.ReturnReason
			if tx.Amount < 0 {
				// Candidates for a return: the customers the matcher would
				// see for the same money coming in.
				tx.Amount = -tx.Amount
			}
			for _, c := range f.candidates(tx) {
				cand := Candidate{CustomerID: c.CustomerID, Rule: string(c.Rule), Confidence: c.Confidence, Invoices: []CandidateInvoice{}}
				for _, id := range c.InvoiceIDs {
					cand.Invoices = append(cand.Invoices, CandidateInvoice{InvoiceID: id})
				}
				u.Candidates = append(u.Candidates, cand)
			}
			if u.Candidates == nil {
				u.Candidates = []Candidate{}
			}
			page.Items = append(page.Items, u)
			return nil
		}, limit, offset)
	if err != nil {
		return page, fmt.Errorf("unmatched: %w", err)
	}
	if err := fillCandidates(ctx, db, page.Items); err != nil {
		return page, fmt.Errorf("unmatched: candidates: %w", err)
	}
	return page, nil
}

// fillCandidates adds names and the current open amounts to the candidates.
func fillCandidates(ctx context.Context, db *store.DB, items []UnmatchedTransaction) error {
	var customers, invoices []string
	for _, u := range items {
		for _, c := range u.Candidates {
			customers = append(customers, c.CustomerID)
			for _, inv := range c.Invoices {
				invoices = append(invoices, inv.InvoiceID)
			}
		}
	}
	if len(customers) == 0 {
		return nil
	}
	names := map[string]string{}
	err := store.EachRow(ctx, db, store.Query("bank_candidate_customers"),
		func(r *sql.Rows) error {
			var id, name string
			if err := r.Scan(&id, &name); err != nil {
				return err
			}
			names[id] = name
			return nil
		}, strings.Join(customers, "\x1f"))
	if err != nil {
		return err
	}
	details := map[string]CandidateInvoice{}
	if len(invoices) > 0 {
		err = store.EachRow(ctx, db, store.Query("bank_candidate_invoices"),
			func(r *sql.Rows) error {
				var d CandidateInvoice
				if err := r.Scan(&d.InvoiceID, &d.InvoiceDate, &d.DueDate, store.Money(&d.Amount), store.Money(&d.Open)); err != nil {
					return err
				}
				details[d.InvoiceID] = d
				return nil
			}, strings.Join(invoices, "\x1f"))
		if err != nil {
			return err
		}
	}
	// An invoice settled since the import (by a later statement, say) is no
	// candidate any more; its customer stays one, to book on account.
	for i := range items {
		for j := range items[i].Candidates {
			c := &items[i].Candidates[j]
			c.CustomerName = names[c.CustomerID]
			open := c.Invoices[:0]
			for _, inv := range c.Invoices {
				if d, ok := details[inv.InvoiceID]; ok && d.Open > 0 {
					open = append(open, d)
				}
			}
			c.Invoices = open
		}
	}
	return nil
}

// ManualMatch is what a person decided for an unmatched transaction.
type ManualMatch struct {
	CustomerID string   `json:"customer_id"`
	InvoiceIDs []string `json:"invoice_ids"`
}

// ManualMatchResult says what was booked.
type ManualMatchResult struct {
	ID          int64    `json:"id"`
	PaymentID   string   `json:"payment_id"`
	CustomerID  string   `json:"customer_id"`
	InvoiceIDs  []string `json:"invoice_ids"`
	LearnedIBAN string   `json:"learned_iban,omitempty"`
	// PaymentDate is the date of the booked payment: the value date,
	// else the booking date. What was known before it does not change.
	PaymentDate creditflow.Date `json:"payment_date"`
}

// MatchByHand books unmatched transaction id as a person decided: a payment
// of the customer for the invoices (none: allocated oldest first), and the
// payer's IBAN is remembered for that customer. All in one transaction.
func MatchByHand(ctx context.Context, db *store.DB, id int64, mm ManualMatch, opt ingest.Options) (ManualMatchResult, error) {
	opt = opt.WithDefaults()
	res := ManualMatchResult{ID: id, CustomerID: strings.TrimSpace(mm.CustomerID)}
	if res.CustomerID == "" {
		return res, fmt.Errorf("%w: customer_id is required", creditflow.ErrInvalid)
	}
	for _, inv := range mm.InvoiceIDs {
		if inv = strings.TrimSpace(inv); inv != "" && !slices.Contains(res.InvoiceIDs, inv) {
			res.InvoiceIDs = append(res.InvoiceIDs, inv)
		}
	}
	err := ingest.InTransaction(ctx, db, opt, func(run *ingest.Tx) error {
		conn, runID := run.Conn(), run.RunID()
		tx, status, err := readBankTransaction(ctx, conn, id)
		if err != nil {
			return err
		}
		res.PaymentDate = tx.ValueDate
		if res.PaymentDate.IsZero() {
			res.PaymentDate = tx.BookingDate
		}
		if status != statusUnmatched {
			return fmt.Errorf("%w: bank transaction %d is %s, not waiting to be matched", creditflow.ErrConflict, id, status)
		}
		if err := checkManualMatch(ctx, conn, res.CustomerID, res.InvoiceIDs); err != nil {
			return err
		}
		res.PaymentID = bankPaymentID(id)
		status = statusMatched
		if tx.Amount < 0 {
			status = statusReturned
		}
		if _, err := conn.ExecContext(ctx, store.Query("bank_match_by_hand"),
			status, res.PaymentID, res.CustomerID, orNull(strings.Join(res.InvoiceIDs, " ")), opt.Actor, id); err != nil {
			return err
		}
		if _, err := bookStatementPayments(ctx, run, fmt.Sprintf("entry_no = %d", id), fmt.Sprintf("bank transaction %d matched by hand", id)); err != nil {
			return err
		}
		if iban := match.NormalizeIBAN(tx.CounterIBAN); iban != "" {
			if _, err := conn.ExecContext(ctx, store.Query("bank_learn_account"),
				iban, res.CustomerID, orNull(tx.CounterName), opt.Now().UTC(), runID, iban, res.CustomerID); err != nil {
				return err
			}
			res.LearnedIBAN = iban
		}
		if _, err := run.Reallocate(ctx); err != nil {
			return fmt.Errorf("allocate payments: %w", err)
		}
		_, err = conn.ExecContext(ctx, store.Query("bank_match_audit"),
			opt.Now().UTC(), opt.Actor, fmt.Sprintf(`{"bank_transaction": %d, "customer_id": %q, "invoice_ids": %q, "payment_id": %q}`,
				id, res.CustomerID, res.InvoiceIDs, res.PaymentID))
		return err
	})
	return res, err
}

func readBankTransaction(ctx context.Context, conn *sql.Conn, id int64) (creditflow.BankTransaction, string, error) {
	var tx creditflow.BankTransaction
	var status string
	var value sql.NullTime
	err := conn.QueryRowContext(ctx, store.Query("bank_transaction"), id).Scan(&tx.Account, &tx.ID, &tx.BookingDate, &value, store.Money(&tx.Amount),
		&tx.Currency, &tx.Reversal, &tx.ReturnReason, &tx.CounterName, &tx.CounterIBAN, &tx.EndToEndID, &tx.StructuredRef,
		&tx.RemittanceText, &status)
	if errors.Is(err, sql.ErrNoRows) {
		return tx, "", fmt.Errorf("%w: no bank transaction %d", creditflow.ErrNotFound, id)
	}
	if value.Valid {
		tx.ValueDate = creditflow.NewDate(value.Time)
	}
	return tx, status, err
}

// checkManualMatch checks that the customer exists and the invoices are its.
func checkManualMatch(ctx context.Context, conn *sql.Conn, customer string, invoices []string) error {
	var n int
	if err := conn.QueryRowContext(ctx, store.Query("customer_count"), customer).Scan(&n); err != nil {
		return err
	}
	if n == 0 {
		return fmt.Errorf("%w: customer_id %q: no such customer", creditflow.ErrInvalid, customer)
	}
	for _, inv := range invoices {
		var owner string
		err := conn.QueryRowContext(ctx, `SELECT customer_id FROM invoices WHERE invoice_id = ?`, inv).Scan(&owner)
		if errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("%w: invoice_ids: %q: no such invoice", creditflow.ErrInvalid, inv)
		}
		if err != nil {
			return err
		}
		if owner != customer {
			return fmt.Errorf("%w: invoice_ids: %q belongs to customer %q, not %q", creditflow.ErrInvalid, inv, owner, customer)
		}
	}
	return nil
}

// orNull turns an empty string into a NULL, for query arguments.
func orNull(s string) driver.Value {
	if s == "" {
		return nil
	}
	return s
}
