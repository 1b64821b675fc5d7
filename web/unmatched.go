package web

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/creditflow/creditflow"
	"github.com/creditflow/creditflow/bank"
	"github.com/creditflow/creditflow/bank/match"
	"github.com/creditflow/creditflow/present"
	"github.com/gorilla/mux"
)

// The unmatched-payments queue: bank credits the matcher was not sure
// enough of to book, with its best candidates, and a way to book one by hand.

// maxMatchBytes bounds the body of a manual match.
const maxMatchBytes = 64 << 10

// unmatchedPageSize is the number of transactions /unmatched shows at once.
const unmatchedPageSize = 25

// unmatchedPage reads ?limit=&offset= and the page of the queue.
func (s *Server) unmatchedPage(r *http.Request, defaultLimit int) (bank.UnmatchedPage, int, int, error) {
	limit, offset, err := pageParams(r, defaultLimit, 500)
	if err != nil {
		return bank.UnmatchedPage{}, 0, 0, err
	}
	page, err := s.app.Unmatched(r.Context(), limit, offset)
	return page, limit, offset, err
}

// handleUnmatched is GET /api/unmatched?limit=&offset=.
func (s *Server) handleUnmatched(r *http.Request) (any, error) {
	page, limit, offset, err := s.unmatchedPage(r, 50)
	if err != nil {
		return nil, err
	}
	return struct {
		bank.UnmatchedPage
		Limit  int `json:"limit"`
		Offset int `json:"offset"`
	}{page, limit, offset}, nil
}

// handleMatchUnmatched is POST /api/unmatched/{id}/match with
// {"customer_id": ..., "invoice_ids": [...]}.
func (s *Server) handleMatchUnmatched(w http.ResponseWriter, r *http.Request) {
	id, err := strconv.ParseInt(mux.Vars(r)["id"], 10, 64)
	if err != nil || id <= 0 {
		s.writeError(w, r, fmt.Errorf("%w: id %q: expected the number of an unmatched bank transaction", creditflow.ErrInvalid, mux.Vars(r)["id"]))
		return
	}
	body, err := readJSONBody(w, r, maxMatchBytes, "body")
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	var mm bank.ManualMatch
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&mm); err != nil {
		s.writeError(w, r, fmt.Errorf("%w: body: %v; expected {\"customer_id\": \"...\", \"invoice_ids\": [\"...\"]}", creditflow.ErrInvalid, err))
		return
	}
	res, err := s.app.MatchByHand(r.Context(), id, mm, principalFrom(r.Context()).actor())
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, res)
}

// unmatchedView is the data of unmatched.html; everything is formatted here.
type unmatchedView struct {
	pageHead
	Shown    string
	CanMatch bool
	Rows     []unmatchedRow
	Prev     string
	Next     string
	API      string
}

type unmatchedRow struct {
	ID         int64
	Date       string
	Amount     string
	Negative   bool
	Payer      string
	IBAN       string
	Reference  string
	Return     string
	Candidates []unmatchedCandidate
}

type unmatchedCandidate struct {
	Customer   customerRef
	Invoices   string // "INV-1 (1,234.00 open), ..."
	InvoiceIDs string // comma-separated, for the form
	Rule       string
	Confidence string
}

// handleUnmatchedPage renders the queue, 25 at a time.
func (s *Server) handleUnmatchedPage(w http.ResponseWriter, r *http.Request, sess *session) {
	load := func(ctx context.Context, today creditflow.Date) (unmatchedData, error) {
		d := unmatchedData{today: today}
		var err error
		d.UnmatchedPage, d.limit, d.offset, err = s.unmatchedPage(r.WithContext(ctx), unmatchedPageSize)
		if errors.Is(err, creditflow.ErrInvalid) {
			return d, &pageError{status: http.StatusBadRequest, msg: err.Error()}
		}
		return d, err
	}
	fill := func(d unmatchedData, p *unmatchedView) error {
		p.CanMatch = sess.role.Allows(creditflow.RoleCollector)
		d.fill(p)
		return nil
	}
	servePage(s, w, r, sess, pageSpec{nav: "unmatched", template: "unmatched.html", failed: "The unmatched payments could not be read."},
		&unmatchedView{API: "/api/unmatched"}, load, fill)
}

// unmatchedData is a page of the queue, read on today.
type unmatchedData struct {
	bank.UnmatchedPage
	limit, offset int
	today         creditflow.Date
}

// fill formats the page of the queue in the page's language.
func (d unmatchedData) fill(page *unmatchedView) {
	l := page.Lang
	first, last := d.offset+1, d.offset+len(d.Items)
	switch {
	case d.Total == 0:
		page.Shown = l.T("nothing waiting")
	case len(d.Items) == 0:
		page.Shown = l.Tf("none of %s", l.Count(int(d.Total)))
	default:
		page.Shown = l.Tf("%s–%s of %s", l.Count(first), l.Count(last), l.Count(int(d.Total)))
	}
	if d.offset > 0 {
		page.Prev = fmt.Sprintf("/unmatched?offset=%d", max(d.offset-d.limit, 0))
	}
	if int64(last) < d.Total {
		page.Next = fmt.Sprintf("/unmatched?offset=%d", last)
	}
	for _, u := range d.Items {
		row := unmatchedRow{ID: u.ID, Date: l.Date(u.BookingDate), Amount: l.Money(u.Currency, u.Amount), Negative: u.Amount < 0,
			Payer: u.CounterName, IBAN: groupIBAN(u.CounterIBAN), Reference: strings.TrimSpace(u.StructuredRef + " " + u.RemittanceText)}
		if u.ReturnReason != "" {
			row.Return = returnReason(l, u.ReturnReason)
		}
		for _, c := range u.Candidates {
			var invs, ids []string
			for _, inv := range c.Invoices {
				invs = append(invs, l.Tf("%s (%s open)", inv.InvoiceID, l.Amount(inv.Open)))
				ids = append(ids, inv.InvoiceID)
			}
			row.Candidates = append(row.Candidates, unmatchedCandidate{Customer: newCustomerRef(c.CustomerID, c.CustomerName, customerLink(c.CustomerID, d.today)),
				Invoices: strings.Join(invs, ", "), InvoiceIDs: strings.Join(ids, ","),
				Rule: matchRule(l, match.Rule(c.Rule)), Confidence: l.Probability(c.Confidence)})
		}
		page.Rows = append(page.Rows, row)
	}
}

// matchRule is how the matcher found a candidate, in words.
func matchRule(l present.Lang, r match.Rule) string {
	switch r {
	case match.RuleStructuredReference:
		return l.T("Payment reference")
	case match.RuleRFReference:
		return l.T("RF creditor reference")
	case match.RuleInvoiceInText:
		return l.T("Invoice number in the description")
	case match.RuleLetterReference:
		return l.T("Reference of a dunning letter")
	case match.RuleIBANAmount:
		return l.T("Known IBAN and amount")
	case match.RuleIBANAmountSet:
		return l.T("Known IBAN, amount of several invoices")
	case match.RuleIBANCustomer:
		return l.T("Known IBAN")
	case match.RuleNameAmount:
		return l.T("Similar name and amount")
	case match.RuleName:
		return l.T("Similar name")
	}
	return l.T("Other rule")
}

// returnReason says why a direct debit came back, from its SEPA reason
// code.
func returnReason(l present.Lang, code string) string {
	var why string
	switch strings.ToUpper(strings.TrimSpace(code)) {
	case "AM04":
		why = l.T("insufficient funds")
	case "MD06":
		why = l.T("refund asked by the customer")
	case "MS02":
		why = l.T("refused by the customer")
	case "MD01":
		why = l.T("no mandate")
	case "AC04":
		why = l.T("account closed")
	case "AC01":
		why = l.T("wrong account number")
	case "MS03":
		why = l.T("no reason given")
	default:
		return l.Tf("Returned direct debit, reason %s", code)
	}
	return l.Tf("Returned direct debit: %s (%s)", why, code)
}
