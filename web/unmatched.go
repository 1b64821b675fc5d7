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
	"github.com/creditflow/creditflow/present"
	"github.com/gorilla/mux"
)

// The unmatched-payments queue: bank credits the matcher was not sure
// enough of to book, with its best candidates, and a way to book one by hand.

// maxMatchBytes bounds the body of a manual match.
const maxMatchBytes = 64 << 10

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
		d.UnmatchedPage, d.limit, d.offset, err = s.unmatchedPage(r.WithContext(ctx), 25)
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

// fill formats the page of the queue.
func (d unmatchedData) fill(page *unmatchedView) {
	first, last := d.offset+1, d.offset+len(d.Items)
	if len(d.Items) == 0 {
		page.Shown = fmt.Sprintf("none of %d", d.Total)
	} else {
		page.Shown = fmt.Sprintf("%d–%d of %d", first, last, d.Total)
	}
	if d.offset > 0 {
		page.Prev = fmt.Sprintf("/unmatched?offset=%d", max(d.offset-d.limit, 0))
	}
	if int64(last) < d.Total {
		page.Next = fmt.Sprintf("/unmatched?offset=%d", last)
	}
	for _, u := range d.Items {
		row := unmatchedRow{ID: u.ID, Date: u.BookingDate.String(), Amount: present.EN.Money(u.Currency, u.Amount), Negative: u.Amount < 0,
			Payer: u.CounterName, IBAN: u.CounterIBAN, Reference: strings.TrimSpace(u.StructuredRef + " " + u.RemittanceText)}
		if u.ReturnReason != "" {
			row.Return = "returned direct debit, reason " + u.ReturnReason
		}
		for _, c := range u.Candidates {
			var invs, ids []string
			for _, inv := range c.Invoices {
				invs = append(invs, fmt.Sprintf("%s (%s open)", inv.InvoiceID, present.EN.Amount(inv.Open)))
				ids = append(ids, inv.InvoiceID)
			}
			row.Candidates = append(row.Candidates, unmatchedCandidate{Customer: newCustomerRef(c.CustomerID, c.CustomerName, customerLink(c.CustomerID, d.today)),
				Invoices: strings.Join(invs, ", "), InvoiceIDs: strings.Join(ids, ","),
				Rule: strings.ReplaceAll(c.Rule, "_", " "), Confidence: fmt.Sprintf("%.0f%%", c.Confidence*100)})
		}
		page.Rows = append(page.Rows, row)
	}
}
