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
	ClassName   string // "class A · low risk"
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
	Actions     actionsPanel
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
	Kind     string // in words
	KindCode string
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
	lang := s.lang(r)
	canAct := sess.role.Allows(creditflow.RoleCollector)
	load := func(ctx context.Context, asOf creditflow.Date) (*customerData, error) {
		return s.loadCustomerPage(ctx, asOf, id, lang, canAct)
	}
	fill := func(d *customerData, p *customerPage) error {
		if err := d.fill(p); err != nil {
			return err
		}
		if d.dossier.err != nil {
			s.log.ErrorContext(r.Context(), "customer dossier", "as_of", d.asOf.String(), "customer_id", id, "err", d.dossier.err)
		}
		if d.dossier.letterErr != nil {
			s.log.ErrorContext(r.Context(), "customer letter", "as_of", d.asOf.String(), "customer_id", id, "err", d.dossier.letterErr)
		}
		cur := view.CurrencyCode(d.currency)
		d.dossier.fill(p.Lang, &p.Dossier, d.detail.OpenItems, cur)
		s.fillActions(p, d, canAct, cur)
		return nil
	}
	servePage(s, w, r, sess, spec, &customerPage{ID: id, Name: id, FoundInvoice: r.URL.Query().Get("invoice")}, load, fill)
}

// loadCustomerPage reads what the customer page shows: the customer's
// risk and, at the same time, its dossier and task. An unknown customer
// is explained on the page.
func (s *Server) loadCustomerPage(ctx context.Context, asOf creditflow.Date, id string, l present.Lang, canAct bool) (*customerData, error) {
	dctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var (
		wg      sync.WaitGroup
		dossier *dossierData
	)
	wg.Go(func() { dossier = s.loadDossier(dctx, asOf, id, l, canAct) })
	d, err := s.loadCustomer(ctx, asOf, id)
	if err != nil {
		cancel() // the page shows only the error
	}
	wg.Wait()
	if errors.Is(err, creditflow.ErrNotFound) {
		return nil, &pageError{status: http.StatusNotFound, msg: l.Tf("There is no customer %q in the ledger.", id)}
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
	l := p.Lang
	cur := view.CurrencyCode(d.currency)
	sc, lim := d.detail.Score, d.detail.Limit
	p.Currency = cur
	if sc.Name != "" {
		p.Name = sc.Name
	}
	p.Segment, p.Kind = sc.Segment, kindName(l, sc.Kind)
	p.Class, p.ClassCSS = sc.RiskClass, classCSS(sc.RiskClass)
	p.ClassName = riskClassName(l, sc.RiskClass)
	p.API = "/api/customers/" + url.PathEscape(p.ID) + "?" + url.Values{"as_of": {d.asOf.String()}}.Encode()
	p.LimitAPI = "/api/customers/" + url.PathEscape(p.ID) + "/credit-limit?" + url.Values{"as_of": {d.asOf.String()}}.Encode()

	use := math.NaN()
	if lim.CreditLimit > 0 {
		use = 100 * float64(lim.Exposure) / float64(lim.CreditLimit)
	}
	p.Cards = []view.Card{
		{ID: "score", Label: l.T("Risk score"), Value: strconv.Itoa(sc.Score) + " / 100",
			Detail: l.Tf("class %s · 0 is safest, 100 riskiest", string(sc.RiskClass)),
			Hint:   l.T("The model's overall judgement of the customer's payment risk."), Meter: view.MeterWidth(float64(sc.Score))},
		{ID: "plate", Label: l.T("Chance of paying late"), Value: l.Percent(100 * sc.PLate),
			Detail: l.T("next invoices paid after their due date"),
			Hint:   l.T("The probability that an invoice issued now is paid after its due date."), Meter: view.MeterWidth(100 * sc.PLate)},
		{ID: "psevere", Label: l.T("Chance of 60+ days late"), Value: l.Percent(100 * sc.PSevere),
			Detail: l.T("paid more than 60 days late, or not at all"),
			Hint:   l.T("The probability that an invoice issued now is paid more than 60 days after its due date, or not at all. It sets the risk class."),
			Meter:  view.MeterWidth(100 * sc.PSevere)},
		{ID: "days", Label: l.T("Expected days late"), Value: l.Days(sc.ExpectedDaysLate),
			Detail: l.T("beyond the due date, per invoice"),
			Hint:   l.T("The number of days beyond its due date that the model expects an invoice issued now to be paid.")},
		{ID: "limit", Label: l.T("Exposure / limit"), Value: l.Money(cur, lim.Exposure),
			Detail: limitDetail(l, cur, lim, use),
			Hint:   l.T("What the customer owes against the credit limit that applies (manual if set, else recommended)."),
			Meter:  view.MeterWidth(use)},
	}

	if ch := sc.Change; ch.Detected {
		box := &changeBox{Kind: view.ChangeKind(l, ch.Kind), KindCode: ch.Kind, CSS: changeCSS(ch.Kind), Sentence: view.ChangeSentence(l, ch, cur)}
		var parts []string
		if !ch.ChangeDate.IsZero() {
			parts = append(parts, l.Tf("changed around %s", l.LongDate(ch.ChangeDate)))
		}
		if !ch.DetectedOn.IsZero() {
			parts = append(parts, l.Tf("detected on %s", l.LongDate(ch.DetectedOn)))
		}
		if ch.Kind != risk.ChangeSilence {
			parts = append(parts, l.Tf("from %s to %s late on average", l.Days(ch.BeforeDays), l.Days(ch.AfterDays)))
		}
		box.Detail = strings.Join(parts, " · ")
		if box.Sentence == "" {
			box.Sentence = l.T("The customer's payment behaviour changed.")
		}
		p.Change = box
	}

	p.LimitRows = []limitRow{
		{Label: l.T("Credit limit that applies"), Amount: l.Amount(lim.CreditLimit), Hint: l.T("manual if set, else recommended")},
		{Label: l.T("Recommended limit"), Amount: l.Amount(lim.RecommendedLimit), Hint: l.T("what the model thinks is safe")},
	}
	if lim.ManualLimit != nil {
		p.LimitRows = append(p.LimitRows, limitRow{Label: l.T("Manual limit"), Amount: l.Amount(*lim.ManualLimit), Hint: l.T("set by hand")})
	}
	p.LimitRows = append(p.LimitRows,
		limitRow{Label: l.T("Exposure"), Amount: l.Amount(lim.Exposure), Hint: l.T("open invoices less unapplied credit")},
		limitRow{Label: l.T("Available"), Amount: l.Amount(lim.Available), Hint: l.T("limit less exposure")})

	changeText := ""
	if sc.Change.Detected {
		changeText = view.ChangeSentence(l, sc.Change, cur)
	}
	reasons := risk.ReasonsIn(l, sc.Reasons, &d.detail.Features, sc.Change, cur, changeText)
	maxW := 0.0
	for _, r := range reasons {
		maxW = math.Max(maxW, math.Abs(r.Weight))
	}
	for _, r := range reasons {
		row := reasonRow{Text: r.Text, Weight: signedNumber(l, r.Weight), Up: r.Weight > 0}
		if maxW > 0 {
			row.Width = view.MeterWidth(100 * math.Abs(r.Weight) / maxW)
		}
		p.Reasons = append(p.Reasons, row)
	}

	var err error
	if p.Features, err = featureRows(l, d.detail.Features); err != nil {
		return fmt.Errorf("features: %w", err)
	}

	for _, it := range d.items {
		p.Items = append(p.Items, customerItemRow{itemCells: newItemCells(l, it.OpenItem),
			PLate: l.Percent(100 * it.PLate), PLateWidth: view.MeterWidth(100 * it.PLate)})
	}

	hist := slices.Clone(d.detail.History)
	slices.SortStableFunc(hist, func(a, b risk.PaymentRecord) int { return b.InvoiceDate.Compare(a.InvoiceDate.Time) })
	for _, h := range hist[:min(len(hist), customerHistory)] {
		row := historyRow{Invoice: h.InvoiceID, InvoiceDate: l.Date(h.InvoiceDate), DueDate: l.Date(h.DueDate),
			PaidOn: l.T("open"), DaysLate: "–", Amount: l.Amount(h.Amount), Open: l.Amount(h.OpenAmount)}
		if !h.PaidOn.IsZero() {
			row.PaidOn = l.Date(h.PaidOn)
		}
		if h.DaysLate != nil {
			row.DaysLate = l.Number(*h.DaysLate)
			row.Late = *h.DaysLate > 0
		}
		p.History = append(p.History, row)
	}
	p.HistoryNote = l.Tf("The %s most recent of %s invoices", l.Count(len(p.History)), l.Count(len(hist)))
	if len(p.History) == len(hist) {
		p.HistoryNote = l.Tf("All %s invoices", l.Count(len(hist)))
		if len(hist) == 1 {
			p.HistoryNote = l.T("The one invoice")
		}
	}

	settled, open := 0, 0
	for _, pt := range d.delays {
		if pt.Censored {
			open++
		} else {
			settled++
		}
	}
	p.DelayNote = l.Tf("%s paid and %s open invoices by due date", l.Count(settled), l.Count(open))
	if p.DelayChart, err = view.Render(delayChart(l, d.delays, sc.Change, cur)); err != nil {
		return fmt.Errorf("delay chart: %w", err)
	}
	if p.LimitChart, err = view.Render(limitChart(l, lim, d.detail.OpenItems, cur)); err != nil {
		return fmt.Errorf("limit chart: %w", err)
	}
	return nil
}

// limitDetail says how much of its limit a customer uses; use is the
// exposure in percent of the limit (NaN without a limit).
func limitDetail(l present.Lang, cur string, lim creditflow.CreditLimit, use float64) string {
	if lim.CreditLimit <= 0 {
		return l.Tf("no credit: the limit is %s", l.Money(cur, lim.CreditLimit))
	}
	return l.Tf("of %s · %s used", l.Money(cur, lim.CreditLimit), l.Percent(use))
}

// signedNumber writes a weight with its sign and two decimals: "+0.42",
// "−0.13"; Dutch "+0,42".
func signedNumber(l present.Lang, x float64) string {
	s := fmt.Sprintf("%+.2f", x)
	s = strings.Replace(s, "-", "−", 1)
	if l == present.NL {
		s = strings.Replace(s, ".", ",", 1)
	}
	return s
}

// kindName is a kind of customer in words.
func kindName(l present.Lang, k creditflow.CustomerKind) string {
	switch k {
	case "b2b":
		return l.T("business")
	case "b2c":
		return l.T("consumer")
	}
	return string(k)
}

// riskClassName is a risk class in words: "class A, low risk".
func riskClassName(l present.Lang, c creditflow.RiskClass) string {
	switch c {
	case "A":
		return l.T("risk class A: very low risk")
	case "B":
		return l.T("risk class B: low risk")
	case "C":
		return l.T("risk class C: moderate risk")
	case "D":
		return l.T("risk class D: high risk")
	case "E":
		return l.T("risk class E: very high risk")
	}
	return l.Tf("risk class %s", string(c))
}
