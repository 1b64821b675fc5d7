package web

import (
	"net/url"
	"slices"

	"github.com/creditflow/creditflow"
	"github.com/creditflow/creditflow/dunning"
	"github.com/creditflow/creditflow/outbox"
	"github.com/creditflow/creditflow/present"
)

// The forms of the customer page: what a credit controller does about
// the customer (POST /customers/{id}/actions, customer_actions.go), one
// form open at a time.

// actionsPanel is the data of the forms of the customer page.
type actionsPanel struct {
	// CanAct is false for a reader, who sees why there are no forms.
	CanAct bool
	Post   string // where the forms go
	Today  string // YYYY-MM-DD: the latest date of what happened
	// Default is the date the forms start with: the page's date.
	Default string
	// AmountExample is an amount as the page's language writes it.
	AmountExample string
	Outcomes      []option
	// CallStep is the phone step due, which a call carries out; "" when
	// the step due is no call. CallStepLabel is its name in words.
	CallStep, CallStepLabel string
	// Overdue are the overdue invoices not disputed (a promise covers
	// them), Open the open ones not disputed (a dispute names them),
	// Disputed the disputed ones (a resolution names them).
	Overdue, Open, Disputed []invoiceChoice
	// Pause is the pause that holds on the page's date, "" when none.
	Pause string
	// Limit is the credit limit set by hand, "" when none; Recommended
	// the recommended one.
	Limit, Recommended string
	Letter             *letterPanel
	// NoLetter says why there is no letter to send, when Letter is nil.
	NoLetter string
}

// invoiceChoice is an invoice to tick in a form.
type invoiceChoice struct {
	ID, Label string
}

// letterPanel is the customer's next letter: what it is, where to see it
// and whether it can be sent now.
type letterPanel struct {
	Step, Channel, Language, Subject, Total string
	HTML, PDF                               string
	// CanSend is true when it can go out now; else SendNote says why
	// not. Route says how it would go.
	CanSend  bool
	SendNote string
	Route    string
	Print    bool // it can be put in the print batch instead
}

// fillActions fills the forms of the customer page from what its loads
// read.
func (s *Server) fillActions(p *customerPage, d *customerData, canAct bool, cur string) {
	l := p.Lang
	a := &p.Actions
	today := creditflow.NewDate(s.now())
	a.CanAct = canAct
	a.Post = "/customers/" + url.PathEscape(p.ID) + "/actions"
	a.Today, a.Default = today.String(), d.asOf.String()
	if d.asOf.After(today.Time) {
		a.Default = a.Today
	}
	a.AmountExample = l.Amount(123456)
	for _, o := range dunning.CallOutcomes {
		a.Outcomes = append(a.Outcomes, option{Value: string(o), Label: dunning.OutcomeText(l, o)})
	}
	for _, it := range d.detail.OpenItems {
		if it.OpenAmount <= 0 {
			continue
		}
		c := invoiceChoice{ID: it.InvoiceID, Label: l.Tf("%s · due %s · %s", it.InvoiceID, l.Date(it.DueDate), l.Money(cur, it.OpenAmount))}
		switch {
		case it.Disputed:
			a.Disputed = append(a.Disputed, c)
		case it.DaysPastDue > 0:
			a.Overdue = append(a.Overdue, c)
			a.Open = append(a.Open, c)
		default:
			a.Open = append(a.Open, c)
		}
	}
	lim := d.detail.Limit
	if lim.ManualLimit != nil {
		a.Limit = l.Money(cur, *lim.ManualLimit)
	}
	a.Recommended = l.Money(cur, lim.RecommendedLimit)
	if dd := d.dossier; dd != nil && dd.err == nil {
		if t := dd.task; t != nil && t.Channel == dunning.Phone {
			a.CallStep, a.CallStepLabel = t.Step, dunning.StepWord(l, t.Step)
		}
		a.Pause = currentPause(l, dd.actions, d.asOf)
		a.Letter, a.NoLetter = s.letterPanel(l, p.ID, dd, today)
	}
}

// currentPause says which pause holds on asOf, "" when none.
func currentPause(l present.Lang, actions []dunning.Action, asOf creditflow.Date) string {
	acts := slices.Clone(actions)
	slices.SortStableFunc(acts, func(a, b dunning.Action) int {
		if c := a.ActionDate.Compare(b.ActionDate.Time); c != 0 {
			return c
		}
		return int(a.ID - b.ID)
	})
	var last *dunning.Action
	for i, a := range acts {
		if a.Type == dunning.Pause && !a.ActionDate.After(asOf.Time) {
			last = &acts[i]
		}
	}
	if last == nil || asOf.After(last.Until.Time) {
		return ""
	}
	return l.Tf("Dunning is paused until %s: %s", l.LongDate(last.Until), last.Reason)
}

// letterPanel is the customer's next letter, or why there is none.
func (s *Server) letterPanel(l present.Lang, id string, d *dossierData, today creditflow.Date) (*letterPanel, string) {
	switch {
	case d.letterErr != nil:
		return nil, l.T("The next letter could not be made. The error is in the server log; try again in a moment.")
	case d.task == nil:
		return nil, l.T("No dunning step is due, so no letter goes out.")
	case d.letter == nil:
		return nil, l.Tf("The step due is %s by %s, not a letter.", dunning.StepWord(l, d.task.Step), dunning.ChannelWord(l, d.task.Channel))
	}
	lt := d.letter
	q := url.Values{"as_of": {d.asOf.String()}}
	base := "/api/customers/" + url.PathEscape(id) + "/letter?"
	lang := l.T("Dutch")
	if lt.Language == dunning.English {
		lang = l.T("English")
	}
	p := &letterPanel{Step: dunning.StepWord(l, lt.Step), Channel: dunning.ChannelWord(l, lt.Channel), Language: lang, Subject: lt.Subject,
		Total: l.Money(lt.Currency, lt.Total)}
	q.Set("format", "html")
	p.HTML = base + q.Encode()
	q.Set("format", "pdf")
	p.PDF = base + q.Encode()
	if d.asOf != today {
		p.SendNote = l.Tf("Letters go out on the day itself: open the page as of today (%s) to send it.", l.LongDate(today))
		return p, ""
	}
	p.Print = s.send.PrintDir != ""
	r := d.route
	switch {
	case r == nil:
		p.SendNote = l.T("Only a credit controller can send letters.")
	case r.Result == outbox.AlreadySent:
		p.SendNote = l.T("This letter was sent already today.")
	case r.Result != outbox.WouldSend:
		p.SendNote = l.Tf("This letter cannot go out now: %s", r.Error)
	case r.By == outbox.ByEmail && !s.send.SMTP.Enabled():
		p.Route = l.Tf("by e-mail to %s", r.To)
		p.SendNote = l.T("No mail server is configured, so this letter cannot go by e-mail. Ask the administrator to set the mail server (SMTP), or send it to print.")
	case r.By == outbox.ByPrint && s.send.PrintDir == "":
		p.Route = l.T("into the print batch")
		p.SendNote = l.T("No directory for the print batch is configured, so this letter cannot be printed. Ask the administrator to set it.")
	case r.By == outbox.ByEmail:
		p.Route, p.CanSend = l.Tf("by e-mail to %s", r.To), true
	default:
		p.Route, p.CanSend = l.T("into the print batch, to be printed and posted"), true
	}
	return p, ""
}
