package web

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/creditflow/creditflow"
	"github.com/creditflow/creditflow/app"
	"github.com/creditflow/creditflow/dunning"
	"github.com/creditflow/creditflow/present"
	"github.com/creditflow/creditflow/present/view"
)

// The Today page (/today), where a credit controller starts the day: the
// promises to pay due and broken, the behaviour changes new since the last
// visit, the bank credits booked and waiting, the letters to send and the
// tasks of each owner against the day's call capacity (app.Today). GET
// /api/today answers the same in JSON.

// todayListMax is the most rows the page lists of the booked credits and
// of the letters; the links lead to the rest.
const todayListMax = 20

// todaySince is when the alerts of the Today page of asOf count as new
// for user: since the last visit when asOf is today, else (and on a first
// visit) FirstVisitDays before; first is true on a first visit.
func (s *Server) todaySince(ctx context.Context, asOf creditflow.Date, user string) (since time.Time, first bool, err error) {
	now := s.now().UTC()
	if !asOf.Equal(creditflow.NewDate(now).Time) {
		return asOf.AddDays(-app.FirstVisitDays).Time, false, nil
	}
	last, ok, err := s.app.LastVisit(ctx, user, app.TodayPage)
	if err != nil || !ok {
		return now.AddDate(0, 0, -app.FirstVisitDays), true, err
	}
	return last, false, nil
}

// handleToday answers GET /api/today?as_of=&since=&wait=: the day of
// as_of for the caller, with the alerts detected on or after since (a
// date, by default 7 days before as_of). It waits for the day's risk
// scores unless wait=false: then, while they are not ready, it answers at
// once with pending set and without the parts that need them. It records
// no visit.
func (s *Server) handleToday(r *http.Request) (any, error) {
	asOf, err := s.asOf(r)
	if err != nil {
		return nil, err
	}
	since := asOf.AddDays(-app.FirstVisitDays)
	if r.URL.Query().Get("since") != "" {
		if since, err = sinceParam(r, asOf); err != nil {
			return nil, err
		}
	}
	wait := true
	if v := r.URL.Query().Get("wait"); v != "" {
		if wait, err = strconv.ParseBool(v); err != nil {
			return nil, fmt.Errorf("%w: wait=%q: expected true or false", creditflow.ErrInvalid, v)
		}
	}
	name := principalFrom(r.Context()).name
	if !wait {
		return s.app.TodayAtOnce(r.Context(), asOf, name, since.Time)
	}
	return s.app.Today(r.Context(), asOf, name, since.Time)
}

// todayPage is the data of today.html; everything is formatted here.
type todayPage struct {
	pageHead
	Cards []view.Card

	Due, Broken   []promiseRow
	DueNote       string // "2 promises, € 1.234,00"
	BrokenNote    string
	AlertsSince   string // "7 December 2026 09:30"
	AlertsNote    string
	FirstVisit    bool
	Past          bool // a date before today: the alerts of the week before it
	AlertsOff     bool // the scores could not be computed
	Alerts        []todayAlertRow
	Booked        []bookedRow
	BookedNote    string
	BookedMore    string // "and 12 more", or ""
	Waiting       string // "2 credits wait, € 75,00, the oldest since 2 December 2026", or ""
	WaitingOther  string
	Letters       []letterRow
	LettersNote   string
	LettersMore   string
	LettersFailed string
	LetterLink    string // the worklist filtered to letters by post
	EmailLink     string // ... to e-mails
	Owners        []ownerRow
	CapacityNote  string
	UnmatchedLink string
	API           string
	WorklistLink  string
	// Pending says that the alerts, the letters and the owners' tasks
	// need the day's risk scores, still being computed: the page shows
	// the rest, and reloads itself once ReadyURL answers.
	Pending  bool
	ReadyURL string
	// OverOwners counts the owners with more calls than the capacity.
	OverOwners int
}

type promiseRow struct {
	Customer            customerRef
	Owner               string
	Amount, Paid, Short string
	Made, Due           string
	Covers              string // "1 invoice", or for a promise without an amount "its 2 invoices"
}

type todayAlertRow struct {
	Customer   customerRef
	Kind       string
	KindCSS    string
	ChangeDate string
	DetectedOn string
	Exposure   string
	Owner      string
}

type bookedRow struct {
	Customer customerRef
	Date     string
	Amount   string
	By       string // "matcher", or "by hand: anna"
	ByHand   bool
	Owner    string
}

type letterRow struct {
	Customer customerRef
	Step     string
	By       string // "post", "e-mail"
	Overdue  string
	Owner    string
}

type ownerRow struct {
	Owner    string
	Mine     bool
	Tasks    string
	Overdue  string
	Calls    string // "3 / 2"
	Over     bool
	OverNote string
	Letters  string
}

// handleTodayPage renders the day of ?as_of= (today by default) for the
// user, and records the visit when it shows today. It does not wait for
// the day's risk scores: until they are ready it shows what needs none
// (app.TodayAtOnce) and reloads itself once /today/ready answers. Only the
// complete page counts as a visit, so that the reload still shows the
// alerts new since the visit before.
func (s *Server) handleTodayPage(w http.ResponseWriter, r *http.Request, sess *session) {
	load := func(ctx context.Context, asOf creditflow.Date) (*todayData, error) {
		since, first, err := s.todaySince(ctx, asOf, sess.name)
		if err != nil {
			return nil, err
		}
		d, err := s.app.TodayAtOnce(ctx, asOf, sess.name, since)
		if err != nil {
			return nil, err
		}
		today := asOf.Equal(creditflow.NewDate(s.now()).Time)
		if today && !d.Pending {
			s.app.NoteVisit(sess.name, app.TodayPage, s.now())
		}
		return &todayData{Today: d, first: first, today: today}, nil
	}
	servePage(s, w, r, sess, pageSpec{nav: "today", template: "today.html", failed: "The day could not be put together."},
		&todayPage{}, load, (*todayData).fill)
}

// handleTodayReady answers 204 once the Today page of ?as_of= is complete
// (app.TodayWait): the page shown before calls it and reloads.
func (s *Server) handleTodayReady(w http.ResponseWriter, r *http.Request, _ *session) {
	asOf, err := s.asOf(r)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	if err := s.app.TodayWait(r.Context(), asOf); err != nil {
		if r.Context().Err() == nil {
			s.log.ErrorContext(r.Context(), "today", "as_of", asOf.String(), "err", err)
			http.Error(w, "the day could not be put together", http.StatusInternalServerError)
		}
		return
	}
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(http.StatusNoContent)
}

// todayData is what the page shows.
type todayData struct {
	*creditflow.Today
	first bool // the user's first visit
	today bool // as of today: the alerts are those since the last visit
}

// fill formats the day into the page.
func (d *todayData) fill(p *todayPage) error {
	l, cur, asOf := p.Lang, d.Currency, d.AsOf
	money := func(m creditflow.Money) string { return l.Money(cur, m) }
	link := func(id, name string) customerRef { return newCustomerRef(id, name, customerLink(id, asOf)) }
	dated := url.Values{"as_of": {asOf.String()}}
	p.API = "/api/today?" + dated.Encode()
	p.UnmatchedLink = "/unmatched"
	p.WorklistLink = "/worklist?" + dated.Encode()
	p.LetterLink = "/worklist?" + url.Values{"as_of": {asOf.String()}, "channel": {string(dunning.Letter)}}.Encode()
	p.EmailLink = "/worklist?" + url.Values{"as_of": {asOf.String()}, "channel": {string(dunning.Email)}}.Encode()
	if p.Pending = d.Pending; d.Pending {
		p.ReadyURL = "/today/ready?" + dated.Encode()
	}

	// Promises to pay.
	for _, pr := range d.Promises.Due {
		p.Due = append(p.Due, newPromiseRow(l, cur, pr, link))
	}
	for _, pr := range d.Promises.Broken {
		p.Broken = append(p.Broken, newPromiseRow(l, cur, pr, link))
	}
	p.DueNote = l.Plural(len(d.Promises.Due), "1 promise", "%s promises") + ", " + money(d.Promises.DueTotal)
	p.BrokenNote = l.Plural(len(d.Promises.Broken), "1 promise", "%s promises") + ", " + l.Tf("%s unpaid", money(d.Promises.BrokenTotal))

	// Behaviour changes.
	p.FirstVisit, p.Past = d.first, !d.today
	since := d.Alerts.Since
	if d.today {
		local := since.In(time.Local)
		p.AlertsSince = l.LongDate(creditflow.NewDate(local)) + " " + local.Format("15:04")
	} else {
		p.AlertsSince = l.LongDate(creditflow.NewDate(since))
	}
	p.AlertsOff = d.Alerts.Unavailable != ""
	for _, a := range d.Alerts.Alerts {
		p.Alerts = append(p.Alerts, todayAlertRow{Customer: link(a.CustomerID, a.Name), Kind: changeKindWords(l, a.Kind),
			KindCSS: changeCSS(a.Kind), ChangeDate: l.Date(a.Change.ChangeDate), DetectedOn: l.Date(a.DetectedOn),
			Exposure: money(a.Exposure)})
	}
	if !d.Pending {
		p.AlertsNote = l.Plural(len(d.Alerts.Alerts), "1 customer", "%s customers") + ", " + l.Tf("%s outstanding", money(d.Alerts.Exposure))
	}

	// The bank.
	b := d.Bank
	for i, c := range b.Booked {
		if i == todayListMax {
			p.BookedMore = l.Tf("and %s more", l.Count(len(b.Booked)-todayListMax))
			break
		}
		row := bookedRow{Customer: link(c.CustomerID, c.Name), Date: l.Date(c.BookingDate), Amount: l.Money(c.Currency, c.Amount),
			By: l.T("matched automatically"), Owner: ownerName(l, c.Owner)}
		if c.MatchedBy != "" {
			row.By, row.ByHand = l.Tf("by hand, by %s", c.MatchedBy), true
		}
		p.Booked = append(p.Booked, row)
	}
	p.BookedNote = l.Plural(b.Automatic+b.ByHand, "1 credit", "%s credits") + ", " + money(b.BookedTotal) + " · " +
		l.Tf("%s automatically (%s), %s by hand (%s)", l.Count(b.Automatic), money(b.AutomaticPaid), l.Count(b.ByHand), money(b.ByHandPaid))
	if b.Unmatched > 0 {
		p.Waiting = l.Plural(b.Unmatched, "1 credit", "%s credits") + ", " + money(b.Waiting) + " · " + l.Tf("the oldest booked on %s", l.LongDate(b.OldestWaiting))
	}
	var other []string
	if b.Returns > 0 {
		other = append(other, l.Tf("returned debits: %s", l.Count(b.Returns)))
	}
	if b.OtherCurrency > 0 {
		other = append(other, l.Tf("credits in other currencies: %s", l.Count(b.OtherCurrency)))
	}
	if len(other) > 0 {
		p.WaitingOther = l.T("Also in the queue") + ": " + strings.Join(other, ", ")
	}

	// Letters.
	for i, lt := range d.Letters.Letters {
		if i == todayListMax {
			p.LettersMore = l.Tf("and %s more", l.Count(len(d.Letters.Letters)-todayListMax))
			break
		}
		by := l.T("post")
		if lt.Channel == string(dunning.Email) {
			by = l.T("e-mail")
		}
		p.Letters = append(p.Letters, letterRow{Customer: link(lt.CustomerID, lt.Name), Step: stepWords(l, lt.Step), By: by,
			Overdue: money(lt.AmountOverdue), Owner: ownerName(l, lt.Owner)})
	}
	if !d.Pending {
		p.LettersNote = l.Plural(len(d.Letters.Letters), "1 letter", "%s letters") + ", " + l.Tf("%s overdue", money(d.Letters.Overdue)) + " · " +
			l.Tf("%s by post, %s by e-mail", l.Count(d.Letters.ByPost), l.Count(d.Letters.ByEmail))
	}
	if d.Letters.Failed > 0 {
		p.LettersFailed = l.Tf("Refused for good today, not sent again: %s", l.Count(d.Letters.Failed))
	}

	// Owners.
	p.CapacityNote = l.Tf("Each owner can make %s calls a day.", l.Count(d.CallCapacity))
	over := 0
	for _, o := range d.Owners {
		row := ownerRow{Owner: ownerName(l, o.Owner), Mine: o.Mine, Tasks: l.Count(o.Tasks), Overdue: money(o.AmountOverdue),
			Calls: l.Count(o.Calls) + " / " + l.Count(o.Capacity), Over: o.Over, Letters: l.Count(o.Letters)}
		if o.Over {
			row.OverNote = l.Tf("%s over capacity", l.Count(o.Calls-o.Capacity))
			over++
		}
		p.Owners = append(p.Owners, row)
	}
	p.OverOwners = over

	p.Cards = []view.Card{
		{ID: "due", Label: l.T("Promises due today"), Value: l.Count(len(d.Promises.Due)), Detail: money(d.Promises.DueTotal)},
		{ID: "broken", Label: l.T("Broken since yesterday"), Value: l.Count(len(d.Promises.Broken)),
			Detail: l.Tf("%s unpaid", money(d.Promises.BrokenTotal))},
		{ID: "alerts", Label: l.T("New behaviour changes"), Value: l.Count(len(d.Alerts.Alerts)), Detail: l.Tf("since %s", p.AlertsSince)},
		{ID: "waiting", Label: l.T("Credits to match"), Value: l.Count(b.Unmatched), Detail: money(b.Waiting)},
		{ID: "letters", Label: l.T("Letters to send"), Value: l.Count(len(d.Letters.Letters)), Detail: l.Tf("%s overdue", money(d.Letters.Overdue))},
	}
	if d.Pending {
		// Not zero: not known yet.
		for i, c := range p.Cards {
			if c.ID == "alerts" || c.ID == "letters" {
				p.Cards[i].Value, p.Cards[i].Detail = "…", l.T("being computed")
			}
		}
	}
	return nil
}

// newPromiseRow formats a promise to pay.
func newPromiseRow(l present.Lang, cur string, pr creditflow.DuePromise, link func(id, name string) customerRef) promiseRow {
	row := promiseRow{Customer: link(pr.CustomerID, pr.Name), Owner: ownerName(l, pr.Owner), Amount: l.Money(cur, pr.Amount),
		Paid: l.Money(cur, pr.Paid), Made: l.Date(pr.Made), Due: l.Date(pr.PromiseDate)}
	short := pr.Amount - pr.Paid
	if !pr.HasAmount {
		short = pr.Amount
		row.Paid = "–"
	}
	row.Short = l.Money(cur, max(short, 0))
	if pr.HasAmount {
		row.Covers = l.Plural(pr.Invoices, "%s invoice", "%s invoices")
	} else {
		row.Covers = l.Tf("no amount named: %s open", l.Plural(pr.Invoices, "%s invoice", "%s invoices"))
	}
	return row
}

// ownerName is an owner for people: "Unassigned" for none.
func ownerName(l present.Lang, owner string) string {
	if owner == "" {
		return l.T("Unassigned")
	}
	return owner
}

// changeKindWords is the kind of a behaviour change in words.
func changeKindWords(l present.Lang, kind string) string {
	switch kind {
	case "worsening":
		return l.T("Pays later")
	case "improving":
		return l.T("Pays earlier")
	case "silence":
		return l.T("Stopped paying")
	}
	return l.T("Changed")
}

// stepWords is a dunning step in words, for the steps of the default
// ladders and those off the ladder; another policy's own steps are
// written as they are named, underscores as spaces.
func stepWords(l present.Lang, step string) string {
	switch step {
	case "friendly_reminder", "reminder":
		return l.T("payment reminder")
	case "second_reminder":
		return l.T("second reminder with statement")
	case "call":
		return l.T("reminder call")
	case "aanmaning":
		return l.T("formal reminder (aanmaning)")
	case "last_call":
		return l.T("last call")
	case "ingebrekestelling":
		return l.T("notice of default (ingebrekestelling)")
	case "veertiendagenbrief":
		return l.T("fourteen-day letter (veertiendagenbrief)")
	case "handover":
		return l.T("hand-over to a collection agency")
	case dunning.ArrangementConfirmationStep:
		return l.T("confirmation of the payment arrangement")
	case dunning.ThankYouStep:
		return l.T("thank-you e-mail")
	}
	return strings.ReplaceAll(step, "_", " ")
}
