package web

import (
	"errors"
	"math"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/creditflow/creditflow"
	"github.com/creditflow/creditflow/app"
	"github.com/creditflow/creditflow/dunning"
	"github.com/creditflow/creditflow/present/view"
)

// The collection worklist (/worklist): the day's dunning tasks, highest
// priority first, filtered and paged, with a small form per task through
// which collectors record what came of it (POST /api/actions), and the
// exports of the filtered list (GET /api/dunning/worklist?format=csv|xlsx).

// Pages of the worklist.
const (
	worklistPerPage    = 50
	worklistMaxPerPage = 500
)

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
	Types     []filterOption

	// The filters: their values as typed and the choices of the lists.
	Step, Channel, Segment, Owner, Class, Customer, Min, Max string
	Steps, Channels, Segments, Owners, Classes               []filterOption
	Per                                                      int
	Filtered                                                 bool
	ClearLink                                                string
	// FilterError says which filter could not be read; it is left out.
	FilterError string

	Shown   string // "Tasks 1–50 of 180"
	Totals  string // the totals of the filtered tasks
	Skipped string // why customers with overdue invoices have no task
	Rows    []worklistTaskRow
	Pages   []pageLink
	Prev    string
	Next    string
	CSV     string
	XLSX    string
	API     string
}

type filterOption struct {
	Value, Label string
	Selected     bool
}

// pageLink is one link of the pager; Gap stands for pages left out.
type pageLink struct {
	Label, Href string
	Current     bool
	Gap         bool
}

type worklistTaskRow struct {
	Customer    customerRef
	Rank        string
	Step        string // the step's name, as the action log knows it
	StepWord    string
	Channel     string // the channel's code, for its style
	ChannelWord string
	Phone       bool // a call: recording a call marks the step done
	Deferred    bool
	DueSince    string
	Invoices    string
	Overdue     string
	Interest    string
	Costs       string
	Owner       string
	Class       string
	Reason      string
	InvoiceIDs  string // the overdue invoices, comma-separated, for a dispute
}

// handleWorklistPage renders the collection worklist for ?as_of= and the
// filters (see readWorklistFilter), by pages of ?per= (50) tasks: ?page=.
func (s *Server) handleWorklistPage(w http.ResponseWriter, r *http.Request, sess *session) {
	q := r.URL.Query()
	l := s.lang(r)
	f, ferr := readWorklistFilter(q, l)
	page, _ := strconv.Atoi(q.Get("page"))
	per, _ := strconv.Atoi(q.Get("per"))
	fill := func(wl *app.Worklist, p *worklistPage) error {
		p.CanRecord = sess.role.Allows(creditflow.RoleCollector)
		p.Today = creditflow.NewDate(s.now()).String()
		for _, t := range worklistActionTypes {
			p.Types = append(p.Types, filterOption{Value: string(t), Label: dunning.ActionWord(p.Lang, t)})
		}
		if ferr != nil {
			p.FilterError = ferr.Error()
			if i := strings.Index(p.FilterError, ": "); i >= 0 && errors.Is(ferr, creditflow.ErrInvalid) {
				p.FilterError = p.FilterError[i+2:]
			}
		}
		worklistData{Worklist: wl, policy: s.app.Policy()}.fill(p, f, page, per)
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

// fill formats the worklist into the page, with the filters applied, on
// page number page (from 1) of per tasks.
func (d worklistData) fill(p *worklistPage, f worklistFilter, page, per int) {
	l, cur := p.Lang, d.Currency
	asOf := d.AsOf.String()
	p.Currency = cur
	p.Step, p.Channel, p.Segment, p.Owner, p.Class = f.step, f.channel, f.segment, f.owner, string(f.class)
	p.Customer, p.Min, p.Max = f.customer, f.minText, f.maxText
	p.Filtered = f.active()
	if per <= 0 {
		per = worklistPerPage
	}
	per = min(per, worklistMaxPerPage)
	p.Per = per
	p.ClearLink = "/worklist?" + url.Values{"as_of": {asOf}}.Encode()
	query := func(extra url.Values) string {
		v := f.values()
		v.Set("as_of", asOf)
		for k, x := range extra {
			v[k] = x
		}
		return v.Encode()
	}
	p.CSV = "/api/dunning/worklist?" + query(url.Values{"format": {"csv"}})
	p.XLSX = "/api/dunning/worklist?" + query(url.Values{"format": {"xlsx"}})
	p.API = "/api/dunning/worklist?" + query(url.Values{"limit": {strconv.Itoa(dunning.MaxLimit)}})

	d.fillChoices(p, f)

	sel := selectTasks(d.Worklist, f)
	n := len(sel.Tasks)
	pages := max(1, (n+per-1)/per)
	page = min(max(page, 1), pages)
	from, to := (page-1)*per, min(page*per, n)
	pageHref := func(k int) string {
		extra := url.Values{"page": {strconv.Itoa(k)}}
		if per != worklistPerPage {
			extra.Set("per", strconv.Itoa(per))
		}
		return "/worklist?" + query(extra)
	}
	if pages > 1 {
		for k := 1; k <= pages; k++ {
			switch {
			case k == 1 || k == pages || (k >= page-2 && k <= page+2):
				p.Pages = append(p.Pages, pageLink{Label: l.Count(k), Href: pageHref(k), Current: k == page})
			case len(p.Pages) > 0 && !p.Pages[len(p.Pages)-1].Gap:
				p.Pages = append(p.Pages, pageLink{Gap: true, Label: "…"})
			}
		}
		if page > 1 {
			p.Prev = pageHref(page - 1)
		}
		if page < pages {
			p.Next = pageHref(page + 1)
		}
	}

	for _, t := range sel.Tasks[from:to] {
		row := worklistTaskRow{
			Customer: newCustomerRef(t.CustomerID, t.Name, customerLink(t.CustomerID, d.AsOf)),
			Rank:     l.Count(t.Rank), Step: t.Step, StepWord: dunning.StepWord(l, t.Step),
			Channel: string(t.Channel), ChannelWord: dunning.ChannelWord(l, t.Channel),
			Phone: t.Channel == dunning.Phone, Deferred: t.Deferred, DueSince: l.Date(t.DueSince),
			Invoices: l.Count(t.Invoices), Overdue: l.Money(cur, t.AmountOverdue), Interest: l.Money(cur, t.Interest),
			Costs: l.Money(cur, t.Costs), Reason: t.ReasonIn(l, cur), Owner: d.Owners[t.CustomerID],
			Class:      riskClassLabel(l, d.Classes[t.CustomerID]),
			InvoiceIDs: strings.Join(d.Overdue[t.CustomerID], ","),
		}
		row.Customer.Segment = d.Segments[t.CustomerID]
		p.Rows = append(p.Rows, row)
	}
	switch {
	case n == 0:
		p.Shown = l.Tf("No tasks of %s", l.Count(d.Total))
	case pages == 1 && !p.Filtered:
		p.Shown = l.Plural(n, "%s task", "%s tasks")
	default:
		p.Shown = l.Tf("Tasks %s–%s of %s", l.Count(from+1), l.Count(to), l.Count(n))
		if p.Filtered {
			p.Shown += " · " + l.Tf("%s on the whole list", l.Count(d.Total))
		}
	}
	p.Totals = l.Tf("%s with %s: %s overdue, %s statutory interest, %s collection costs",
		l.Plural(n, "%s task", "%s tasks"), l.Plural(sel.Invoices, "%s invoice", "%s invoices"), l.Money(cur, sel.Overdue), l.Money(cur, sel.Interest), l.Money(cur, sel.Costs))
	sk := d.Skipped
	p.Skipped = l.Tf("Without a task: %s promised to pay, %s disputed, %s keeping a payment arrangement, %s not to be chased, %s below the minimum, %s not yet due, %s at the end of the ladder.",
		l.Count(sk.Promised), l.Count(sk.Disputed), l.Count(sk.Arrangement), l.Count(sk.DoNotChase), l.Count(sk.BelowMinimum), l.Count(sk.NotYetDue), l.Count(sk.LadderDone))

	var calls, deferred int
	for _, t := range d.Tasks {
		if t.Channel == dunning.Phone {
			if t.Deferred {
				deferred++
			} else {
				calls++
			}
		}
	}
	capacity := d.CallCapacity
	callShare := math.NaN()
	if capacity > 0 {
		callShare = 100 * float64(calls) / float64(capacity)
	}
	detail := l.T("customers with a dunning step due")
	if p.Filtered {
		detail = l.Tf("customers with a dunning step due, of %s on the whole list", l.Count(d.Total))
	}
	p.Cards = []view.Card{
		{ID: "tasks", Label: l.T("Tasks due"), Value: l.Count(n), Detail: detail,
			Hint: l.T("Customers with a step of the dunning ladder due on the as-of date, after pauses for promises, disputes and the minimum amount.")},
		{ID: "overdue", Label: l.T("Overdue in the list"), Value: l.Money(cur, sel.Overdue),
			Detail: l.Tf("%s interest · %s collection costs", l.Money(cur, sel.Interest), l.Money(cur, sel.Costs)),
			Hint:   l.T("The overdue amount the listed tasks chase, with the statutory interest accrued and the extrajudicial collection costs that could be claimed.")},
		{ID: "calls", Label: l.T("Calls planned"), Value: l.Count(calls) + " / " + l.Count(capacity),
			Detail: l.Tf("%s deferred beyond the day's capacity", l.Count(deferred)),
			Hint:   l.T("Phone steps within the day's call capacity of the whole list, against that capacity; higher priorities get the calls first."),
			Meter:  view.MeterWidth(callShare)},
		{ID: "cash", Label: l.T("Expected cash brought forward"), Value: l.Money(cur, sel.Expected),
			Detail: l.T("what the listed steps are expected to bring in, less their cost"),
			Hint:   l.T("Per task: amount overdue × chance of paying very late × effect of the step − its cost, summed over the tasks where it is positive. The rank orders the tasks by it.")},
	}
}

// fillChoices fills the choices of the filters: the policy's steps in
// ladder order, the channels, and the segments, owners and risk classes
// of the list, each with its count of tasks.
func (d worklistData) fillChoices(p *worklistPage, f worklistFilter) {
	l := p.Lang
	var steps []string
	for _, st := range append(slices.Clone(d.policy.B2B), d.policy.B2C...) {
		if !slices.Contains(steps, st.Name) {
			steps = append(steps, st.Name)
		}
	}
	count := map[string]int{}
	owners := map[string]int{}
	classes := map[creditflow.RiskClass]int{}
	segs := map[string]bool{}
	for _, t := range d.Tasks {
		count[t.Step]++
		segs[d.Segments[t.CustomerID]] = true
		owner := d.Owners[t.CustomerID]
		if owner == "" {
			owner = noOwner
		}
		owners[owner]++
		classes[d.Classes[t.CustomerID]]++
		if !slices.Contains(steps, t.Step) {
			steps = append(steps, t.Step)
		}
	}
	withCount := func(label string, n int) string { return label + " (" + l.Count(n) + ")" }
	p.Steps = []filterOption{{Value: "", Label: l.T("All steps"), Selected: f.step == ""}}
	for _, st := range steps {
		p.Steps = append(p.Steps, filterOption{Value: st, Label: withCount(dunning.StepWord(l, st), count[st]), Selected: f.step == st})
	}
	p.Channels = []filterOption{{Value: "", Label: l.T("All channels"), Selected: f.channel == ""}}
	for _, c := range []dunning.Channel{dunning.Phone, dunning.Email, dunning.Letter} {
		p.Channels = append(p.Channels, filterOption{Value: string(c), Label: dunning.ChannelWord(l, c), Selected: f.channel == string(c)})
	}
	p.Segments = []filterOption{{Value: "", Label: l.T("All segments"), Selected: f.segment == ""}}
	for _, sg := range sortedKeys(segs) {
		if sg != "" {
			p.Segments = append(p.Segments, filterOption{Value: sg, Label: sg, Selected: f.segment == sg})
		}
	}
	if f.segment != "" && !segs[f.segment] {
		p.Segments = append(p.Segments, filterOption{Value: f.segment, Label: f.segment, Selected: true})
	}
	p.Owners = []filterOption{{Value: "", Label: l.T("All collectors"), Selected: f.owner == ""}}
	for _, o := range sortedKeys(owners) {
		if o != noOwner {
			p.Owners = append(p.Owners, filterOption{Value: o, Label: withCount(o, owners[o]), Selected: strings.EqualFold(f.owner, o)})
		}
	}
	if n := owners[noOwner]; n > 0 || f.owner == noOwner {
		p.Owners = append(p.Owners, filterOption{Value: noOwner, Label: withCount(l.T("Without a collector"), n), Selected: f.owner == noOwner})
	}
	p.Classes = []filterOption{{Value: "", Label: l.T("All risk classes"), Selected: f.class == ""}}
	for _, c := range filterClasses {
		p.Classes = append(p.Classes, filterOption{Value: string(c), Label: withCount(riskClassLabel(l, c), classes[c]), Selected: f.class == c})
	}
}

// sortedKeys are the keys of m in order.
func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// stepTerms are the Dutch terms users know the steps of the default policy
// by (the customer page's dossier shows them beside the step's name).
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
