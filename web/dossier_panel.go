package web

import (
	"context"
	"fmt"
	"net/url"
	"strings"

	"github.com/creditflow/creditflow"
	"github.com/creditflow/creditflow/app"
	"github.com/creditflow/creditflow/dunning"
	"github.com/creditflow/creditflow/outbox"
	"github.com/creditflow/creditflow/present"
	"github.com/creditflow/creditflow/risk"
)

// The dossier panel of the customer page: the customer's dunning status
// (its task on the worklist, or why it has none) and the newest entries of
// its dossier.

// customerDossier is the number of the newest dossier entries the panel
// shows.
const customerDossier = 30

// dossierPanel is the customer's dunning status and the newest entries of
// its dossier (dunning.CustomerDossier).
type dossierPanel struct {
	Error string
	// Task is the customer's task on the worklist; without one, NoTask
	// says why.
	Task     *dossierTask
	NoTask   string
	Paused   bool // NoTask is a pause (promise, arrangement, dispute)
	Entries  []dossierRow
	Shown    string // "The 30 newest of 112 events"
	API      string
	Worklist string
}

type dossierTask struct {
	Step       string
	StepTerm   string // the Dutch term, or ""
	Channel    string // in words
	ChannelCSS string
	Deferred   bool
	DueSince   string
	Invoices   string
	Overdue    string
	Interest   string
	Costs      string
	Reason     string
}

type dossierRow struct {
	Date      string
	Kind      string // the badge: "promise kept"
	KindCSS   string
	Text      string
	Amount    string
	Highlight string // "kept" or "broken": a promise's outcome
}

// dossierData is what the dossier panel of the customer page reads.
type dossierData struct {
	asOf    creditflow.Date
	id      string
	policy  dunning.Policy
	dossier dunning.Dossier
	actions []dunning.Action
	task    *dunning.Task // nil when the customer has none
	err     error
	// letter is the customer's letter as of the date, nil when none is
	// due; letterErr why it could not be made. route is how it would go
	// out today (a dry run), checked only for those who may send it.
	letter    *dunning.DunningLetter
	letterErr error
	route     *outbox.Outcome
	// limits are the credit limits set by hand, newest first: the panel
	// shows them among the events.
	limits []risk.LimitOverride
}

// loadDossier reads one customer's dossier and actions, and finds its task
// in the worklist as the worklist page computes it (the same risk weights
// and learned effects), so that both pages agree on the step and whether
// a call is deferred. An error is kept in the result: the panel says so
// and the rest of the page still shows.
func (s *Server) loadDossier(ctx context.Context, asOf creditflow.Date, id string, l present.Lang, canSend bool) *dossierData {
	d := &dossierData{asOf: asOf, id: id, policy: s.app.Policy()}
	var err error
	if d.dossier, err = dunning.CustomerDossierIn(ctx, s.db, id, asOf, d.policy, l); err != nil {
		d.err = fmt.Errorf("dossier: %w", err)
		return d
	}
	if d.actions, err = dunning.Actions(ctx, s.db, id); err != nil {
		d.err = fmt.Errorf("actions: %w", err)
		return d
	}
	if d.limits, err = risk.LimitOverrides(ctx, s.db, id); err != nil {
		d.err = err
		return d
	}
	if d.task, err = s.app.Task(ctx, asOf, id); err != nil {
		d.err = fmt.Errorf("worklist: %w", err)
		return d
	}
	if d.task != nil && (d.task.Channel == dunning.Email || d.task.Channel == dunning.Letter) {
		letters, err := s.app.CustomerLetters(ctx, asOf, s.send.Letters, id)
		switch {
		case err != nil:
			d.letterErr = err
		case len(letters) > 0:
			d.letter = &letters[0]
		}
		if d.letter != nil && canSend && asOf == creditflow.NewDate(s.now()) {
			rep, err := s.app.SendLetters(ctx, s.send, app.SendRequest{AsOf: asOf, DryRun: true, Customer: id})
			if err != nil {
				d.letterErr = err
			} else if len(rep.Outcomes) > 0 {
				d.route = &rep.Outcomes[0]
			}
		}
	}
	return d
}

// dossierKinds are the badges of the dossier's entry kinds; a kind the list
// does not know is shown by its own name.
var dossierKinds = map[dunning.EntryKind]struct{ label, css string }{
	dunning.InvoiceIssued:                      {"invoice", "invoice"},
	dunning.InvoiceDue:                         {"due", "due"},
	dunning.CreditNote:                         {"credit note", "credit"},
	dunning.PaymentEntry:                       {"payment", "payment"},
	dunning.Reversal:                           {"reversal", "reversal"},
	dunning.DisputeOpened:                      {"dispute", "dispute"},
	dunning.PromiseKept:                        {"promise kept", "kept"},
	dunning.PromiseBroken:                      {"promise broken", "broken"},
	dunning.PromisePending:                     {"promise pending", "pending"},
	dunning.EntryKind(dunning.ReminderSent):    {"reminder", "action"},
	dunning.EntryKind(dunning.LetterSent):      {"letter", "action"},
	dunning.EntryKind(dunning.Call):            {"call", "action"},
	dunning.EntryKind(dunning.PromiseToPay):    {"payment promise", "promise"},
	dunning.EntryKind(dunning.DisputeResolved): {"dispute resolved", "resolved"},
	dunning.EntryKind(dunning.Arrangement):     {"payment arrangement", "promise"},
	dunning.EntryKind(dunning.Handover):        {"handed over", "action"},
	dunning.EntryKind(dunning.Note):            {"note", "note"},
	dunning.EntryKind(dunning.Pause):           {"dunning paused", "paused"},
}

// fill formats the dossier panel; items are the customer's open items on
// the as-of date, cur the currency of their amounts.
func (d *dossierData) fill(l present.Lang, p *dossierPanel, items []creditflow.OpenItem, cur string) {
	p.API = "/api/customers/" + url.PathEscape(d.id) + "/dossier?" + url.Values{"as_of": {d.asOf.String()}}.Encode()
	p.Worklist = "/worklist?" + url.Values{"as_of": {d.asOf.String()}}.Encode()
	if d.err != nil {
		p.Error = l.T("The dossier could not be read.") + " " + l.T("The error is in the server log; try again in a moment.")
		return
	}
	if t := d.task; t != nil {
		p.Task = &dossierTask{
			Step: dunning.StepWord(l, t.Step), Channel: dunning.ChannelWord(l, t.Channel), ChannelCSS: string(t.Channel), Deferred: t.Deferred,
			DueSince: l.LongDate(t.DueSince), Invoices: l.Count(t.Invoices),
			Overdue: l.Money(cur, t.AmountOverdue), Interest: l.Money(cur, t.Interest), Costs: l.Money(cur, t.Costs),
			Reason: t.ReasonIn(l, cur),
		}
	} else {
		p.NoTask, p.Paused = dunning.WhyNoTaskIn(l, d.policy, d.asOf, items, d.actions, cur)
	}
	// The dossier's entries and the credit limits set by hand, newest
	// first; a limit set on a day comes before the entries of that day.
	type event struct {
		date  creditflow.Date
		entry *dunning.Entry
		limit *risk.LimitOverride
	}
	var es []event
	ls := d.limits
	for i := range d.dossier.Entries {
		e := &d.dossier.Entries[i]
		for len(ls) > 0 && !creditflow.NewDate(ls[0].SetAt).Before(e.Date.Time) {
			if on := creditflow.NewDate(ls[0].SetAt); !on.After(d.asOf.Time) {
				es = append(es, event{date: on, limit: &ls[0]})
			}
			ls = ls[1:]
		}
		es = append(es, event{date: e.Date, entry: e})
	}
	for i := range ls {
		if on := creditflow.NewDate(ls[i].SetAt); !on.After(d.asOf.Time) {
			es = append(es, event{date: on, limit: &ls[i]})
		}
	}
	for _, ev := range es[:min(len(es), customerDossier)] {
		if o := ev.limit; o != nil {
			row := dossierRow{Date: l.Date(ev.date), Kind: l.T("credit limit"), KindCSS: "limit", Amount: "–",
				Text: l.Tf("The credit limit set by hand was cleared: %s (by %s).", o.Reason, o.SetBy)}
			if o.Limit != nil {
				row.Amount = l.Amount(*o.Limit)
				row.Text = l.Tf("The credit limit was set by hand to %s: %s (by %s).", l.Money(cur, *o.Limit), o.Reason, o.SetBy)
			}
			p.Entries = append(p.Entries, row)
			continue
		}
		e := ev.entry
		row := dossierRow{Date: l.Date(e.Date), Kind: strings.ReplaceAll(string(e.Kind), "_", " "), KindCSS: "other", Text: e.Text, Amount: "–"}
		if k, ok := dossierKinds[e.Kind]; ok {
			row.Kind, row.KindCSS = l.T(k.label), k.css
		}
		switch e.Kind {
		case dunning.PromiseKept:
			row.Highlight = "kept"
		case dunning.PromiseBroken:
			row.Highlight = "broken"
		}
		if e.Amount != nil {
			row.Amount = l.Amount(*e.Amount)
		}
		p.Entries = append(p.Entries, row)
	}
	p.Shown = l.Tf("The %s newest of %s events", l.Count(len(p.Entries)), l.Count(len(es)))
	if len(p.Entries) == len(es) {
		p.Shown = l.Tf("All %s events", l.Count(len(es)))
		if len(es) == 1 {
			p.Shown = l.T("The one event")
		}
	}
}
