package web

import (
	"fmt"
	"math"
	"net/http"
	"net/url"
	"slices"
	"strings"

	"github.com/creditflow/creditflow"
	"github.com/creditflow/creditflow/app"
	"github.com/creditflow/creditflow/dunning"
	"github.com/creditflow/creditflow/present"
	"github.com/creditflow/creditflow/present/view"
)

// The collection worklist (/worklist): the day's dunning tasks, highest
// priority first, with a small form per task through which collectors
// record what came of it (POST /api/actions).

// stepTerms are the Dutch terms users know the steps of the default policy
// by.
var stepTerms = map[string]string{
	"friendly_reminder":  "betalingsherinnering",
	"second_reminder":    "tweede herinnering met rekeningoverzicht",
	"call":               "telefonische herinnering",
	"aanmaning":          "aanmaning",
	"last_call":          "laatste belpoging",
	"ingebrekestelling":  "ingebrekestelling",
	"handover":           "overdracht aan incassobureau",
	"reminder":           "betalingsherinnering",
	"veertiendagenbrief": "veertiendagenbrief",
}

// stepTerm is the Dutch term of a step whose name is not already Dutch.
func stepTerm(name string) string {
	if t := stepTerms[name]; t != name {
		return t
	}
	return ""
}

// stepLabel writes a step name for people: "second reminder".
func stepLabel(name string) string { return strings.ReplaceAll(name, "_", " ") }

// worklistActionTypes are the action types the page's form records.
var worklistActionTypes = []dunning.ActionType{dunning.Call, dunning.PromiseToPay, dunning.Dispute, dunning.Note}

// worklistPage is the data of worklist.html; everything is formatted here.
type worklistPage struct {
	pageHead

	Currency string
	Cards    []view.Card
	// CanRecord is true for collectors and admins: they get the forms.
	CanRecord bool
	Today     string // the action date the server records, YYYY-MM-DD
	Types     []dunning.ActionType

	// The filters and their choices.
	Step, Channel, Segment string
	Steps                  []filterOption
	Channels               []filterOption
	Segments               []filterOption
	Filtered               bool
	ClearLink              string
	// ChannelNote says why the list filters by channel rather than by
	// collector.
	ChannelNote string

	Shown   string // "12 of 40 tasks"
	Skipped string // why customers with overdue invoices have no task
	Rows    []worklistTaskRow
	API     string
}

type filterOption struct {
	Value, Label string
	Selected     bool
}

type worklistTaskRow struct {
	Customer   customerRef
	Kind       string
	Step       string // the step's name, as the action log knows it
	StepLabel  string
	StepTerm   string // the Dutch term, or ""
	Channel    string
	Phone      bool // a call: recording a call marks the step done
	Deferred   bool
	DueSince   string
	Invoices   string
	Overdue    string
	Interest   string
	Costs      string
	Priority   string
	Reason     string
	InvoiceIDs string // the overdue invoices, comma-separated, for a dispute
}

// worklistFilter is what the query string asks for.
type worklistFilter struct {
	step, channel, segment string
}

func (f worklistFilter) keep(t dunning.Task, segment string) bool {
	return (f.step == "" || t.Step == f.step) &&
		(f.channel == "" || string(t.Channel) == f.channel) &&
		(f.segment == "" || segment == f.segment)
}

// handleWorklistPage renders the collection worklist for
// ?as_of=&step=&channel=&segment=, today and unfiltered by default.
func (s *Server) handleWorklistPage(w http.ResponseWriter, r *http.Request, sess *session) {
	q := r.URL.Query()
	f := worklistFilter{step: q.Get("step"), channel: q.Get("channel"), segment: q.Get("segment")}
	fill := func(wl *app.Worklist, p *worklistPage) error {
		p.CanRecord = sess.role.Allows(creditflow.RoleCollector)
		p.Today = creditflow.NewDate(s.now()).String()
		p.Types = worklistActionTypes
		worklistData{Worklist: wl, policy: s.app.Policy()}.fill(p, f)
		return nil
	}
	servePage(s, w, r, sess, pageSpec{nav: "worklist", template: "worklist.html", failed: "The worklist could not be computed."},
		&worklistPage{}, s.app.Worklist, fill)
}

// worklistData is what the page shows: the whole worklist (so that the
// cards and the call capacity see every task) and the policy's steps.
type worklistData struct {
	*app.Worklist
	policy dunning.Policy
}

// fill formats the worklist into the page, with the filters applied.
func (d worklistData) fill(p *worklistPage, f worklistFilter) {
	cur := d.Currency
	p.Currency = cur
	p.Step, p.Channel, p.Segment = f.step, f.channel, f.segment
	p.Filtered = f != worklistFilter{}
	p.ClearLink = "/worklist?" + url.Values{"as_of": {d.AsOf.String()}}.Encode()
	p.API = "/api/dunning/worklist?" + url.Values{"as_of": {d.AsOf.String()}, "limit": {fmt.Sprint(dunning.MaxLimit)}}.Encode()
	p.ChannelNote = "The ledger assigns no collectors to customers, so the list filters by channel instead: phone tasks are the collectors' calls."

	// The choices: the policy's steps in ladder order, then the channels
	// and segments present in the list.
	var steps []string
	for _, st := range append(slices.Clone(d.policy.B2B), d.policy.B2C...) {
		if !slices.Contains(steps, st.Name) {
			steps = append(steps, st.Name)
		}
	}
	count := map[string]int{}
	segs := map[string]bool{}
	for _, t := range d.Tasks {
		count[t.Step]++
		segs[d.Segments[t.CustomerID]] = true
	}
	p.Steps = []filterOption{{Value: "", Label: "All steps", Selected: f.step == ""}}
	for _, st := range steps {
		label := stepLabel(st)
		if term := stepTerm(st); term != "" {
			label += " · " + term
		}
		p.Steps = append(p.Steps, filterOption{Value: st, Label: fmt.Sprintf("%s (%d)", label, count[st]), Selected: f.step == st})
	}
	p.Channels = []filterOption{{Value: "", Label: "All channels", Selected: f.channel == ""}}
	for _, c := range []dunning.Channel{dunning.Phone, dunning.Email, dunning.Letter} {
		p.Channels = append(p.Channels, filterOption{Value: string(c), Label: string(c), Selected: f.channel == string(c)})
	}
	p.Segments = []filterOption{{Value: "", Label: "All segments", Selected: f.segment == ""}}
	for _, sg := range slices.Sorted(func(yield func(string) bool) {
		for k := range segs {
			if k != "" && !yield(k) {
				return
			}
		}
	}) {
		p.Segments = append(p.Segments, filterOption{Value: sg, Label: sg, Selected: f.segment == sg})
	}
	if f.segment != "" && !segs[f.segment] {
		p.Segments = append(p.Segments, filterOption{Value: f.segment, Label: f.segment, Selected: true})
	}

	var (
		overdue, interest, costs creditflow.Money
		priority                 float64
		calls, deferred          int
	)
	for _, t := range d.Tasks {
		if t.Channel == dunning.Phone {
			if t.Deferred {
				deferred++
			} else {
				calls++
			}
		}
		seg := d.Segments[t.CustomerID]
		if !f.keep(t, seg) {
			continue
		}
		overdue += t.AmountOverdue
		interest += t.Interest
		costs += t.Costs
		priority += t.Priority
		row := worklistTaskRow{
			Customer: newCustomerRef(t.CustomerID, t.Name, customerLink(t.CustomerID, d.AsOf)), Kind: string(t.Kind),
			Step: t.Step, StepLabel: stepLabel(t.Step), StepTerm: stepTerm(t.Step), Channel: string(t.Channel),
			Phone: t.Channel == dunning.Phone, Deferred: t.Deferred, DueSince: t.DueSince.String(),
			Invoices: present.EN.Count(t.Invoices), Overdue: present.EN.Amount(t.AmountOverdue), Interest: present.EN.Amount(t.Interest),
			Costs: present.EN.Amount(t.Costs), Priority: formatNumber2(t.Priority), Reason: t.Reason,
			InvoiceIDs: strings.Join(d.Overdue[t.CustomerID], ","),
		}
		row.Customer.Segment = seg
		p.Rows = append(p.Rows, row)
	}
	n := len(p.Rows)
	p.Shown = fmt.Sprintf("%s of %s tasks", present.EN.Count(n), present.EN.Count(d.Total))
	sk := d.Skipped
	p.Skipped = fmt.Sprintf("Without a task: %d promised to pay, %d disputed, %d do not chase, %d below the minimum, %d not yet due, %d at the end of the ladder.",
		sk.Promised, sk.Disputed, sk.DoNotChase, sk.BelowMinimum, sk.NotYetDue, sk.LadderDone)

	capacity := d.CallCapacity
	callShare := math.NaN()
	if capacity > 0 {
		callShare = 100 * float64(calls) / float64(capacity)
	}
	of := ""
	if p.Filtered {
		of = fmt.Sprintf(" of %s on the whole list", present.EN.Count(d.Total))
	}
	p.Cards = []view.Card{
		{ID: "tasks", Label: "Tasks due", Value: present.EN.Count(n),
			Detail: fmt.Sprintf("customers with a dunning step due%s", of),
			Hint:   "Customers with a step of the dunning ladder due on the as-of date, after pauses for promises, disputes and the minimum amount."},
		{ID: "overdue", Label: "Overdue in the list", Value: present.EN.Money(cur, overdue),
			Detail: fmt.Sprintf("%s interest · %s collection costs", present.EN.Money(cur, interest), present.EN.Money(cur, costs)),
			Hint:   "The overdue amount the listed tasks chase, with the statutory interest accrued and the extrajudicial collection costs (buitengerechtelijke incassokosten) that could be claimed."},
		{ID: "calls", Label: "Calls planned", Value: fmt.Sprintf("%s / %s", present.EN.Count(calls), present.EN.Count(capacity)),
			Detail: fmt.Sprintf("%s deferred beyond the day's capacity", present.EN.Count(deferred)),
			Hint:   "Phone steps within the day's call capacity of the whole list, against that capacity; higher priorities get the calls first.",
			Meter:  view.MeterWidth(callShare)},
		{ID: "cash", Label: "Expected cash brought forward", Value: cur + " " + formatNumber2(priority),
			Detail: "sum of the listed priorities",
			Hint:   "What the listed steps are expected to bring forward or save, less what they cost: amount overdue × risk weight × effect − cost, summed."},
	}
}

// formatNumber2 writes x with thousands separators and two decimals.
func formatNumber2(x float64) string {
	if math.IsNaN(x) || math.IsInf(x, 0) {
		return "–"
	}
	return present.EN.Amount(creditflow.Money(math.Round(x * 100)))
}
