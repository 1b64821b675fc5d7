package risk

import (
	"context"
	"database/sql"
	"fmt"
	"math"
	"sort"
	"strings"

	"github.com/creditflow/creditflow"
	"github.com/creditflow/creditflow/store"
)

// Features are what the risk model knows of a customer on an as-of date,
// computed in DuckDB by sql/risk_features.sql from what was known on that
// date only. Money is exact; days are calendar days; shares are fractions
// in [0,1]. DBT (days beyond terms) is amount-weighted over the invoices
// whose days late are known: paid ones (paid on - due date) and open ones
// past due (as-of - due date, a lower bound: an open invoice is censored,
// never counted as on time).
//
// The _shrunk fields are empirical-Bayes estimates that blend the
// customer's own figure with its segment's (which in turn leans on the
// whole book when the segment is small) with weight n/(n+k), n being the
// customer's number of invoices behind the figure and k estimated from how
// much customers differ; a customer without history gets its segment's
// figures.
type Features struct {
	CustomerID       string                  `json:"customer_id"`
	AsOf             creditflow.Date         `json:"as_of"`
	Segment          string                  `json:"segment"`
	Kind             creditflow.CustomerKind `json:"kind"`
	PaymentTermsDays int                     `json:"payment_terms_days"`

	Invoices         int              `json:"invoices"` // invoices with a positive amount dated on or before the as-of date
	Payments         int              `json:"payments"` // positive payments
	CreditNotes      int              `json:"credit_notes"`
	CreditNoteAmount creditflow.Money `json:"credit_note_amount"` // positive
	FirstInvoice     creditflow.Date  `json:"first_invoice"`
	LastInvoice      creditflow.Date  `json:"last_invoice"`
	LastPayment      creditflow.Date  `json:"last_payment"`
	// RelationshipDays is the days since the first invoice (0 without one).
	RelationshipDays float64 `json:"relationship_days"`
	// DaysSinceLastPayment counts from the last payment, or from the first
	// invoice when there was none (0 without invoices).
	DaysSinceLastPayment float64 `json:"days_since_last_payment"`

	Sales3M  creditflow.Money `json:"sales_3m"`  // invoices and credit notes dated in the last 3 months
	Sales12M creditflow.Money `json:"sales_12m"` // the same over 12 months
	// UsualInvoiceAmount is the mean invoice amount (rounded to the cent).
	UsualInvoiceAmount creditflow.Money `json:"usual_invoice_amount"`

	OpenAmount      creditflow.Money `json:"open_amount"`
	OverdueAmount   creditflow.Money `json:"overdue_amount"`
	UnappliedCredit creditflow.Money `json:"unapplied_credit"`
	// Exposure is the open amount less unapplied credit, at least 0.
	Exposure          creditflow.Money `json:"exposure"`
	OpenItems         int              `json:"open_items"`
	OverdueItems      int              `json:"overdue_items"`
	OldestOverdueDays float64          `json:"oldest_overdue_days"`

	Disputes           int              `json:"disputes"`
	DisputedOpenAmount creditflow.Money `json:"disputed_open_amount"`
	Partials           int              `json:"partials"`  // invoices paid in parts, or open and partly paid
	Reversals          int              `json:"reversals"` // reversed payments (stornering)

	DBT            float64 `json:"dbt"`
	DBTInvoices    int     `json:"dbt_invoices"`
	DBT90          float64 `json:"dbt_90"` // over invoices due in the last 90 days
	DBT90Invoices  int     `json:"dbt_90_invoices"`
	DBT365         float64 `json:"dbt_365"`
	DBT365Invoices int     `json:"dbt_365_invoices"`
	// DBTTrend is the least-squares slope of days late against due date over
	// the last 365 days, in days late per 30 days.
	DBTTrend float64 `json:"dbt_trend"`
	// DBTVolatility is the standard deviation of days late over the last
	// 365 days, in days.
	DBTVolatility float64 `json:"dbt_volatility"`

	LateShare     float64 `json:"late_share"` // of the invoices whose lateness is known
	LateKnown     int     `json:"late_known"`
	VeryLateShare float64 `json:"very_late_share"` // more than 60 days late
	VeryLateKnown int     `json:"very_late_known"`
	LateShare180  float64 `json:"late_share_180"` // invoices due in the last 180 days
	LateKnown180  int     `json:"late_known_180"`
	// VeryLateShare365 is the very-late share of the invoices due in the
	// last 365 days.
	VeryLateShare365 float64 `json:"very_late_share_365"`
	VeryLateKnown365 int     `json:"very_late_known_365"`
	PartialShare     float64 `json:"partial_share"`

	LateShareShrunk     float64 `json:"late_share_shrunk"`
	VeryLateShareShrunk float64 `json:"very_late_share_shrunk"`
	LateShare180Shrunk  float64 `json:"late_share_180_shrunk"`
	VeryLate365Shrunk   float64 `json:"very_late_share_365_shrunk"`
	PartialShareShrunk  float64 `json:"partial_share_shrunk"`
	DBTShrunk           float64 `json:"dbt_shrunk"`
	DBT90Shrunk         float64 `json:"dbt_90_shrunk"`
	DBT365Shrunk        float64 `json:"dbt_365_shrunk"`
	DBTTrendShrunk      float64 `json:"dbt_trend_shrunk"`
	DBTVolatilityShrunk float64 `json:"dbt_volatility_shrunk"`

	// The segment's figures the customer's are shrunk towards.
	SegmentLateShare     float64 `json:"segment_late_share"`
	SegmentVeryLateShare float64 `json:"segment_very_late_share"`
	SegmentDBT           float64 `json:"segment_dbt"`
}

// featureRow is one row of risk_features.sql: a customer's features on one
// as-of date, its master data, and in training the outcome of the
// invoices it was issued after that date.
type featureRow struct {
	Features
	name         string
	manualLimit  *creditflow.Money
	nLate        int
	nVeryLate    int
	nLate180     int
	nVeryLate365 int
	nPartial     int
	out          outcome
}

// outcome is what happened to the invoices a customer was issued in
// (S, S+H], as known on the cut date.
type outcome struct {
	invoices            int
	late, lateKnown     int
	severe, severeKnown int
	daysSum             float64 // days late, 0 when on time, capped at 365
	daysKnown           int
}

// featureQuery says which features risk_features.sql computes.
type featureQuery struct {
	dates     []creditflow.Date
	currency  string
	customers []string        // nil: every customer
	cut       creditflow.Date // nothing after it is read
	horizon   int             // days; 0 scores, > 0 trains
}

// loadFeatures runs risk_features.sql. Rows come sorted by customer_id,
// then as-of date.
func loadFeatures(ctx context.Context, q store.Querier, fq featureQuery) ([]*featureRow, error) {
	if len(fq.dates) == 0 {
		return nil, nil
	}
	list := make([]string, len(fq.dates))
	for i, d := range fq.dates {
		list[i] = d.String()
	}
	cut := fq.cut
	if cut.IsZero() {
		cut = fq.dates[len(fq.dates)-1]
	}
	var out []*featureRow
	err := store.EachRow(ctx, q, store.Query("risk_features"), func(rows *sql.Rows) error {
		r := &featureRow{}
		f := &r.Features
		var (
			kind                                           string
			usual, dbt, dbt90, dbt365, trend, vol, daysSum float64
			oldest                                         int64
		)
		err := rows.Scan(&f.CustomerID, &f.AsOf, &r.name, &f.Segment, &kind, &f.PaymentTermsDays, nullMoney{&r.manualLimit},
			&f.Invoices, &f.CreditNotes, store.Money(&f.CreditNoteAmount), &f.FirstInvoice, &f.LastInvoice,
			store.Money(&f.Sales3M), store.Money(&f.Sales12M), &usual,
			store.Money(&f.OpenAmount), store.Money(&f.OverdueAmount), &f.OpenItems, &f.OverdueItems, &oldest,
			&f.Disputes, store.Money(&f.DisputedOpenAmount),
			&dbt, &f.DBTInvoices, &dbt90, &f.DBT90Invoices, &dbt365, &f.DBT365Invoices, &trend, &vol,
			&r.nLate, &f.LateKnown, &r.nVeryLate, &f.VeryLateKnown, &r.nVeryLate365, &f.VeryLateKnown365,
			&r.nLate180, &f.LateKnown180, &r.nPartial,
			&f.Payments, &f.Reversals, &f.LastPayment, store.Money(&f.UnappliedCredit),
			&r.out.invoices, &r.out.late, &r.out.lateKnown, &r.out.severe, &r.out.severeKnown, &daysSum, &r.out.daysKnown)
		if err != nil {
			return err
		}
		f.Kind = creditflow.CustomerKind(kind)
		f.UsualInvoiceAmount = creditflow.Money(math.Round(finite(usual) * 100))
		f.DBT, f.DBT90, f.DBT365 = finite(dbt), finite(dbt90), finite(dbt365)
		f.DBTTrend, f.DBTVolatility = finite(trend), finite(vol)
		f.OldestOverdueDays = float64(oldest)
		f.Partials = r.nPartial
		r.out.daysSum = daysSum
		r.derive()
		out = append(out, r)
		return nil
	}, strings.Join(list, ","), fq.currency, strings.Join(fq.customers, ","), cut, fq.horizon)
	if err != nil {
		return nil, fmt.Errorf("risk features: %w", err)
	}
	return out, nil
}

// finite returns x, or 0 for NaN and infinities (a slope of one point).
func finite(x float64) float64 {
	if math.IsNaN(x) || math.IsInf(x, 0) {
		return 0
	}
	return x
}

// derive fills the features computed from the others.
func (r *featureRow) derive() {
	f := &r.Features
	if !f.FirstInvoice.IsZero() {
		f.RelationshipDays = float64(f.AsOf.DaysSince(f.FirstInvoice))
		since := f.FirstInvoice
		if !f.LastPayment.IsZero() {
			since = f.LastPayment
		}
		f.DaysSinceLastPayment = float64(f.AsOf.DaysSince(since))
	}
	f.Exposure = max(f.OpenAmount-f.UnappliedCredit, 0)
	f.LateShare = share(r.nLate, f.LateKnown)
	f.VeryLateShare = share(r.nVeryLate, f.VeryLateKnown)
	f.LateShare180 = share(r.nLate180, f.LateKnown180)
	f.VeryLateShare365 = share(r.nVeryLate365, f.VeryLateKnown365)
	f.PartialShare = share(r.nPartial, f.Invoices)
}

func share(k, n int) float64 {
	if n <= 0 {
		return 0
	}
	return float64(k) / float64(n)
}

// nullMoney scans a nullable DECIMAL into a *Money (nil for NULL).
type nullMoney struct{ m **creditflow.Money }

func (n nullMoney) Scan(src any) error {
	if src == nil {
		*n.m = nil
		return nil
	}
	var v creditflow.Money
	if err := store.Money(&v).Scan(src); err != nil {
		return err
	}
	*n.m = &v
	return nil
}

// groupPrior is what a segment (or the whole book) looks like: the
// figures a customer without history is given.
type groupPrior struct {
	Customers     int     // customers with history behind the figures
	LateShare     float64 // probability in [0,1]
	VeryLateShare float64
	PartialShare  float64
	DBT           float64 // days
	Volatility    float64 // days
}

// bookPriors holds the priors of one as-of date and the pseudo-counts of
// the shrinkage, estimated from how much the customers differ.
type bookPriors struct {
	book     groupPrior
	segments map[string]groupPrior
	// mLate, mVeryLate and mPartial are beta-binomial pseudo-counts, in
	// invoices; kDBT is the number of invoices at which a customer's own
	// DBT and its segment's weigh the same.
	mLate, mVeryLate, mPartial, kDBT float64
}

// Bounds of the shrinkage pseudo-counts (invoices).
const (
	minPseudo = 2
	maxPseudo = 200
	// segmentPseudo is how many customers' worth of weight the book gets
	// in a segment's prior.
	segmentPseudo = 10
	// minHistory is the invoices a customer needs to enter the estimate of
	// its segment's figures.
	minHistory = 3
)

// estimatePriors estimates the book's and each segment's figures from
// customers active in the 365 days before the date (so that long-gone
// customers do not set the prior of new ones), and the pseudo-counts.
func estimatePriors(rows []*featureRow) *bookPriors {
	p := &bookPriors{segments: map[string]groupPrior{}}
	type acc struct {
		n                                 int
		late, veryLate, partial, dbt, vol []float64
	}
	book := &acc{}
	segs := map[string]*acc{}
	// The customers' own figures, for the pseudo-counts: deviations from
	// their segment's figures measure how much customers differ.
	type own struct {
		segment          string
		k, n             float64
		mean, n2, within float64
	}
	var late, veryLate, partial, dbts []own
	for _, r := range rows {
		f := &r.Features
		if f.LastInvoice.IsZero() || f.AsOf.DaysSince(f.LastInvoice) > 365 {
			continue
		}
		s := segs[f.Segment]
		if s == nil {
			s = &acc{}
			segs[f.Segment] = s
		}
		for _, a := range []*acc{book, s} {
			if f.LateKnown >= minHistory {
				a.late = append(a.late, f.LateShare)
			}
			if f.VeryLateKnown >= minHistory {
				a.veryLate = append(a.veryLate, f.VeryLateShare)
			}
			if f.Invoices >= minHistory {
				a.partial = append(a.partial, f.PartialShare)
			}
			if f.DBTInvoices >= minHistory {
				a.dbt = append(a.dbt, f.DBT)
				a.vol = append(a.vol, f.DBTVolatility)
				a.n++
			}
		}
		if f.LateKnown > 0 {
			late = append(late, own{segment: f.Segment, k: float64(r.nLate), n: float64(f.LateKnown)})
		}
		if f.VeryLateKnown > 0 {
			veryLate = append(veryLate, own{segment: f.Segment, k: float64(r.nVeryLate), n: float64(f.VeryLateKnown)})
		}
		if f.Invoices > 0 {
			partial = append(partial, own{segment: f.Segment, k: float64(r.nPartial), n: float64(f.Invoices)})
		}
		if f.DBTInvoices >= 2 {
			dbts = append(dbts, own{segment: f.Segment, mean: f.DBT, n2: float64(f.DBTInvoices), within: f.DBTVolatility * f.DBTVolatility})
		}
	}
	// Defaults for an empty book: a typical receivables ledger.
	p.book = groupPrior{
		Customers:     book.n,
		LateShare:     meanOr(book.late, 0.3),
		VeryLateShare: meanOr(book.veryLate, 0.03),
		PartialShare:  meanOr(book.partial, 0.05),
		DBT:           meanOr(book.dbt, 5),
		Volatility:    medianOr(book.vol, 7),
	}
	for name, s := range segs {
		w := float64(s.n) / float64(s.n+segmentPseudo)
		blend := func(xs []float64, bookValue float64) float64 {
			if len(xs) == 0 {
				return bookValue
			}
			wx := float64(len(xs)) / float64(len(xs)+segmentPseudo)
			return wx*meanOr(xs, bookValue) + (1-wx)*bookValue
		}
		p.segments[name] = groupPrior{
			Customers:     s.n,
			LateShare:     blend(s.late, p.book.LateShare),
			VeryLateShare: blend(s.veryLate, p.book.VeryLateShare),
			PartialShare:  blend(s.partial, p.book.PartialShare),
			DBT:           blend(s.dbt, p.book.DBT),
			Volatility:    w*medianOr(s.vol, p.book.Volatility) + (1-w)*p.book.Volatility,
		}
	}
	rates := func(xs []own, prior func(groupPrior) float64) (k, n, mu []float64) {
		for _, x := range xs {
			k, n, mu = append(k, x.k), append(n, x.n), append(mu, prior(p.segment(x.segment)))
		}
		return k, n, mu
	}
	p.mLate = betaPseudoCount(rates(late, func(g groupPrior) float64 { return g.LateShare }))
	p.mVeryLate = betaPseudoCount(rates(veryLate, func(g groupPrior) float64 { return g.VeryLateShare }))
	p.mPartial = betaPseudoCount(rates(partial, func(g groupPrior) float64 { return g.PartialShare }))
	var means, ns, within, mus []float64
	for _, x := range dbts {
		means, ns, within = append(means, x.mean), append(ns, x.n2), append(within, x.within)
		mus = append(mus, p.segment(x.segment).DBT)
	}
	p.kDBT = normalPseudoCount(means, ns, within, mus)
	return p
}

// segment returns the prior of a segment (the book's when unknown).
func (p *bookPriors) segment(name string) groupPrior {
	if s, ok := p.segments[name]; ok {
		return s
	}
	return p.book
}

// betaPseudoCount estimates by the method of moments how many invoices'
// worth of weight the segment's rate deserves against a customer's own
// rate k/n: the binomial variance of a rate over the variance of the true
// rates of customers around their segment's mu, less one.
func betaPseudoCount(k, n, mu []float64) float64 {
	if len(k) < 5 {
		return 10
	}
	var v, noise, pq float64
	for i := range k {
		d := k[i]/n[i] - mu[i]
		v += d * d
		noise += mu[i] * (1 - mu[i]) / n[i]
		pq += mu[i] * (1 - mu[i])
	}
	between := (v - noise) / float64(len(k))
	if between <= 1e-6 {
		return maxPseudo
	}
	return clampTo(pq/float64(len(k))/between-1, minPseudo, maxPseudo)
}

// normalPseudoCount estimates the invoices at which a customer's mean days
// late and its segment's mu weigh the same: the within-customer variance
// of days late (the median of within) over the variance of the customers'
// true means around their segment's.
func normalPseudoCount(means, n, within, mu []float64) float64 {
	if len(means) < 5 {
		return 5
	}
	s2 := medianOr(within, 49)
	var v, noise float64
	for i := range means {
		d := means[i] - mu[i]
		v += d * d
		noise += s2 / n[i]
	}
	between := (v - noise) / float64(len(means))
	if between <= 1e-6 {
		return maxPseudo
	}
	return clampTo(s2/between, 1, maxPseudo)
}

func meanOr(xs []float64, def float64) float64 {
	if len(xs) == 0 {
		return def
	}
	s := 0.0
	for _, x := range xs {
		s += x
	}
	return s / float64(len(xs))
}

func medianOr(xs []float64, def float64) float64 {
	if len(xs) == 0 {
		return def
	}
	c := append([]float64(nil), xs...)
	sort.Float64s(c)
	m := len(c) / 2
	if len(c)%2 == 1 {
		return c[m]
	}
	return (c[m-1] + c[m]) / 2
}

// shrinkRate blends a customer's k of n with a prior rate worth m trials.
func shrinkRate(k, n int, prior, m float64) float64 {
	return (float64(k) + m*prior) / (float64(n) + m)
}

// shrinkMean blends a customer's mean of n values with a prior mean worth
// k values.
func shrinkMean(x float64, n int, prior, k float64) float64 {
	return (float64(n)*x + k*prior) / (float64(n) + k)
}

// trendPseudo is the invoices at which a customer's DBT trend counts for
// half; the trend of fewer invoices is mostly noise.
const trendPseudo = 10

// shrink fills the _shrunk and Segment fields of f from the priors.
func (p *bookPriors) shrink(r *featureRow) {
	f := &r.Features
	s := p.segment(f.Segment)
	f.SegmentLateShare, f.SegmentVeryLateShare, f.SegmentDBT = s.LateShare, s.VeryLateShare, s.DBT
	f.LateShareShrunk = shrinkRate(r.nLate, f.LateKnown, s.LateShare, p.mLate)
	f.VeryLateShareShrunk = shrinkRate(r.nVeryLate, f.VeryLateKnown, s.VeryLateShare, p.mVeryLate)
	f.LateShare180Shrunk = shrinkRate(r.nLate180, f.LateKnown180, f.LateShareShrunk, p.mLate)
	f.VeryLate365Shrunk = shrinkRate(r.nVeryLate365, f.VeryLateKnown365, f.VeryLateShareShrunk, p.mVeryLate)
	f.PartialShareShrunk = shrinkRate(r.nPartial, f.Invoices, s.PartialShare, p.mPartial)
	f.DBTShrunk = shrinkMean(clampTo(f.DBT, -90, 365), f.DBTInvoices, s.DBT, p.kDBT)
	f.DBT90Shrunk = shrinkMean(clampTo(f.DBT90, -90, 365), f.DBT90Invoices, f.DBTShrunk, p.kDBT)
	f.DBT365Shrunk = shrinkMean(clampTo(f.DBT365, -90, 365), f.DBT365Invoices, f.DBTShrunk, p.kDBT)
	f.DBTTrendShrunk = shrinkMean(clampTo(f.DBTTrend, -30, 30), f.DBT365Invoices, 0, trendPseudo)
	f.DBTVolatilityShrunk = shrinkMean(clampTo(f.DBTVolatility, 0, 180), f.DBT365Invoices, s.Volatility, 5)
}

// shrinkByDate estimates the priors of each as-of date from the rows of
// that date and shrinks every row. It returns the priors by date.
func shrinkByDate(rows []*featureRow) map[creditflow.Date]*bookPriors {
	byDate := map[creditflow.Date][]*featureRow{}
	for _, r := range rows {
		byDate[r.AsOf] = append(byDate[r.AsOf], r)
	}
	out := make(map[creditflow.Date]*bookPriors, len(byDate))
	for d, rs := range byDate {
		p := estimatePriors(rs)
		for _, r := range rs {
			p.shrink(r)
		}
		out[d] = p
	}
	return out
}

// modelFeatures are the names of the customer model's inputs, in the order
// of design. Groups map them to reasons.
var modelFeatures = []string{
	"late_share",          // log-odds of the shrunk late share
	"very_late_share",     // log-odds of the shrunk very-late share
	"late_share_180",      // log-odds of the shrunk late share of the last 180 days
	"very_late_share_365", // log-odds of the shrunk very-late share of the last 365 days
	"dbt",                 // shrunk DBT, days
	"dbt_90_excess",       // shrunk DBT of the last 90 days minus dbt, days
	"dbt_365_excess",      // the same over 365 days
	"dbt_over_15",         // max(dbt - 15, 0): the effect of days late is not linear
	"dbt_over_30",         // max(dbt - 30, 0)
	"dbt_90_over_30",      // max(shrunk DBT of the last 90 days - 30, 0)
	"dbt_trend",           // shrunk slope, days per 30 days
	"dbt_volatility",      // log(1 + shrunk standard deviation in days)
	"overdue_share",       // overdue amount / open amount
	"oldest_overdue",      // log(1 + days)
	"overdue_over_60",     // 1 when an open item is more than 60 days past due
	"disputed_open",       // disputed open amount / open amount
	"overdue_items",       // log(1 + count)
	"payment_silence",     // log(1 + days since the last payment)
	"invoices",            // log(1 + count)
	"relationship",        // log(1 + days)
	"no_history",          // 1 without a known payment
	"partial_share",       // shrunk
	"reversal_rate",       // reversals / (payments + 1)
	"dispute_share",       // disputes / (invoices + 1)
	"credit_note_share",   // credit notes / (invoices + 1)
	"unapplied_credit",    // unapplied credit in months of sales, capped at 6
	"exposure_months",     // open amount in months of sales, capped at 12
	"sales_trend",         // log of the last 3 months' sales rate over the last 12's
	"sales_size",          // log(1 + sales of 12 months in currency units)
	"payment_terms",       // days / 30
	"consumer",            // 1 for b2c
}

// design returns the model inputs of a row, in the order of modelFeatures.
func design(f *Features) []float64 {
	monthly := math.Max(f.Sales12M.Float64()/12, 0)
	unit := math.Max(monthly, math.Max(f.UsualInvoiceAmount.Float64(), 1))
	overdueShare := 0.0
	if f.OpenAmount > 0 {
		overdueShare = f.OverdueAmount.Float64() / f.OpenAmount.Float64()
	}
	overdue60, disputedOpen := 0.0, 0.0
	if f.OldestOverdueDays > severeDays {
		overdue60 = 1
	}
	if f.OpenAmount > 0 {
		disputedOpen = f.DisputedOpenAmount.Float64() / f.OpenAmount.Float64()
	}
	noHistory := 0.0
	if f.LateKnown == 0 {
		noHistory = 1
	}
	consumer := 0.0
	if f.Kind == creditflow.B2C {
		consumer = 1
	}
	salesTrend := 0.0
	if f.Invoices > 0 {
		u := math.Max(f.UsualInvoiceAmount.Float64(), 1)
		salesTrend = clampTo(math.Log((4*math.Max(f.Sales3M.Float64(), 0)+u)/(math.Max(f.Sales12M.Float64(), 0)+u)), -3, 3)
	}
	return []float64{
		logOdds(f.LateShareShrunk),
		logOdds(f.VeryLateShareShrunk),
		logOdds(f.LateShare180Shrunk),
		logOdds(f.VeryLate365Shrunk),
		f.DBTShrunk,
		f.DBT90Shrunk - f.DBTShrunk,
		f.DBT365Shrunk - f.DBTShrunk,
		math.Max(f.DBTShrunk-15, 0),
		math.Max(f.DBTShrunk-30, 0),
		math.Max(f.DBT90Shrunk-30, 0),
		f.DBTTrendShrunk,
		math.Log1p(f.DBTVolatilityShrunk),
		overdueShare,
		math.Log1p(clampTo(f.OldestOverdueDays, 0, 730)),
		overdue60,
		disputedOpen,
		math.Log1p(float64(f.OverdueItems)),
		math.Log1p(clampTo(f.DaysSinceLastPayment, 0, 730)),
		math.Log1p(float64(f.Invoices)),
		math.Log1p(clampTo(f.RelationshipDays, 0, 3650)),
		noHistory,
		f.PartialShareShrunk,
		float64(f.Reversals) / float64(f.Payments+1),
		float64(f.Disputes) / float64(f.Invoices+1),
		float64(f.CreditNotes) / float64(f.Invoices+1),
		clampTo(f.UnappliedCredit.Float64()/unit, 0, 6),
		clampTo(f.OpenAmount.Float64()/unit, 0, 12),
		salesTrend,
		math.Log1p(math.Max(f.Sales12M.Float64(), 0)),
		float64(f.PaymentTermsDays) / 30,
		consumer,
	}
}
