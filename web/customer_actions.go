package web

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/creditflow/creditflow"
	"github.com/creditflow/creditflow/app"
	"github.com/creditflow/creditflow/dunning"
	"github.com/creditflow/creditflow/outbox"
	"github.com/creditflow/creditflow/present"
	"github.com/creditflow/creditflow/risk"
)

// What can be done from the customer page, and the API routes of it that
// POST /api/actions does not cover: a credit limit set by hand, and the
// customer's next letter, previewed and sent.
//
// Roles: recording an action, sending a letter and setting a credit limit
// need a credit controller (collector) or an administrator; a reader
// (viewer) may look at the next letter. A credit limit is part of the
// credit controller's daily work, so it needs no administrator; every
// change is in the audit log with who made it.

// maxCustomerActionBytes caps the bodies of the routes of this file.
const maxCustomerActionBytes = 64 << 10

// limitBody is the body of POST /api/customers/{id}/credit-limit.
type limitBody struct {
	// CreditLimit is the limit set by hand; null clears it.
	CreditLimit *creditflow.Money `json:"credit_limit"`
	Reason      string            `json:"reason"`
}

// limitAnswer is the answer of POST /api/customers/{id}/credit-limit: the
// override stored and the limit that now applies, as of today.
type limitAnswer struct {
	Override risk.LimitOverride     `json:"override"`
	Limit    creditflow.CreditLimit `json:"limit"`
}

// handleSetCreditLimit answers POST /api/customers/{id}/credit-limit:
// {"credit_limit": 5000.00, "reason": "..."} sets the customer's credit
// limit by hand, {"credit_limit": null, "reason": "..."} clears it so that
// the recommended one applies; 200 with the override and the limit that
// applies today.
func (s *Server) handleSetCreditLimit(w http.ResponseWriter, r *http.Request) {
	id, err := pathVar(r, "id")
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	body, err := readJSONBody(w, r, maxCustomerActionBytes, "credit limit body")
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	var in limitBody
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&in); err != nil {
		s.writeError(w, r, fmt.Errorf("%w: credit limit body: %v", creditflow.ErrInvalid, err))
		return
	}
	if !bytes.Contains(body, []byte(`"credit_limit"`)) {
		s.writeError(w, r, fmt.Errorf("%w: credit_limit: is required (a number, or null to clear the limit set by hand)", creditflow.ErrInvalid))
		return
	}
	ans, err := s.setCreditLimit(r, id, in.CreditLimit, in.Reason, "api:"+principalFrom(r.Context()).name)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, ans)
}

// setCreditLimit sets or clears the limit and reads back the one that
// applies today.
func (s *Server) setCreditLimit(r *http.Request, id string, limit *creditflow.Money, reason, actor string) (limitAnswer, error) {
	o, err := s.app.SetCreditLimit(r.Context(), id, limit, reason, actor)
	if err != nil {
		return limitAnswer{}, err
	}
	lim, err := s.app.CreditLimit(r.Context(), creditflow.NewDate(s.now()), id)
	if err != nil {
		return limitAnswer{}, fmt.Errorf("credit limit of %s after setting it: %w", id, err)
	}
	return limitAnswer{Override: o, Limit: roundLimit(lim)}, nil
}

// nextLetter is the customer's letter as of asOf: the one of its task on
// the worklist when that is a letter or an email; ErrNotFound, saying why,
// when it has none.
func (s *Server) nextLetter(r *http.Request, asOf creditflow.Date, id string) (dunning.DunningLetter, error) {
	letters, err := s.app.CustomerLetters(r.Context(), asOf, s.send.Letters, id)
	if err != nil {
		return dunning.DunningLetter{}, err
	}
	if len(letters) == 0 {
		t, err := s.app.Task(r.Context(), asOf, id)
		if err != nil {
			return dunning.DunningLetter{}, err
		}
		if t != nil {
			return dunning.DunningLetter{}, fmt.Errorf("%w: no letter for customer %q on %s: its step %s is a %s",
				creditflow.ErrNotFound, id, asOf, t.Step, t.Channel)
		}
		return dunning.DunningLetter{}, fmt.Errorf("%w: no letter for customer %q on %s: no dunning step is due", creditflow.ErrNotFound, id, asOf)
	}
	return letters[0], nil
}

// handleCustomerLetter answers GET /api/customers/{id}/letter?as_of=&format=:
// the letter the ladder sends the customer on as_of, in the customer's
// language, as format html (default), pdf or json; 404 when no letter is
// due (no step, or a call).
func (s *Server) handleCustomerLetter(w http.ResponseWriter, r *http.Request) {
	asOf, id, err := s.customerRequest(r)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	format := r.URL.Query().Get("format")
	if format == "" {
		format = "html"
	}
	if format != "html" && format != "pdf" && format != "json" {
		s.writeError(w, r, fmt.Errorf("%w: format %q: expected html, pdf or json", creditflow.ErrInvalid, format))
		return
	}
	l, err := s.nextLetter(r, asOf, id)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	var buf bytes.Buffer
	switch format {
	case "json":
		writeJSON(w, http.StatusOK, l)
		return
	case "pdf":
		err = l.PDF(&buf)
		w.Header().Set("Content-Type", "application/pdf")
		w.Header().Set("Content-Disposition", fmt.Sprintf("inline; filename=%q", safeLetterName(l)+".pdf"))
	default:
		err = l.HTML(&buf)
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
	}
	if err != nil {
		w.Header().Del("Content-Disposition")
		w.Header().Del("Content-Type")
		s.writeError(w, r, fmt.Errorf("letter of %s: %w", id, err))
		return
	}
	w.Write(buf.Bytes())
}

// safeLetterName is a file name for a letter: customer and step.
func safeLetterName(l dunning.DunningLetter) string {
	return strings.Map(func(r rune) rune {
		if r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_' {
			return r
		}
		return '_'
	}, l.CustomerID+"-"+l.Step+"-"+l.Date.String())
}

// customerSendBody is the body of POST /api/customers/{id}/letter/send;
// every field is optional.
type customerSendBody struct {
	Date      creditflow.Date `json:"date"`
	DryRun    bool            `json:"dry_run"`
	PrintOnly bool            `json:"print_only"`
}

// handleSendCustomerLetter answers POST /api/customers/{id}/letter/send:
// the customer's letter of date (default today) goes out as POST
// /api/letters/send sends the day's letters, restricted to this customer;
// 200 with the report, whose letter says how it went. Without a mail
// server an e-mail is refused (400) with a message that says so.
func (s *Server) handleSendCustomerLetter(w http.ResponseWriter, r *http.Request) {
	id, err := pathVar(r, "id")
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	body, err := readJSONBody(w, r, maxCustomerActionBytes, "send body")
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	var in customerSendBody
	if len(bytes.TrimSpace(body)) > 0 {
		dec := json.NewDecoder(bytes.NewReader(body))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&in); err != nil {
			s.writeError(w, r, fmt.Errorf("%w: send body: %v", creditflow.ErrInvalid, err))
			return
		}
	}
	rep, err := s.sendCustomerLetter(r, id, in, "api:"+principalFrom(r.Context()).name)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, rep)
}

// errNoMailServer is an e-mail to send without a mail server.
var errNoMailServer = errors.New("no mail server is configured")

// sendCustomerLetter sends the customer's letter of in.Date (today by
// default) through app.SendLetters; ErrNotFound when it has none.
func (s *Server) sendCustomerLetter(r *http.Request, id string, in customerSendBody, actor string) (outbox.Report, error) {
	today := creditflow.NewDate(s.now())
	if in.Date.IsZero() {
		in.Date = today
	}
	if in.Date.After(today.Time) {
		return outbox.Report{}, fmt.Errorf("%w: date %s is in the future", creditflow.ErrInvalid, in.Date)
	}
	if _, err := s.nextLetter(r, in.Date, id); err != nil {
		return outbox.Report{}, err
	}
	if !in.DryRun && !in.PrintOnly && !s.send.SMTP.Enabled() {
		dry, err := s.app.SendLetters(r.Context(), s.send, app.SendRequest{AsOf: in.Date, DryRun: true, Customer: id, Actor: actor})
		if err != nil {
			return dry, err
		}
		for _, o := range dry.Outcomes {
			if o.By == outbox.ByEmail && o.Result == outbox.WouldSend {
				return dry, fmt.Errorf("%w: %w: the letter of %s goes by e-mail to %s; set the mail server (SMTP) of the server, or send it to print",
					creditflow.ErrInvalid, errNoMailServer, id, o.To)
			}
		}
	}
	rep, err := s.app.SendLetters(r.Context(), s.send, app.SendRequest{AsOf: in.Date, DryRun: in.DryRun, PrintOnly: in.PrintOnly,
		Customer: id, Actor: actor})
	if err != nil {
		return rep, fmt.Errorf("send the letter of %s on %s: %w", id, in.Date, err)
	}
	return rep, nil
}

// pageAction is the body of POST /customers/{id}/actions: one form of the
// customer page, its fields as the person typed them (amounts in the
// page's language).
type pageAction struct {
	Action      string   `json:"action"`
	Date        string   `json:"date"`
	Outcome     string   `json:"outcome"`
	Step        string   `json:"step"`
	Note        string   `json:"note"`
	Amount      string   `json:"amount"`
	PromiseDate string   `json:"promise_date"`
	InvoiceIDs  []string `json:"invoice_ids"`
	Reason      string   `json:"reason"`
	Owner       string   `json:"owner"`
	Until       string   `json:"until"`
	Limit       string   `json:"limit"`
	Clear       bool     `json:"clear"`
	PrintOnly   bool     `json:"print_only"`
}

// formError is a mistake in a form of the customer page: the message in
// the page's language and the field it is about.
type formError struct {
	Error string `json:"error"`
	Field string `json:"field,omitempty"`
}

// pageActionAnswer is the answer of a form that was carried out: what the
// page says after it reloads.
type pageActionAnswer struct {
	Message string `json:"message"`
}

// handleCustomerAction answers POST /customers/{id}/actions, the forms of
// the customer page: it reads what was typed in the page's language,
// records the action (or sets the limit, or sends the letter) for the
// logged-in user and answers 200 with a message, or 400 with the mistake
// and its field in the page's language. Roles and CSRF as the API.
func (s *Server) handleCustomerAction(w http.ResponseWriter, r *http.Request) {
	l := s.lang(r)
	id, err := pathVar(r, "id")
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	body, err := readJSONBody(w, r, maxCustomerActionBytes, "action body")
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	var in pageAction
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&in); err != nil {
		writeJSON(w, http.StatusBadRequest, formError{Error: l.T("The form could not be read; reload the page and try again.")})
		return
	}
	actor := "web:" + principalFrom(r.Context()).name
	msg, ferr, err := s.customerAction(r, l, id, in, actor)
	switch {
	case ferr != nil:
		writeJSON(w, http.StatusBadRequest, ferr)
	case errors.Is(err, errNoMailServer):
		writeJSON(w, http.StatusBadRequest, formError{Error: l.T("No mail server is configured, so this letter cannot go by e-mail. Ask the administrator to set the mail server (SMTP), or send it to print.")})
	case errors.Is(err, creditflow.ErrInvalid), errors.Is(err, creditflow.ErrNotFound):
		writeJSON(w, http.StatusBadRequest, formError{Error: l.Tf("Not done: %s", errorDetail(err))})
	case err != nil:
		s.writeError(w, r, err)
	default:
		writeJSON(w, http.StatusOK, pageActionAnswer{Message: msg})
	}
}

// errorDetail is the message of a refused request without the wrapping
// that names the kind of error ("invalid input: ").
func errorDetail(err error) string {
	msg := err.Error()
	for _, kind := range []error{creditflow.ErrInvalid, creditflow.ErrNotFound} {
		if i := strings.LastIndex(msg, kind.Error()+": "); i >= 0 {
			msg = msg[i+len(kind.Error())+2:]
		}
	}
	return msg
}

// customerAction carries out one form of the customer page; ferr is a
// mistake in the form, err a refusal or failure of the action itself.
func (s *Server) customerAction(r *http.Request, l present.Lang, id string, in pageAction, actor string) (msg string, ferr *formError, err error) {
	today := creditflow.NewDate(s.now())
	bad := func(field, text string, args ...any) (string, *formError, error) {
		return "", &formError{Field: field, Error: l.Tf(text, args...)}, nil
	}
	date := func(field, v string, def creditflow.Date) (creditflow.Date, *formError) {
		v = strings.TrimSpace(v)
		if v == "" {
			return def, nil
		}
		d, err := creditflow.ParseDate(v)
		if err != nil {
			return d, &formError{Field: field, Error: s.badDate(l, v)}
		}
		return d, nil
	}
	on, fe := date("date", in.Date, today)
	if fe != nil {
		return "", fe, nil
	}
	if on.After(today.Time) {
		return bad("date", "The date of what happened cannot be after today (%s).", l.LongDate(today))
	}
	a := dunning.NewAction{CustomerID: id, ActionDate: on, Note: strings.TrimSpace(in.Note), InvoiceIDs: in.InvoiceIDs}
	switch in.Action {
	case "call":
		a.Type = dunning.Call
		a.Outcome = dunning.CallOutcome(in.Outcome)
		if a.Outcome == "" {
			return bad("outcome", "Choose what the call came to.")
		}
		// A call may be the phone step of the ladder that was due.
		a.InvoiceIDs, a.Step = nil, strings.TrimSpace(in.Step)
	case "note":
		a.Type, a.InvoiceIDs = dunning.Note, nil
		if a.Note == "" {
			return bad("note", "Write the note.")
		}
	case "promise":
		a.Type = dunning.PromiseToPay
		if strings.TrimSpace(in.Amount) != "" {
			m, err := l.ParseAmount(in.Amount)
			if err != nil {
				return "", &formError{Field: "amount", Error: err.Error()}, nil
			}
			if m <= 0 {
				return bad("amount", "The promised amount must be more than zero.")
			}
			a.Amount = &m
		}
		if a.PromiseDate, fe = date("promise_date", in.PromiseDate, creditflow.Date{}); fe != nil {
			return "", fe, nil
		}
		if a.PromiseDate.IsZero() {
			return bad("promise_date", "Pick the date by which the customer promises to pay.")
		}
		if a.PromiseDate.Before(on.Time) {
			return bad("promise_date", "The customer cannot promise to pay before the promise was made (%s).", l.LongDate(on))
		}
	case "dispute", "resolve":
		a.Type, a.Reason, a.Owner = dunning.Dispute, strings.TrimSpace(in.Reason), strings.TrimSpace(in.Owner)
		if in.Action == "resolve" {
			a.Type = dunning.DisputeResolved
		}
		if len(a.InvoiceIDs) == 0 {
			return bad("invoice_ids", "Tick the invoices it is about.")
		}
		if a.Type == dunning.Dispute && a.Reason == "" {
			return bad("reason", "Write why the customer disputes the invoices.")
		}
	case "pause":
		a.Type, a.Reason, a.InvoiceIDs = dunning.Pause, strings.TrimSpace(in.Reason), nil
		if a.Until, fe = date("until", in.Until, creditflow.Date{}); fe != nil {
			return "", fe, nil
		}
		if a.Until.IsZero() {
			return bad("until", "Pick the last day of the pause.")
		}
		if a.Until.Before(on.Time) {
			return bad("until", "The pause cannot end before it starts (%s).", l.LongDate(on))
		}
		if a.Reason == "" {
			return bad("reason", "Write why dunning is paused.")
		}
	case "limit":
		reason := strings.TrimSpace(in.Reason)
		var limit *creditflow.Money
		if !in.Clear {
			m, err := l.ParseAmount(in.Limit)
			if err != nil {
				return "", &formError{Field: "limit", Error: err.Error()}, nil
			}
			if m < 0 {
				return bad("limit", "A credit limit cannot be negative.")
			}
			limit = &m
		}
		if reason == "" {
			return bad("reason", "Write why the limit is set by hand.")
		}
		ans, err := s.setCreditLimit(r, id, limit, reason, actor)
		if err != nil {
			return "", nil, err
		}
		if limit == nil {
			return l.Tf("The credit limit set by hand is cleared; the recommended limit of %s applies.",
				l.Money(ans.Limit.Currency, ans.Limit.CreditLimit)), nil, nil
		}
		return l.Tf("The credit limit is set by hand to %s.", l.Money(ans.Limit.Currency, *limit)), nil, nil
	case "send_letter":
		rep, err := s.sendCustomerLetter(r, id, customerSendBody{Date: on, PrintOnly: in.PrintOnly}, actor)
		if err != nil {
			return "", nil, err
		}
		return sendMessage(l, rep), nil, nil
	default:
		return bad("", "Unknown form; reload the page and try again.")
	}
	if a.Type != dunning.Call && a.Outcome != "" {
		a.Outcome = ""
	}
	if _, err := s.app.RecordAction(r.Context(), a, actor); err != nil {
		return "", nil, err
	}
	return actionDone(l, a.Type), nil, nil
}

// actionDone says in l what was recorded.
func actionDone(l present.Lang, t dunning.ActionType) string {
	switch t {
	case dunning.Call:
		return l.T("The call is recorded.")
	case dunning.Note:
		return l.T("The note is recorded.")
	case dunning.PromiseToPay:
		return l.T("The payment promise is recorded.")
	case dunning.Dispute:
		return l.T("The dispute is recorded; its invoices are no longer chased.")
	case dunning.DisputeResolved:
		return l.T("The dispute is resolved; its invoices are chased again.")
	case dunning.Pause:
		return l.T("Dunning is paused.")
	}
	return l.T("Recorded.")
}

// sendMessage says in l how the customer's letter went.
func sendMessage(l present.Lang, rep outbox.Report) string {
	if len(rep.Outcomes) == 0 {
		return l.T("No letter went out.")
	}
	o := rep.Outcomes[0]
	switch o.Result {
	case outbox.Sent:
		return l.Tf("The letter was sent by e-mail to %s.", o.To)
	case outbox.Printed:
		return l.Tf("The letter is in the print batch %s, to be printed and posted.", rep.PrintBatch)
	case outbox.WouldSend:
		return l.T("The letter would go out now.")
	case outbox.AlreadySent:
		return l.T("This letter was sent already today; it is not sent twice.")
	case outbox.Deferred:
		return l.T("The mail server could not be reached; the letter waits for the next run.")
	case outbox.Unconfirmed:
		return l.T("An earlier attempt to send this letter is unconfirmed; check the mail server's log before sending it again.")
	}
	if o.Error != "" {
		return l.Tf("The letter was not sent: %s", o.Error)
	}
	return l.T("The letter was not sent.")
}
