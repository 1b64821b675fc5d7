package risk

import (
	"fmt"
	"math"
	"sort"
	"strconv"

	"github.com/creditflow/creditflow"
	"github.com/creditflow/creditflow/present"
)

// Credit limits.
//
// The recommended limit of a customer covers what it is expected to buy
// over its payment terms plus a margin of limitMarginDays: its expected
// monthly purchases (half the last 3 months' rate, half the last 12
// months') times (terms + margin) / 30.44 days. That base is scaled down by
// risk class (riskFactor) and by a worsening trend: a detected worsening
// halves it, a silence (stopped paying) takes it to zero, and a rising DBT
// trend without a detected change cuts it by 20%. It is capped by the
// engine's MaxCreditLimit and rounded down to a sensible step
// (RoundLimit). A new customer, without invoices or with fewer than
// youngInvoices, gets at least the starter limit of its segment: a quarter
// of the median base limit of the segment's established customers (the
// book's when the segment has none), scaled the same way. A credit limit
// set by hand overrides the recommendation: the latest one set on the
// customer page or the API (SetManualLimit, manual_limits.go), else the
// ledger's credit_limit; one cleared by hand makes the recommendation
// apply.

// DefaultMaxCreditLimit caps recommended limits unless the engine is told
// otherwise: EUR 250,000.00.
const DefaultMaxCreditLimit creditflow.Money = 250_000_00

const (
	// limitMarginDays is the margin on top of the payment terms, in days.
	limitMarginDays = 30
	// daysPerMonth converts monthly purchases to daily ones.
	daysPerMonth = 30.44
	// starterShare is the share of the segment's median base limit that a
	// new customer starts with.
	starterShare = 0.25
	// minStarterLimit is the least starter limit: EUR 500.00.
	minStarterLimit creditflow.Money = 500_00
	// youngInvoices is the number of invoices below which a customer still
	// gets at least the starter limit.
	youngInvoices = 3
	// worseningFactor and trendFactor scale a limit down for a detected
	// worsening and for a rising DBT trend (more than risingTrendDays days
	// later per 30 days) without one.
	worseningFactor = 0.5
	trendFactor     = 0.8
	risingTrendDays = 3.0
	// silenceWeight is the weight (log of the factor) reported for a limit
	// taken to zero, which has no finite logarithm.
	silenceWeight = -5.0
)

// riskFactor is the share of the base limit a customer of a class gets.
func riskFactor(c creditflow.RiskClass) float64 {
	switch c {
	case ClassA:
		return 1
	case ClassB:
		return 0.85
	case ClassC:
		return 0.65
	case ClassD:
		return 0.4
	}
	return 0.15
}

// RoundLimit rounds a limit down to a sensible step: EUR 100 below EUR
// 1,000, EUR 500 below EUR 10,000, EUR 1,000 below EUR 100,000, EUR 5,000
// from there. Negative limits become 0.
func RoundLimit(m creditflow.Money) creditflow.Money {
	if m <= 0 {
		return 0
	}
	var step creditflow.Money
	switch {
	case m < 1_000_00:
		step = 100_00
	case m < 10_000_00:
		step = 500_00
	case m < 100_000_00:
		step = 1_000_00
	default:
		step = 5_000_00
	}
	return m / step * step
}

// monthlyPurchases returns the customer's expected purchases per month, in
// cents: half the rate of the last 3 months, half that of the last 12
// (each over the months the relationship has lasted, when shorter).
func monthlyPurchases(f *Features) float64 {
	if f.Invoices == 0 {
		return 0
	}
	months := math.Max(f.RelationshipDays/daysPerMonth, 1)
	m3 := math.Max(float64(f.Sales3M), 0) / math.Min(months, 3)
	m12 := math.Max(float64(f.Sales12M), 0) / math.Min(months, 12)
	return (m3 + m12) / 2
}

// baseLimit is the unscaled limit: expected purchases over the payment
// terms plus the margin, in cents.
func baseLimit(f *Features) float64 {
	return monthlyPurchases(f) * float64(max(f.PaymentTermsDays, 0)+limitMarginDays) / daysPerMonth
}

// limitPolicy computes credit limits on one as-of date.
type limitPolicy struct {
	currency string
	max      creditflow.Money
	starters map[string]creditflow.Money // by segment, before scaling
	book     creditflow.Money            // the book's starter
}

// established says whether a customer's base limit enters its segment's
// starter limit: at least 6 invoices over at least 180 days, and buying in
// the last 12 months.
func established(f *Features) bool {
	return f.Invoices >= 6 && f.RelationshipDays >= 180 && f.Sales12M > 0
}

// newLimitPolicy derives the starter limits from the customers' features.
func newLimitPolicy(currency string, maxLimit creditflow.Money, fs []*Features) *limitPolicy {
	p := &limitPolicy{currency: currency, max: maxLimit, starters: map[string]creditflow.Money{}}
	bySeg := map[string][]float64{}
	var all []float64
	for _, f := range fs {
		if !established(f) {
			continue
		}
		b := baseLimit(f)
		bySeg[f.Segment] = append(bySeg[f.Segment], b)
		all = append(all, b)
	}
	starter := func(xs []float64) creditflow.Money {
		sort.Float64s(xs)
		return max(creditflow.Money(math.Round(starterShare*medianOr(xs, 0))), minStarterLimit)
	}
	p.book = starter(all)
	for seg, xs := range bySeg {
		p.starters[seg] = starter(xs)
	}
	return p
}

func (p *limitPolicy) starter(segment string) creditflow.Money {
	if s, ok := p.starters[segment]; ok {
		return s
	}
	return p.book
}

// limit returns the credit limit of a scored customer.
func (p *limitPolicy) limit(f *Features, manual *creditflow.Money, rs *creditflow.RiskScore) creditflow.CreditLimit {
	cl := creditflow.CreditLimit{
		CustomerID:  f.CustomerID,
		AsOf:        f.AsOf,
		Currency:    p.currency,
		ManualLimit: manual,
		Exposure:    f.Exposure,
		Score:       rs.Score,
		RiskClass:   rs.RiskClass,
		PSevere:     rs.PSevere,
		Reasons:     []creditflow.Reason{},
	}
	add := func(code, text string, weight float64) {
		cl.Reasons = append(cl.Reasons, creditflow.Reason{Code: code, Text: text, Weight: math.Round(weight*1000) / 1000})
	}
	base := baseLimit(f)
	if f.Invoices > 0 {
		add("limit_purchases", fmt.Sprintf("Buys about %s a month on %d-day terms; the limit covers the terms plus %d days.",
			present.EN.TextMoney(p.currency, creditflow.Money(math.Round(monthlyPurchases(f)))), f.PaymentTermsDays, limitMarginDays), 0)
	}
	if f.Invoices < youngInvoices {
		st := float64(p.starter(f.Segment))
		if st > base {
			base = st
			seg := f.Segment
			if _, ok := p.starters[seg]; !ok || seg == "" {
				seg = "all"
			}
			add("limit_starter", fmt.Sprintf("New customer: starts from %s, the starter limit of %s customers.",
				present.EN.TextMoney(p.currency, creditflow.Money(st)), seg), 0)
		}
	}
	factor := riskFactor(rs.RiskClass)
	if factor < 1 {
		add("limit_risk", fmt.Sprintf("Reduced to %d%% for risk class %s (%s chance of paying more than 60 days late or not at all).",
			int(math.Round(factor*100)), rs.RiskClass, present.EN.Probability(rs.PSevere)), math.Log(factor))
	}
	switch ch := rs.Change; {
	case ch.Detected && ch.Kind == "silence":
		factor = 0
		add("limit_silence", fmt.Sprintf("No new credit: no payment since %s.", silenceSince(f, ch)), silenceWeight)
	case ch.Detected && ch.Kind == "worsening":
		factor *= worseningFactor
		add("limit_worsening", fmt.Sprintf("Halved: pays %s later since %s.", daysText(ch.ShiftDays), ch.ChangeDate), math.Log(worseningFactor))
	case f.DBTTrendShrunk > risingTrendDays:
		factor *= trendFactor
		add("limit_trend", fmt.Sprintf("Reduced by %d%%: payments %.0f days later every month over the last year.",
			int(math.Round((1-trendFactor)*100)), f.DBTTrendShrunk), math.Log(trendFactor))
	}
	rec := creditflow.Money(math.Round(base * factor))
	if p.max > 0 && rec > p.max {
		rec = p.max
		add("limit_capped", fmt.Sprintf("Capped at the maximum of %s.", present.EN.TextMoney(p.currency, p.max)), 0)
	}
	cl.RecommendedLimit = RoundLimit(rec)
	cl.CreditLimit = cl.RecommendedLimit
	if manual != nil {
		cl.CreditLimit = *manual
		add("limit_manual", fmt.Sprintf("Set by hand to %s; the recommendation is %s.",
			present.EN.TextMoney(p.currency, *manual), present.EN.TextMoney(p.currency, cl.RecommendedLimit)), 0)
	}
	cl.Available = cl.CreditLimit - cl.Exposure
	if cl.Available < 0 {
		add("over_limit", fmt.Sprintf("Owes %s, %s over the limit.",
			present.EN.TextMoney(p.currency, cl.Exposure), present.EN.TextMoney(p.currency, -cl.Available)), 0)
	}
	return cl
}

// silenceSince returns the date of the last payment of a silent customer.
func silenceSince(f *Features, ch creditflow.BehaviourChange) string {
	if !f.LastPayment.IsZero() {
		return f.LastPayment.String()
	}
	if !ch.ChangeDate.IsZero() {
		return ch.ChangeDate.String()
	}
	return "the first invoice"
}

// daysText formats a number of days: "1 day", "23 days".
func daysText(d float64) string {
	n := int(math.Round(math.Abs(d)))
	if n == 1 {
		return "1 day"
	}
	return strconv.Itoa(n) + " days"
}

// lateText says how late on average: "23 days late", "4 days early",
// "on the due date".
func lateText(d float64) string {
	switch n := int(math.Round(d)); {
	case n > 0:
		return daysText(d) + " late"
	case n < 0:
		return daysText(d) + " early"
	}
	return "on the due date"
}
