package web

import (
	"bytes"
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
	limit, err := intParam(r, "limit", defaultLimit)
	if err != nil {
		return bank.UnmatchedPage{}, 0, 0, err
	}
	offset, err := intParam(r, "offset", 0)
	if err != nil {
		return bank.UnmatchedPage{}, 0, 0, err
	}
	if limit > 500 {
		return bank.UnmatchedPage{}, 0, 0, fmt.Errorf("%w: limit %d: at most 500", creditflow.ErrInvalid, limit)
	}
	page, err := s.app.Unmatched(r.Context(), limit, offset)
	return page, limit, offset, err
}

// handleUnmatched is GET /api/unmatched?limit=&offset=.
func (s *Server) handleUnmatched(w http.ResponseWriter, r *http.Request) {
	page, limit, offset, err := s.unmatchedPage(r, 50)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, struct {
		bank.UnmatchedPage
		Limit  int `json:"limit"`
		Offset int `json:"offset"`
	}{page, limit, offset})
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
	res, err := s.app.MatchByHand(r.Context(), id, mm, "api:"+principalFrom(r.Context()).name)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, res)
}

// unmatchedView is the data of unmatched.html; everything is formatted here.
type unmatchedView struct {
	pageHead
	Error    string
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
	CustomerID string
	Name       string
	Link       string
	Invoices   string // "INV-1 (1,234.00 open), ..."
	InvoiceIDs string // comma-separated, for the form
	Rule       string
	Confidence string
}

// handleUnmatchedPage renders the queue, 25 at a time.
func (s *Server) handleUnmatchedPage(w http.ResponseWriter, r *http.Request, sess *session) {
	page := unmatchedView{pageHead: s.newPageHead(sess, "unmatched", "/unmatched"), API: "/api/unmatched"}
	page.setAsOf(creditflow.NewDate(s.now()))
	data, limit, offset, err := s.unmatchedPage(r, 25)
	if err != nil && r.Context().Err() != nil {
		return
	}
	if err != nil {
		status := http.StatusInternalServerError
		if errors.Is(err, creditflow.ErrInvalid) {
			status, page.Error = http.StatusBadRequest, err.Error()
		} else {
			s.log.ErrorContext(r.Context(), "unmatched page", "err", err)
			page.Error = "The unmatched payments could not be read. The error is in the server log; try again in a moment."
		}
		s.renderStatus(w, r, status, "unmatched.html", page)
		return
	}
	page.CanMatch = sess.role.Allows(creditflow.RoleCollector)
	first, last := offset+1, offset+len(data.Items)
	if len(data.Items) == 0 {
		page.Shown = fmt.Sprintf("none of %d", data.Total)
	} else {
		page.Shown = fmt.Sprintf("%d–%d of %d", first, last, data.Total)
	}
	if offset > 0 {
		page.Prev = fmt.Sprintf("/unmatched?offset=%d", max(offset-limit, 0))
	}
	if int64(last) < data.Total {
		page.Next = fmt.Sprintf("/unmatched?offset=%d", last)
	}
	for _, u := range data.Items {
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
			name := c.CustomerName
			if name == "" {
				name = c.CustomerID
			}
			row.Candidates = append(row.Candidates, unmatchedCandidate{CustomerID: c.CustomerID, Name: name,
				Link: customerLink(c.CustomerID, creditflow.NewDate(s.now())), Invoices: strings.Join(invs, ", "), InvoiceIDs: strings.Join(ids, ","),
				Rule: strings.ReplaceAll(c.Rule, "_", " "), Confidence: fmt.Sprintf("%.0f%%", c.Confidence*100)})
		}
		page.Rows = append(page.Rows, row)
	}
	s.render(w, r, "unmatched.html", page)
}
