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
	"github.com/creditflow/creditflow/present"
	"github.com/creditflow/creditflow/present/view"
	"github.com/creditflow/creditflow/risk"
)

// The customer page, /customers/{id}: one customer's score and what is
// behind it, its open items, payment history and dossier.

// customerHistory is the number of the most recent invoices in the
// customer's payment history.
const customerHistory = 15

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
	Cards       []view.Card
	Change      *changeBox
	DelayChart  view.Chart
	DelayNote   string
	LimitChart  view.Chart
	LimitRows   []limitRow
	Reasons     []reasonRow
	Features    []featureRow
	Items       []customerItemRow
	History     []historyRow
	HistoryNote string
	API         string
	LimitAPI    string
	Dossier     dossierPanel
	// FoundInvoice is the invoice a search found (?invoice=): its row is
	// marked, and the page opens on it.
	FoundInvoice string
}

// FoundOpen reports whether the invoice a search found is among the open
// items: that row is the one the page opens on, else its row in the
// payment history.
func (p customerPage) FoundOpen() bool {
	return p.FoundInvoice != "" && slices.ContainsFunc(p.Items, func(it customerItemRow) bool { return it.Invoice == p.FoundInvoice })
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
	itemCells
	PLate      string
	PLateWidth string
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
		d.dossier.fill(&p.Dossier, d.detail.OpenItems, view.CurrencyCode(d.currency))
		return nil
	}
	servePage(s, w, r, sess, spec, &customerPage{ID: id, Name: id, FoundInvoice: r.URL.Query().Get("invoice")}, load, fill)
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
	cur := view.CurrencyCode(d.currency)
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
	p.Cards = []view.Card{
		{ID: "score", Label: "Risk score", Value: strconv.Itoa(sc.Score) + " / 100",
			Detail: "class " + string(sc.RiskClass) + " · 0 is safest, 100 riskiest",
			Hint:   "The model's overall judgement of the customer's payment risk.", Meter: view.MeterWidth(float64(sc.Score))},
		{ID: "plate", Label: "Chance of paying late", Value: present.EN.Percent(100 * sc.PLate),
			Detail: "next invoices paid after their due date",
			Hint:   "p_late: the probability that an invoice issued now is paid after its due date.", Meter: view.MeterWidth(100 * sc.PLate)},
		{ID: "psevere", Label: "Chance of 60+ days late", Value: present.EN.Percent(100 * sc.PSevere),
			Detail: "paid more than 60 days late, or not at all",
			Hint:   "p_severe: the probability that an invoice issued now is paid more than 60 days after its due date, or not at all. It sets the risk class.",
			Meter:  view.MeterWidth(100 * sc.PSevere)},
		{ID: "days", Label: "Expected days late", Value: present.EN.Days(sc.ExpectedDaysLate),
			Detail: "beyond the due date, per invoice",
			Hint:   "The number of days beyond its due date that the model expects an invoice issued now to be paid."},
		{ID: "limit", Label: "Exposure / limit", Value: present.EN.Money(cur, lim.Exposure),
			Detail: limitDetail(cur, lim, use),
			Hint:   "What the customer owes against the credit limit that applies (manual if set, else recommended).",
			Meter:  view.MeterWidth(use)},
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
			row.Width = view.MeterWidth(100 * math.Abs(r.Weight) / maxW)
		}
		p.Reasons = append(p.Reasons, row)
	}

	var err error
	if p.Features, err = featureRows(d.detail.Features); err != nil {
		return fmt.Errorf("features: %w", err)
	}

	for _, it := range d.items {
		p.Items = append(p.Items, customerItemRow{itemCells: newItemCells(p.Lang, it.OpenItem),
			PLate: present.EN.Percent(100 * it.PLate), PLateWidth: view.MeterWidth(100 * it.PLate)})
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
	if p.DelayChart, err = view.Render(delayChart(d.delays, sc.Change, cur)); err != nil {
		return fmt.Errorf("delay chart: %w", err)
	}
	if p.LimitChart, err = view.Render(limitChart(lim, d.detail.OpenItems, cur)); err != nil {
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
