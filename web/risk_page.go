package web

import (
	"context"
	"fmt"
	"math"
	"net/http"
	"net/url"
	"slices"
	"strconv"

	"github.com/creditflow/creditflow"
	"github.com/creditflow/creditflow/app"
	"github.com/creditflow/creditflow/present"
	"github.com/creditflow/creditflow/present/view"
	"github.com/creditflow/creditflow/risk"
)

// The payment-risk overview, /risk: the scores of the book, its riskiest
// customers and the newest alerts. The customer page is in
// customer_page.go, the charts of both in risk_charts.go.

// The risk overview shows a fixed amount of detail; the JSON API pages further.
const (
	riskTopCustomers = 20 // riskiest customers in the table
	riskAlerts       = 12 // newest alerts in the table
	riskScoreBins    = 10 // bars of the score histogram, 10 points each
)

// riskClasses are the risk classes from safest to riskiest. They take the
// colours of the aging buckets (view.BucketColors), from green to dark red.
var riskClasses = []creditflow.RiskClass{"A", "B", "C", "D", "E"}

// classIndex is the position of c in riskClasses, or -1.
func classIndex(c creditflow.RiskClass) int { return slices.Index(riskClasses, c) }

// classCSS is the CSS class of a risk-class badge: the colour of its bucket.
func classCSS(c creditflow.RiskClass) string {
	if i := classIndex(c); i >= 0 {
		return fmt.Sprintf("b%d", i)
	}
	return "unknown"
}

// riskPage is the data of risk.html. Everything is formatted here, so that
// the template only places strings.
type riskPage struct {
	pageHead

	// Refreshing says that the figures are from before a payment booked
	// by hand, and computed again in the background.
	Refreshing bool
	// Pending says that the classes over time and the alerts are still
	// being computed: the page shows the rest, and reloads itself once
	// ReadyURL answers.
	Pending      bool
	ReadyURL     string
	Currency     string
	Scored       string // "214 customers"
	Cards        []view.Card
	Classes      []classHead
	ScoreChart   view.Chart
	HistoryChart view.Chart
	HistoryFrom  string // "January 2025"
	ClassChart   view.Chart
	Alerts       []alertRow
	AlertsSince  string
	AlertsAPI    string
	Customers    []riskRow
	CustomersAPI string
}

type classHead struct {
	Class creditflow.RiskClass
	CSS   string
}

type alertRow struct {
	DetectedOn string
	Customer   customerRef
	Kind       string
	KindCSS    string
	Sentence   string
	Exposure   string
}

type riskRow struct {
	Customer    customerRef
	Class       creditflow.RiskClass
	ClassCSS    string
	Score       string
	ScoreWidth  string
	PLate       string
	PSevere     string
	DaysLate    string
	Exposure    string
	Limit       string
	Use         string // exposure as a share of the limit
	Over        bool   // exposure above the limit
	Change      string // the kind of a detected change, or ""
	ChangeCSS   string
	ChangeTitle string
}

// customerLink is the customer page of id on asOf.
func customerLink(id string, asOf creditflow.Date) string {
	return "/customers/" + url.PathEscape(id) + "?" + url.Values{"as_of": {asOf.String()}}.Encode()
}

// handleRiskPage renders the payment-risk overview for ?as_of=YYYY-MM-DD,
// today by default.
func (s *Server) handleRiskPage(w http.ResponseWriter, r *http.Request, sess *session) {
	servePage(s, w, r, sess, pageSpec{nav: "risk", template: "risk.html", failed: "The scores could not be computed."},
		&riskPage{}, s.loadRisk, (*riskData).fill)
}

// riskData is what the risk overview shows: the book's risk over the
// months (app.RiskOverview) and its riskiest customers. While the overview
// is computed for the first time, it holds the scores of the as-of date
// only, and pending is set.
type riskData struct {
	*app.RiskOverview
	top        []creditflow.RiskScore
	refreshing bool
	pending    bool
}

// loadRisk reads the risk overview of asOf. The page does not wait for the
// overview's month-ends and alerts (seconds on a large ledger, and the
// first visitor after start-up would wait for all of them): it shows the
// scores of asOf as soon as they are there, and the rest once ready.
func (s *Server) loadRisk(ctx context.Context, asOf creditflow.Date) (*riskData, error) {
	// Asked before the overview: outdated scores are served, and computed
	// again, from the moment they are asked for.
	refreshing := s.app.Refreshing(asOf)
	overview := s.app.RiskOverviewStart(ctx, asOf)
	d := &riskData{refreshing: refreshing}
	select {
	case <-overview.Done():
	default:
		scored, err := s.app.Scores(ctx, asOf)
		if err != nil {
			return nil, err
		}
		select {
		case <-overview.Done():
		default:
			d.pending = true
			d.RiskOverview = &app.RiskOverview{AsOf: asOf, Scored: scored, Dates: app.MonthEnds(asOf, app.RiskHistoryDates),
				AlertsSince: asOf.AddDays(-app.AlertDays)}
		}
	}
	if !d.pending {
		o, err := overview.Result()
		if err != nil {
			return nil, err
		}
		d.RiskOverview = o
	}
	var err error
	if d.top, _, err = d.Scored.Sorted(sortRisk, "", riskTopCustomers, 0); err != nil {
		return nil, fmt.Errorf("riskiest customers: %w", err)
	}
	return d, nil
}

// handleRiskReady answers once the risk overview of ?as_of= is computed:
// the risk page shown before calls it and reloads.
func (s *Server) handleRiskReady(w http.ResponseWriter, r *http.Request, _ *session) {
	asOf, err := s.asOf(r)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	if _, err := s.app.RiskOverview(r.Context(), asOf); err != nil {
		if r.Context().Err() == nil {
			s.log.ErrorContext(r.Context(), "risk overview", "as_of", asOf.String(), "err", err)
			http.Error(w, "the risk overview could not be computed", http.StatusInternalServerError)
		}
		return
	}
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(http.StatusNoContent)
}

// fill formats d into the page and builds its charts, per request.
func (d *riskData) fill(p *riskPage) error {
	cur := view.CurrencyCode(d.Scored.Currency)
	p.Currency = view.CurrencyName(p.Lang, cur)
	p.Refreshing = d.refreshing
	p.Pending = d.pending
	if d.pending {
		p.ReadyURL = "/risk/ready?" + url.Values{"as_of": {d.AsOf.String()}}.Encode()
	}
	cs, l := d.Scored.Customers, p.Lang
	p.Scored = l.Plural(len(cs), "%s customer scored", "%s customers scored")
	for _, c := range riskClasses {
		p.Classes = append(p.Classes, classHead{Class: c, CSS: classCSS(c)})
	}

	var exposure, risky, above creditflow.Money
	var active, nRisky, changes, over int
	for _, c := range cs {
		exposure += c.Exposure
		if c.Exposure > 0 {
			active++
		}
		if i := classIndex(c.RiskClass); i >= 3 {
			risky += c.Exposure
			nRisky++
		}
		if c.ChangeDetected {
			changes++
		}
		if c.Exposure > c.CreditLimit && c.Exposure > 0 {
			over++
			above += c.Exposure - c.CreditLimit
		}
	}
	riskyShare := math.NaN()
	if exposure > 0 {
		riskyShare = 100 * float64(risky) / float64(exposure)
	}
	alerts := l.Noun(changes, "customer", "customers") + " · " +
		l.Tf("%s since %s", l.Plural(len(d.Alerts), "%s new alert", "%s new alerts"), view.DayMonth(l, d.AlertsSince))
	if d.pending {
		alerts = l.Noun(changes, "customer", "customers") + " · " + l.T("alerts being computed")
	}
	p.Cards = []view.Card{
		{ID: "exposure", Label: l.T("Exposure"), Value: l.Money(cur, exposure),
			Detail: l.Tf("%s of %s owe something", l.Count(active), l.Plural(len(cs), "%s customer", "%s customers")),
			Hint:   l.T("What customers owe on the as-of date: their open invoices less unapplied credit.")},
		{ID: "risky", Label: l.T("High risk (classes D–E)"), Value: l.Money(cur, risky),
			Detail: l.Tf("%s of exposure", l.Percent(riskyShare)) + " · " + l.Plural(nRisky, "%s customer", "%s customers"),
			Hint:   l.T("Exposure with customers in the two riskiest classes, by their chance of paying more than 60 days late."),
			Meter:  view.MeterWidth(riskyShare)},
		{ID: "changes", Label: l.T("Behaviour changes"), Value: l.Count(changes),
			Detail: alerts,
			Hint:   l.T("Customers whose payment delays shifted, or who stopped paying, as the change test sees it on the as-of date.")},
		{ID: "overlimit", Label: l.T("Over credit limit"), Value: l.Count(over),
			Detail: l.Noun(over, "customer", "customers") + " · " + l.Tf("%s above their limits", l.Money(cur, above)),
			Hint:   l.T("Customers whose exposure is above the credit limit that applies to them (manual, else recommended).")},
	}

	for _, a := range d.Alerts[:min(len(d.Alerts), riskAlerts)] {
		p.Alerts = append(p.Alerts, alertRow{
			DetectedOn: l.Date(a.DetectedOn), Customer: newCustomerRef(a.CustomerID, a.Name, customerLink(a.CustomerID, d.AsOf)),
			Kind: view.ChangeKind(l, a.Kind), KindCSS: changeCSS(a.Kind), Sentence: alertSentence(l, a, cur), Exposure: l.Amount(a.Exposure),
		})
	}
	p.AlertsSince = l.LongDate(d.AlertsSince)
	p.AlertsAPI = "/api/alerts?" + url.Values{"as_of": {d.AsOf.String()}, "since": {d.AlertsSince.String()}}.Encode()
	for _, c := range d.top {
		p.Customers = append(p.Customers, newRiskRow(l, c, d.AsOf, cur))
	}
	p.CustomersAPI = "/api/customers?" + url.Values{"as_of": {d.AsOf.String()}, "sort": {sortRisk}, "limit": {"1000"}}.Encode()
	p.HistoryFrom = l.MonthYear(d.Dates[0])

	var err error
	if p.ScoreChart, err = view.Render(scoreHistogram(l, cs)); err != nil {
		return fmt.Errorf("score histogram: %w", err)
	}
	if !d.pending {
		if p.HistoryChart, err = view.Render(classHistoryChart(l, d.Dates, d.History)); err != nil {
			return fmt.Errorf("class history chart: %w", err)
		}
	}
	if p.ClassChart, err = view.Render(classExposureChart(l, cs, cur)); err != nil {
		return fmt.Errorf("class exposure chart: %w", err)
	}
	return nil
}

func newRiskRow(l present.Lang, c creditflow.RiskScore, asOf creditflow.Date, cur string) riskRow {
	row := riskRow{
		Customer: newCustomerRef(c.CustomerID, c.Name, customerLink(c.CustomerID, asOf)),
		Class:    c.RiskClass, ClassCSS: classCSS(c.RiskClass), Score: strconv.Itoa(c.Score),
		ScoreWidth: view.MeterWidth(float64(c.Score)), PLate: l.Percent(100 * c.PLate), PSevere: l.Percent(100 * c.PSevere),
		DaysLate: l.Number(c.ExpectedDaysLate), Exposure: l.Amount(c.Exposure), Limit: l.Amount(c.CreditLimit),
		Over: c.Exposure > c.CreditLimit && c.Exposure > 0,
	}
	row.Customer.Segment = c.Segment
	if c.ChangeDetected {
		row.Change, row.ChangeCSS, row.ChangeTitle = view.ChangeKind(l, c.Change.Kind), changeCSS(c.Change.Kind), view.ChangeSentence(l, c.Change, cur)
	}
	if c.CreditLimit > 0 {
		row.Use = l.Percent(100 * float64(c.Exposure) / float64(c.CreditLimit))
	}
	return row
}

// alertSentence says what happened in an alert, in l.
func alertSentence(l present.Lang, a creditflow.Alert, cur string) string {
	if l != present.NL && a.Sentence != "" {
		return a.Sentence
	}
	return view.ChangeSentence(l, a.Change, cur)
}

// changeCSS is the CSS class of a behaviour-change badge.
func changeCSS(kind string) string {
	switch kind {
	case risk.ChangeWorsening:
		return "worse"
	case risk.ChangeImproving:
		return "better"
	case risk.ChangeSilence:
		return "silent"
	}
	return "unknown"
}
