package web

import (
	"context"
	"fmt"
	"net/url"
	"strings"

	"github.com/creditflow/creditflow"
	"github.com/creditflow/creditflow/dunning"
	"github.com/creditflow/creditflow/present"
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
	Step     string
	StepTerm string // the Dutch term, or ""
	Channel  string
	Deferred bool
	DueSince string
	Invoices string
	Overdue  string
	Interest string
	Costs    string
	Reason   string
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
}

// loadDossier reads one customer's dossier and actions, and finds its task
// in the worklist as the worklist page computes it (the same risk weights
// and learned effects), so that both pages agree on the step and whether
// a call is deferred. An error is kept in the result: the panel says so
// and the rest of the page still shows.
func (s *Server) loadDossier(ctx context.Context, asOf creditflow.Date, id string) *dossierData {
	d := &dossierData{asOf: asOf, id: id, policy: s.app.Policy()}
	var err error
	if d.dossier, err = dunning.CustomerDossier(ctx, s.db, id, asOf, d.policy); err != nil {
		d.err = fmt.Errorf("dossier: %w", err)
		return d
	}
	if d.actions, err = dunning.Actions(ctx, s.db, id); err != nil {
		d.err = fmt.Errorf("actions: %w", err)
		return d
	}
	if d.task, err = s.app.Task(ctx, asOf, id); err != nil {
		d.err = fmt.Errorf("worklist: %w", err)
	}
	return d
}

// dossierKinds are the badges of the dossier's entry kinds; a kind the list
// does not know is shown by its own name.
var dossierKinds = map[dunning.EntryKind]struct{ label, css string }{
	dunning.InvoiceIssued:  {"invoice", "invoice"},
	dunning.InvoiceDue:     {"due", "due"},
	dunning.CreditNote:     {"credit note", "credit"},
	dunning.PaymentEntry:   {"payment", "payment"},
	dunning.Reversal:       {"reversal", "reversal"},
	dunning.DisputeOpened:  {"dispute", "dispute"},
	dunning.PromiseKept:    {"promise kept", "kept"},
	dunning.PromiseBroken:  {"promise broken", "broken"},
	dunning.PromisePending: {"promise pending", "pending"},
}

// fill formats the dossier panel; items are the customer's open items on
// the as-of date, cur the currency of their amounts.
func (d *dossierData) fill(p *dossierPanel, items []creditflow.OpenItem, cur string) {
	p.API = "/api/customers/" + url.PathEscape(d.id) + "/dossier?" + url.Values{"as_of": {d.asOf.String()}}.Encode()
	p.Worklist = "/worklist?" + url.Values{"as_of": {d.asOf.String()}}.Encode()
	if d.err != nil {
		p.Error = "The dossier could not be read. The error is in the server log; try again in a moment."
		return
	}
	if t := d.task; t != nil {
		p.Task = &dossierTask{
			Step: stepLabel(t.Step), StepTerm: stepTerm(t.Step), Channel: string(t.Channel), Deferred: t.Deferred,
			DueSince: t.DueSince.Format("2 January 2006"), Invoices: present.EN.Count(t.Invoices),
			Overdue: present.EN.Money(cur, t.AmountOverdue), Interest: present.EN.Money(cur, t.Interest), Costs: present.EN.Money(cur, t.Costs),
			Reason: t.Reason,
		}
	} else {
		p.NoTask, p.Paused = dunning.WhyNoTask(d.policy, d.asOf, items, d.actions, cur)
	}
	es := d.dossier.Entries
	for _, e := range es[:min(len(es), customerDossier)] {
		row := dossierRow{Date: e.Date.String(), Kind: strings.ReplaceAll(string(e.Kind), "_", " "), KindCSS: "other", Text: e.Text, Amount: "–"}
		if k, ok := dossierKinds[e.Kind]; ok {
			row.Kind, row.KindCSS = k.label, k.css
		}
		switch e.Kind {
		case dunning.PromiseKept:
			row.Highlight = "kept"
		case dunning.PromiseBroken:
			row.Highlight = "broken"
		}
		if e.Amount != nil {
			row.Amount = present.EN.Amount(*e.Amount)
		}
		p.Entries = append(p.Entries, row)
	}
	p.Shown = fmt.Sprintf("The %s newest of %s events", present.EN.Count(len(p.Entries)), present.EN.Count(len(es)))
	if len(p.Entries) == len(es) {
		p.Shown = fmt.Sprintf("All %s events", present.EN.Count(len(es)))
	}
}
