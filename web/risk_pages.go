package web

import (
	"context"
	"errors"
	"fmt"
	"math"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/creditflow/creditflow"
	"github.com/creditflow/creditflow/app"
	"github.com/creditflow/creditflow/present"
	"github.com/creditflow/creditflow/risk"
)

// The payment-risk dashboards: /risk, the overview of the scores, and
// /customers/{id}, one customer's score and what is behind it.

// The risk overview shows a fixed amount of detail; the JSON API pages further.
const (
	// riskHistoryDates is the number of bars of the risk classes over
	// time: the 5 month-ends before the as-of date and the as-of date. Each
	// date is scored on its own (the engine caches it until the next
	// ingest); on the 50,000-invoice demo ledger a cold date takes about a
	// second, so more months would make the first visit of a date slow.
	riskHistoryDates = 6
	riskTopCustomers = 20 // riskiest customers in the table
	riskAlerts       = 12 // newest alerts in the table
	riskScoreBins    = 10 // bars of the score histogram, 10 points each
	customerHistory  = 15 // most recent invoices in the customer's table
)

// riskClasses are the risk classes from safest to riskiest. They take the
// colours of the aging buckets (bucketColors), from green to dark red.
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

	Currency     string
	Scored       string // "214 customers"
	Cards        []kpiCard
	Classes      []classHead
	ScoreChart   chartSnippet
	HistoryChart chartSnippet
	HistoryFrom  string // "January 2025"
	ClassChart   chartSnippet
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
	Customer   string
	CustomerID string
	Link       string
	Kind       string
	KindCSS    string
	Sentence   string
	Exposure   string
}

type riskRow struct {
	Link        string
	Name        string
	ID          string
	Segment     string
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
// months (app.RiskOverview) and its riskiest customers.
type riskData struct {
	*app.RiskOverview
	top []creditflow.RiskScore
}

// loadRisk reads the risk overview of asOf.
func (s *Server) loadRisk(ctx context.Context, asOf creditflow.Date) (*riskData, error) {
	o, err := s.app.RiskOverview(ctx, asOf)
	if err != nil {
		return nil, err
	}
	d := &riskData{RiskOverview: o}
	if d.top, _, err = o.Scored.Sorted(sortRisk, "", riskTopCustomers, 0); err != nil {
		return nil, fmt.Errorf("riskiest customers: %w", err)
	}
	return d, nil
}

// fill formats d into the page and builds its charts, per request.
func (d *riskData) fill(p *riskPage) error {
	cur := currencyCode(d.Scored.Currency)
	p.Currency = cur
	cs := d.Scored.Customers
	p.Scored = present.EN.Count(len(cs)) + " customers"
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
	p.Cards = []kpiCard{
		{ID: "exposure", Label: "Exposure", Value: present.EN.Money(cur, exposure),
			Detail: fmt.Sprintf("%s of %s customers owe something", present.EN.Count(active), present.EN.Count(len(cs))),
			Hint:   "What customers owe on the as-of date: their open invoices less unapplied credit."},
		{ID: "risky", Label: "High risk (classes D–E)", Value: present.EN.Money(cur, risky),
			Detail: fmt.Sprintf("%s of exposure · %s customers", present.EN.Percent(riskyShare), present.EN.Count(nRisky)),
			Hint:   "Exposure with customers in the two riskiest classes, by their chance of paying more than 60 days late.",
			Meter:  cssPercent(riskyShare)},
		{ID: "changes", Label: "Behaviour changes", Value: present.EN.Count(changes),
			Detail: fmt.Sprintf("customers · %s new alerts since %s", present.EN.Count(len(d.Alerts)), d.AlertsSince.Format("2 Jan")),
			Hint:   "Customers whose payment delays shifted, or who stopped paying, as the change test sees it on the as-of date."},
		{ID: "overlimit", Label: "Over credit limit", Value: present.EN.Count(over),
			Detail: "customers · " + present.EN.Money(cur, above) + " above their limits",
			Hint:   "Customers whose exposure is above the credit limit that applies to them (manual, else recommended)."},
	}

	for _, a := range d.Alerts[:min(len(d.Alerts), riskAlerts)] {
		name := a.Name
		if name == "" {
			name = a.CustomerID
		}
		p.Alerts = append(p.Alerts, alertRow{
			DetectedOn: a.DetectedOn.String(), Customer: name, CustomerID: a.CustomerID, Link: customerLink(a.CustomerID, d.AsOf),
			Kind: a.Kind, KindCSS: changeCSS(a.Kind), Sentence: a.Sentence, Exposure: present.EN.Amount(a.Exposure),
		})
	}
	p.AlertsSince = d.AlertsSince.Format("2 January 2006")
	p.AlertsAPI = "/api/alerts?" + url.Values{"as_of": {d.AsOf.String()}, "since": {d.AlertsSince.String()}}.Encode()
	for _, c := range d.top {
		p.Customers = append(p.Customers, newRiskRow(c, d.AsOf))
	}
	p.CustomersAPI = "/api/customers?" + url.Values{"as_of": {d.AsOf.String()}, "sort": {sortRisk}, "limit": {"1000"}}.Encode()
	p.HistoryFrom = d.Dates[0].Format("January 2006")

	var err error
	if p.ScoreChart, err = snippetOf(scoreHistogram(cs)); err != nil {
		return fmt.Errorf("score histogram: %w", err)
	}
	if p.HistoryChart, err = snippetOf(classHistoryChart(d.Dates, d.History)); err != nil {
		return fmt.Errorf("class history chart: %w", err)
	}
	if p.ClassChart, err = snippetOf(classExposureChart(cs, cur)); err != nil {
		return fmt.Errorf("class exposure chart: %w", err)
	}
	return nil
}

func newRiskRow(c creditflow.RiskScore, asOf creditflow.Date) riskRow {
	name := c.Name
	if name == "" {
		name = c.CustomerID
	}
	row := riskRow{
		Link: customerLink(c.CustomerID, asOf), Name: name, ID: c.CustomerID, Segment: c.Segment,
		Class: c.RiskClass, ClassCSS: classCSS(c.RiskClass), Score: strconv.Itoa(c.Score),
		ScoreWidth: cssPercent(float64(c.Score)), PLate: present.EN.Percent(100 * c.PLate), PSevere: present.EN.Percent(100 * c.PSevere),
		DaysLate: present.EN.Number(c.ExpectedDaysLate), Exposure: present.EN.Amount(c.Exposure), Limit: present.EN.Amount(c.CreditLimit),
		Over: c.Exposure > c.CreditLimit && c.Exposure > 0,
	}
	if c.ChangeDetected {
		row.Change, row.ChangeCSS, row.ChangeTitle = c.Change.Kind, changeCSS(c.Change.Kind), c.Change.Sentence
		if row.Change == "" {
			row.Change = "changed"
		}
	}
	if c.CreditLimit > 0 {
		row.Use = present.EN.Percent(100 * float64(c.Exposure) / float64(c.CreditLimit))
	}
	return row
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

// customerPage is the data of customer.html.
// PageTitle names the customer in the title bar.
func (p customerPage) PageTitle() string { return p.Name }

type customerPage struct {
	pageHead

	ID          string
	Name        string
	Segment     string
	Kind        string
	Currency    string
	Class       creditflow.RiskClass
	ClassCSS    string
	Cards       []kpiCard
	Change      *changeBox
	DelayChart  chartSnippet
	DelayNote   string
	LimitChart  chartSnippet
	LimitRows   []limitRow
	Reasons     []reasonRow
	Features    []featureRow
	Items       []customerItemRow
	History     []historyRow
	HistoryNote string
	API         string
	LimitAPI    string
	Dossier     dossierPanel
}

type changeBox struct {
	Kind     string
	CSS      string
	Sentence string
	Detail   string
}

type limitRow struct {
	Label  string
	Amount string
	Hint   string
}

type reasonRow struct {
	Text   string
	Weight string
	Up     bool   // raises the risk
	Width  string // |weight| against the largest, as a CSS width
}

type customerItemRow struct {
	Invoice     string
	InvoiceDate string
	DueDate     string
	Open        string
	DaysPastDue string
	Bucket      string
	BucketClass string
	PLate       string
	PLateWidth  string
	Disputed    bool
}

type historyRow struct {
	Invoice     string
	InvoiceDate string
	DueDate     string
	PaidOn      string
	DaysLate    string
	Late        bool
	Amount      string
	Open        string
}

// handleCustomerPage renders one customer's risk for ?as_of=YYYY-MM-DD.
func (s *Server) handleCustomerPage(w http.ResponseWriter, r *http.Request, sess *session) {
	id, err := pathVar(r, "id")
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	spec := pageSpec{nav: "risk", template: "customer.html", action: "/customers/" + url.PathEscape(id),
		failed: "The customer's risk could not be computed.", log: []any{"customer_id", id}}
	load := func(ctx context.Context, asOf creditflow.Date) (*customerData, error) {
		return s.loadCustomerPage(ctx, asOf, id)
	}
	fill := func(d *customerData, p *customerPage) error {
		if err := d.fill(p); err != nil {
			return err
		}
		if d.dossier.err != nil {
			s.log.ErrorContext(r.Context(), "customer dossier", "as_of", d.asOf.String(), "customer_id", id, "err", d.dossier.err)
		}
		d.dossier.fill(&p.Dossier, d.detail.OpenItems, currencyCode(d.currency))
		return nil
	}
	servePage(s, w, r, sess, spec, &customerPage{ID: id, Name: id}, load, fill)
}

// loadCustomerPage reads what the customer page shows: the customer's
// risk and, at the same time, its dossier and task. An unknown customer
// is explained on the page.
func (s *Server) loadCustomerPage(ctx context.Context, asOf creditflow.Date, id string) (*customerData, error) {
	dctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var (
		wg      sync.WaitGroup
		dossier *dossierData
	)
	wg.Go(func() { dossier = s.loadDossier(dctx, asOf, id) })
	d, err := s.loadCustomer(ctx, asOf, id)
	if err != nil {
		cancel() // the page shows only the error
	}
	wg.Wait()
	if errors.Is(err, creditflow.ErrNotFound) {
		return nil, &pageError{status: http.StatusNotFound, msg: fmt.Sprintf("There is no customer %q in the ledger.", id)}
	}
	if err != nil {
		return nil, err
	}
	d.dossier = dossier
	return d, nil
}

// customerData is what the customer page reads.
type customerData struct {
	asOf     creditflow.Date
	currency string
	detail   risk.CustomerDetail
	items    []openItemRisk
	delays   []risk.DelayPoint
	dossier  *dossierData
}

func (s *Server) loadCustomer(ctx context.Context, asOf creditflow.Date, id string) (*customerData, error) {
	scored, err := s.app.Scores(ctx, asOf)
	if err != nil {
		return nil, err
	}
	d := &customerData{asOf: asOf, currency: scored.Currency}
	if d.detail, err = s.app.Customer(ctx, asOf, id); err != nil {
		return nil, err
	}
	if d.items, err = s.withPLate(ctx, asOf, d.detail.OpenItems); err != nil {
		return nil, err
	}
	if d.delays, err = risk.DelaySeries(ctx, s.db, asOf, id); err != nil {
		return nil, fmt.Errorf("delay series: %w", err)
	}
	return d, nil
}

func (d *customerData) fill(p *customerPage) error {
	cur := currencyCode(d.currency)
	sc, lim := d.detail.Score, d.detail.Limit
	p.Currency = cur
	if sc.Name != "" {
		p.Name = sc.Name
	}
	p.Segment, p.Kind = sc.Segment, string(sc.Kind)
	p.Class, p.ClassCSS = sc.RiskClass, classCSS(sc.RiskClass)
	p.API = "/api/customers/" + url.PathEscape(p.ID) + "?" + url.Values{"as_of": {d.asOf.String()}}.Encode()
	p.LimitAPI = "/api/customers/" + url.PathEscape(p.ID) + "/credit-limit?" + url.Values{"as_of": {d.asOf.String()}}.Encode()

	use := math.NaN()
	if lim.CreditLimit > 0 {
		use = 100 * float64(lim.Exposure) / float64(lim.CreditLimit)
	}
	p.Cards = []kpiCard{
		{ID: "score", Label: "Risk score", Value: strconv.Itoa(sc.Score) + " / 100",
			Detail: "class " + string(sc.RiskClass) + " · 0 is safest, 100 riskiest",
			Hint:   "The model's overall judgement of the customer's payment risk.", Meter: cssPercent(float64(sc.Score))},
		{ID: "plate", Label: "Chance of paying late", Value: present.EN.Percent(100 * sc.PLate),
			Detail: "next invoices paid after their due date",
			Hint:   "p_late: the probability that an invoice issued now is paid after its due date.", Meter: cssPercent(100 * sc.PLate)},
		{ID: "psevere", Label: "Chance of 60+ days late", Value: present.EN.Percent(100 * sc.PSevere),
			Detail: "paid more than 60 days late, or not at all",
			Hint:   "p_severe: the probability that an invoice issued now is paid more than 60 days after its due date, or not at all. It sets the risk class.",
			Meter:  cssPercent(100 * sc.PSevere)},
		{ID: "days", Label: "Expected days late", Value: present.EN.Days(sc.ExpectedDaysLate),
			Detail: "beyond the due date, per invoice",
			Hint:   "The number of days beyond its due date that the model expects an invoice issued now to be paid."},
		{ID: "limit", Label: "Exposure / limit", Value: present.EN.Money(cur, lim.Exposure),
			Detail: limitDetail(cur, lim, use),
			Hint:   "What the customer owes against the credit limit that applies (manual if set, else recommended).",
			Meter:  cssPercent(use)},
	}

	if ch := sc.Change; ch.Detected {
		box := &changeBox{Kind: ch.Kind, CSS: changeCSS(ch.Kind), Sentence: ch.Sentence}
		var parts []string
		if !ch.ChangeDate.IsZero() {
			parts = append(parts, "changed around "+ch.ChangeDate.Format("2 January 2006"))
		}
		if !ch.DetectedOn.IsZero() {
			parts = append(parts, "detected on "+ch.DetectedOn.Format("2 January 2006"))
		}
		if ch.Kind != risk.ChangeSilence {
			parts = append(parts, fmt.Sprintf("from %s to %s late on average", present.EN.Days(ch.BeforeDays), present.EN.Days(ch.AfterDays)))
		}
		box.Detail = strings.Join(parts, " · ")
		if box.Sentence == "" {
			box.Sentence = "The customer's payment behaviour changed."
		}
		p.Change = box
	}

	p.LimitRows = []limitRow{
		{Label: "Credit limit that applies", Amount: present.EN.Amount(lim.CreditLimit), Hint: "manual if set, else recommended"},
		{Label: "Recommended limit", Amount: present.EN.Amount(lim.RecommendedLimit), Hint: "what the model thinks is safe"},
	}
	if lim.ManualLimit != nil {
		p.LimitRows = append(p.LimitRows, limitRow{Label: "Manual limit", Amount: present.EN.Amount(*lim.ManualLimit), Hint: "set in the customer file"})
	}
	p.LimitRows = append(p.LimitRows,
		limitRow{Label: "Exposure", Amount: present.EN.Amount(lim.Exposure), Hint: "open invoices less unapplied credit"},
		limitRow{Label: "Available", Amount: present.EN.Amount(lim.Available), Hint: "limit less exposure"})

	maxW := 0.0
	for _, r := range sc.Reasons {
		maxW = math.Max(maxW, math.Abs(r.Weight))
	}
	for _, r := range sc.Reasons {
		row := reasonRow{Text: r.Text, Weight: fmt.Sprintf("%+.2f", r.Weight), Up: r.Weight > 0}
		if maxW > 0 {
			row.Width = cssPercent(100 * math.Abs(r.Weight) / maxW)
		}
		p.Reasons = append(p.Reasons, row)
	}

	var err error
	if p.Features, err = featureRows(d.detail.Features); err != nil {
		return fmt.Errorf("features: %w", err)
	}

	for _, it := range d.items {
		p.Items = append(p.Items, customerItemRow{
			Invoice: it.InvoiceID, InvoiceDate: it.InvoiceDate.String(), DueDate: it.DueDate.String(),
			Open: present.EN.Amount(it.OpenAmount), DaysPastDue: present.EN.Count(it.DaysPastDue),
			Bucket: bucketTitle(it.Bucket), BucketClass: bucketClass(it.Bucket),
			PLate: present.EN.Percent(100 * it.PLate), PLateWidth: cssPercent(100 * it.PLate), Disputed: it.Disputed,
		})
	}

	hist := slices.Clone(d.detail.History)
	slices.SortStableFunc(hist, func(a, b risk.PaymentRecord) int { return b.InvoiceDate.Compare(a.InvoiceDate.Time) })
	for _, h := range hist[:min(len(hist), customerHistory)] {
		row := historyRow{Invoice: h.InvoiceID, InvoiceDate: h.InvoiceDate.String(), DueDate: h.DueDate.String(),
			PaidOn: "open", DaysLate: "–", Amount: present.EN.Amount(h.Amount), Open: present.EN.Amount(h.OpenAmount)}
		if !h.PaidOn.IsZero() {
			row.PaidOn = h.PaidOn.String()
		}
		if h.DaysLate != nil {
			row.DaysLate = present.EN.Number(*h.DaysLate)
			row.Late = *h.DaysLate > 0
		}
		p.History = append(p.History, row)
	}
	p.HistoryNote = fmt.Sprintf("The %s most recent of %s invoices", present.EN.Count(len(p.History)), present.EN.Count(len(hist)))

	settled, open := 0, 0
	for _, pt := range d.delays {
		if pt.Censored {
			open++
		} else {
			settled++
		}
	}
	p.DelayNote = fmt.Sprintf("%s paid and %s open invoices by due date", present.EN.Count(settled), present.EN.Count(open))
	if p.DelayChart, err = snippetOf(delayChart(d.delays, sc.Change, cur)); err != nil {
		return fmt.Errorf("delay chart: %w", err)
	}
	if p.LimitChart, err = snippetOf(limitChart(lim, d.detail.OpenItems, cur)); err != nil {
		return fmt.Errorf("limit chart: %w", err)
	}
	return nil
}

// limitDetail says how much of its limit a customer uses; use is the
// exposure in percent of the limit (NaN without a limit).
func limitDetail(cur string, lim creditflow.CreditLimit, use float64) string {
	if lim.CreditLimit <= 0 {
		return "no credit: the limit is " + present.EN.Money(cur, lim.CreditLimit)
	}
	return "of " + present.EN.Money(cur, lim.CreditLimit) + " · " + present.EN.Percent(use) + " used"
}
