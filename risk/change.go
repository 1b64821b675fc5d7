package risk

import (
	"cmp"
	"context"
	"database/sql"
	"database/sql/driver"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"math"
	"slices"
	"strconv"
	"time"

	"github.com/creditflow/creditflow"
	"github.com/creditflow/creditflow/present"
	"github.com/creditflow/creditflow/store"
)

// Behaviour-change detection.
//
// The series. One value per invoice: the days from its due date to the day
// it was settled, as known on the as-of date A (sql/payment_delays.sql).
// Credit notes, disputed invoices and invoices nobody paid for (settled by
// credit notes, or from credit already on account) are left out. Every
// invoice counts the same, whatever its amount: the test is about how the
// customer pays, each invoice is one decision to pay, and weighting by
// amount would let one large invoice look like a change of habit. (The
// amount at stake comes in with the alert, as its exposure.)
//
// The observations. The invoices are grouped into fortnights by due date,
// and each fortnight is one observation: whether its median delay is beyond
// a limit. A fortnight rather than an invoice because payment delays come in
// clusters (a lump payment settles several invoices at once, an unreferenced
// payment is applied to the oldest invoice, a partial payment keeps one
// open for weeks): counted per invoice, a customer with a thousand invoices
// a year would trip any test on such clusters, while one with ten would
// hardly ever be tested. The median, not the mean, so that one invoice paid
// two months late does not make its fortnight late.
//
// Censoring is exact. An invoice still open on A is not on time: it is at
// least A − due days late. Whether it is beyond a limit of T days is known
// once it is settled, or once it has been open for T days (then it is
// beyond); a fortnight's median is known to be beyond T once more than half
// its invoices are, and known not to be once at least half were settled
// within T. A fortnight whose median is not known yet is skipped. So a long
// overdue open invoice counts as late as soon as it is, and the recent
// invoices settled early (the fast payers among them) cannot make the
// customer look punctual.
//
// The test. A CUSUM of the log-likelihood ratio, per fortnight:
//
//   - Baseline: the first half of the customer's fortnights with a payment
//     (at least 8, at most 60; a customer with 8 or fewer is not tested).
//     μ0 is the median of their medians and σ 1.4826 × their median
//     absolute deviation (robust to the clusters).
//   - Limits: later T = μ0 + max(10 days, 2σ), far later T + 15 days,
//     earlier μ0 − max(10 days, 2σ).
//   - In control, a fortnight is beyond T with the share p0 of the baseline
//     fortnights that were, shrunk towards 15% with the weight of 20
//     fortnights (3% for the far limit), so that a short clean history does
//     not make every late fortnight damning. After a worsening, 90% are
//     beyond T and 45% beyond the far limit: a shift of at least 15 days,
//     the smallest worth a credit controller's attention.
//   - Each known fortnight adds log(p1/p0) for what is known (beyond the far
//     limit, between the limits, beyond T but not yet known how far, or
//     within T); the statistic restarts at zero whenever it would go below.
//     A worsening is reported when the statistic is at or above h = 6 on A
//     (two or three clearly late fortnights in a row for a punctual payer,
//     four or five for an erratic one); an improvement, which carries no
//     risk, needs 8. A change that has since been undone lets the statistic
//     fall back and is no longer reported.
//   - The limits, shares and h were chosen on demo ledgers of several seeds
//     for at most about 5% of stable customers flagged over 18 months of
//     fortnightly runs (see change_eval_test.go).
//
// Why a CUSUM and not a Bayesian change-point model: it is sequential by
// construction (one pass, O(n) per customer, all customers of a large
// ledger in well under a second), its parameters have a direct meaning (the
// smallest shift of interest and how much evidence to demand), and the
// point where the statistic last left zero estimates the change point. A
// Bayesian model would need a likelihood for these heavy-tailed, clustered,
// censored delays too; the banded one above is the simplest that is exact
// under censoring, and the CUSUM is its sequential likelihood-ratio test.
//
// What is reported. ChangeDate is the first due date of the new regime's
// first fortnight plus the usual delay before it, the day its payment would
// have come under the old habit. BeforeDays is the median delay of the
// settled invoices before it, AfterDays the median delay since of the
// invoices old enough to tell (open ones at their lower bound), ShiftDays
// the difference; a shift under 10 days is not reported. A change needs at
// least 8 settled invoices before it, so that young customers are not
// flagged.
//
// Silence is tested first and takes precedence: a customer who paid
// regularly (at least 6 settled invoices, and at least 90% of the invoices
// that fell due while they were paying), then has paid nothing at all for
// longer than max(45 days, 3 × their median gap between payment days,
// capped at 60 days), while at least 2 invoices went unpaid beyond their
// usual delay (the 75th percentile of their delays, at least 7 days). The
// silence is counted from the last payment or from the due date of the
// first of those invoices, whichever is later: a customer who was simply
// not invoiced for months has not been silent.

// DelayPoint is one invoice's payment delay as known on an as-of date.
// Days are calendar days beyond the due date (negative: paid early).
type DelayPoint struct {
	InvoiceID string          `json:"invoice_id"`
	DueDate   creditflow.Date `json:"due_date"`
	// SettledOn is the day the invoice was settled; zero while it is open.
	SettledOn creditflow.Date `json:"settled_on"`
	// DaysLate is SettledOn − DueDate, or for an open invoice as-of −
	// DueDate: a lower bound once it is past due.
	DaysLate float64          `json:"days_late"`
	Amount   creditflow.Money `json:"amount"`
	// Censored marks an open invoice, whose true delay is not known yet.
	Censored bool `json:"censored"`
}

// Change kinds of creditflow.BehaviourChange.
const (
	ChangeWorsening = "worsening"
	ChangeImproving = "improving"
	ChangeSilence   = "silence"
)

// changeParams are the constants of the test (see the comment above). They
// are a value rather than constants so that the evaluation can try others.
type changeParams struct {
	periodDays   int     // length of an observation period, days
	minHistory   int     // settled invoices before a change; periods with a payment for a baseline
	baselineMax  int     // at most this many periods in the baseline
	laterDays    float64 // the limit for later payment is at least this many days above μ0
	earlierDays  float64 // ... for earlier payment, below μ0
	sigmas       float64 // ... and at least this many σ away
	farDays      float64 // the far limit is this many days beyond the later one
	priorLate    float64 // prior share of periods beyond the later limit, [0,1]
	priorFar     float64 // ... beyond the far limit, [0,1]
	priorWeight  float64 // weight of the priors, in periods
	minP0        float64 // floor of an in-control share, [0,1]
	p1           float64 // share of periods beyond the limit after a change, [0,1]
	p1Far        float64 // ... beyond the far limit after a worsening, [0,1]
	h            float64 // decision limit for a worsening, log-likelihood ratio
	hImproving   float64 // decision limit for an improvement
	minShiftDays float64 // smallest shift reported, days

	silenceMinPayments int     // settled invoices before a silence
	silenceMinShare    float64 // share of due invoices paid while paying, [0,1]
	silenceMinDays     int     // a silence lasts longer than this many days
	silenceGapFactor   float64 // ... and longer than this many usual gaps
	silenceGapCap      float64 // ... capped at this many days
	silenceMinUnpaid   int     // invoices unpaid beyond the usual delay
	usualQuantile      float64 // the usual delay is this quantile of the delays, [0,1]
	minUsualDays       float64 // ... and at least this many days
}

// defaultChangeParams returns the settings of DetectChanges.
func defaultChangeParams() changeParams {
	return changeParams{
		periodDays:   14,
		minHistory:   8,
		baselineMax:  60,
		laterDays:    10,
		earlierDays:  10,
		sigmas:       2,
		farDays:      15,
		priorLate:    0.15,
		priorFar:     0.03,
		priorWeight:  20,
		minP0:        0.03,
		p1:           0.9,
		p1Far:        0.45,
		h:            6,
		hImproving:   8,
		minShiftDays: 10,

		silenceMinPayments: 6,
		silenceMinShare:    0.9,
		silenceMinDays:     45,
		silenceGapFactor:   3,
		silenceGapCap:      60,
		silenceMinUnpaid:   2,
		usualQuantile:      0.75,
		minUsualDays:       7,
	}
}

// DetectChanges runs the change test for every customer as of asOf and returns the
// customers with a detected change or silence, keyed by customer_id. Customers without
// one are absent. Uses only data known on asOf.
//
// It reads the delays of all customers in one query, streamed customer by
// customer; only one customer's series is held at a time. In a ledger that
// mixes currencies, only the invoices in the report currency count.
func DetectChanges(ctx context.Context, q store.Querier, asOf creditflow.Date) (map[string]creditflow.BehaviourChange, error) {
	return detectChanges(ctx, q, asOf, defaultChangeParams())
}

func detectChanges(ctx context.Context, q store.Querier, asOf creditflow.Date, p changeParams) (map[string]creditflow.BehaviourChange, error) {
	if err := validateAsOf(asOf); err != nil {
		return nil, err
	}
	cur, err := reportCurrency(ctx, q)
	if err != nil {
		return nil, err
	}
	out := make(map[string]creditflow.BehaviourChange)
	var (
		d        changeDetector
		customer string
		lastPaid creditflow.Date
		points   []DelayPoint
	)
	flush := func() {
		if len(points) == 0 {
			return
		}
		if ch := d.detect(p, points, lastPaid, asOf, cur); ch.Detected {
			out[customer] = ch
		}
		points = points[:0]
	}
	err = readDelays(ctx, q, asOf, cur, "", func(customerID string, pt DelayPoint, lastPayment creditflow.Date) error {
		if customerID != customer {
			flush()
			customer, lastPaid = customerID, lastPayment
		}
		points = append(points, pt)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("detect changes on %s: %w", asOf, err)
	}
	flush()
	return out, nil
}

// DelaySeries returns the delay points of one customer as of asOf, by due date (for the customer page chart).
// Credit notes, disputed invoices and invoices nobody paid for are left
// out, as in the change test; a customer without invoices has none.
func DelaySeries(ctx context.Context, q store.Querier, asOf creditflow.Date, customerID string) ([]DelayPoint, error) {
	if err := validateAsOf(asOf); err != nil {
		return nil, err
	}
	if customerID == "" {
		return nil, fmt.Errorf("%w: customer_id is required", creditflow.ErrInvalid)
	}
	cur, err := reportCurrency(ctx, q)
	if err != nil {
		return nil, err
	}
	points := []DelayPoint{}
	err = readDelays(ctx, q, asOf, cur, customerID, func(_ string, pt DelayPoint, _ creditflow.Date) error {
		points = append(points, pt)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("delay series of %s on %s: %w", customerID, asOf, err)
	}
	return points, nil
}

// detectChange is the test on one customer's delay series as of asOf (see
// the comment at the top of this file). points are in due-date order, as
// DelaySeries returns them; lastPayment is the customer's last payment on or
// before asOf (zero: the last settlement counts); currency names the
// amounts in the sentence.
func detectChange(points []DelayPoint, lastPayment, asOf creditflow.Date, currency string) creditflow.BehaviourChange {
	var d changeDetector
	return d.detect(defaultChangeParams(), points, lastPayment, asOf, currency)
}

// changeDetector holds scratch space reused from one customer to the next.
type changeDetector struct {
	ages    []int // days from due date to the as-of date, per point
	periods []delayPeriod
	vals    []float64
	scrap   []float64
	days    []int
	gaps    []float64
}

// delayPeriod is the invoices of one customer that fell due in one period.
type delayPeriod struct {
	first, end int     // its points are points[first:end]
	median     float64 // of the settled delays, days
	settled    int
}

func (d *changeDetector) detect(p changeParams, points []DelayPoint, lastPayment, asOf creditflow.Date, currency string) creditflow.BehaviourChange {
	d.ages = d.ages[:0]
	for i := range points {
		d.ages = append(d.ages, asOf.DaysSince(points[i].DueDate))
	}
	if ch, ok := d.silence(p, points, lastPayment, asOf, currency); ok {
		return ch
	}
	return d.shift(p, points, asOf)
}

// band says what is known of a period's median delay: beyond the far limit,
// beyond the near limit but within the far one, beyond the near one (not
// yet known how far), within the near one, or not known yet.
type band int

const (
	bandUnknown band = iota
	bandWithin
	bandBeyond
	bandBetween
	bandFar
)

// shift runs the two CUSUMs.
func (d *changeDetector) shift(p changeParams, points []DelayPoint, asOf creditflow.Date) creditflow.BehaviourChange {
	none := creditflow.BehaviourChange{}
	ages := d.ages
	// The periods, oldest first: the invoices due in (A − (k+1)·P, A − k·P].
	// Invoices not yet due tell nothing and are left out.
	periods := d.periods[:0]
	for i := 0; i < len(points) && ages[i] >= 0; {
		k := ages[i] / p.periodDays
		vals := d.vals[:0]
		j := i
		for ; j < len(points) && ages[j] >= 0 && ages[j]/p.periodDays == k; j++ {
			if !points[j].Censored {
				vals = append(vals, points[j].DaysLate)
			}
		}
		d.vals = vals
		pd := delayPeriod{first: i, end: j, settled: len(vals)}
		if len(vals) > 0 {
			slices.Sort(vals)
			pd.median = sortedQuantile(vals, 0.5)
		}
		periods = append(periods, pd)
		i = j
	}
	d.periods = periods

	// The baseline: the first half of the periods with a payment.
	paying := 0
	for _, pd := range periods {
		if pd.settled > 0 {
			paying++
		}
	}
	if paying <= p.minHistory {
		return none
	}
	m := min(max(paying/2, p.minHistory), p.baselineMax)
	base := d.scrap[:0]
	for _, pd := range periods {
		if len(base) == m {
			break
		}
		if pd.settled > 0 {
			base = append(base, pd.median)
		}
	}
	d.scrap = base
	slices.Sort(base)
	mu0 := sortedQuantile(base, 0.5)
	dev := d.vals[:0]
	for _, x := range base {
		dev = append(dev, math.Abs(x-mu0))
	}
	d.vals = dev
	slices.Sort(dev)
	sigma := 1.4826 * sortedQuantile(dev, 0.5)
	late := mu0 + max(p.laterDays, p.sigmas*sigma)
	far := late + p.farDays
	early := mu0 - max(p.earlierDays, p.sigmas*sigma)

	// In-control shares, shrunk towards the priors.
	var nLate, nFar, nEarly float64
	for _, x := range base {
		if x > late {
			nLate++
		}
		if x > far {
			nFar++
		}
		if x < early {
			nEarly++
		}
	}
	w := float64(m) + p.priorWeight
	p0Late := max((nLate+p.priorLate*p.priorWeight)/w, p.minP0)
	p0Far := max((nFar+p.priorFar*p.priorWeight)/w, p.minP0/2)
	p0Early := max((nEarly+p.priorLate*p.priorWeight)/w, p.minP0)
	if p0Late >= p.p1 || p0Early >= p.p1 || p0Far >= p0Late {
		return none // too erratic to tell a change from the usual
	}
	llrLate := [...]float64{
		bandWithin:  math.Log((1 - p.p1) / (1 - p0Late)),
		bandBeyond:  math.Log(p.p1 / p0Late),
		bandBetween: math.Log((p.p1 - p.p1Far) / (p0Late - p0Far)),
		bandFar:     math.Log(p.p1Far / p0Far),
	}
	llrEarly := [...]float64{
		bandWithin: math.Log((1 - p.p1) / (1 - p0Early)),
		bandBeyond: math.Log(p.p1 / p0Early),
	}

	var up, dn float64
	upStart, dnStart := -1, -1
	for k, pd := range periods {
		if b := d.lateBand(points, pd, late, far); b != bandUnknown {
			up += llrLate[b]
			if up <= 0 {
				up, upStart = 0, -1
			} else if upStart < 0 {
				upStart = k
			}
		}
		if b := d.earlyBand(points, pd, early); b != bandUnknown {
			dn += llrEarly[b]
			if dn <= 0 {
				dn, dnStart = 0, -1
			} else if dnStart < 0 {
				dnStart = k
			}
		}
	}
	var kind string
	var first int     // the first period of the new regime
	var limit float64 // its points and later ones that are at least this old tell
	worse, better := up >= p.h, dn >= p.hImproving
	switch {
	case worse && (!better || up >= dn):
		kind, first, limit = ChangeWorsening, upStart, late
	case better:
		kind, first, limit = ChangeImproving, dnStart, max(early, 0)
	default:
		return none
	}
	settled := 0
	for _, pd := range periods[:first] {
		settled += pd.settled
	}
	if settled < p.minHistory {
		return none // too young to tell
	}
	start := periods[first].first

	before := d.scrap[:0]
	for i := range start {
		if !points[i].Censored {
			before = append(before, points[i].DaysLate)
		}
	}
	d.scrap = before
	after := d.vals[:0]
	for i := start; i < len(points); i++ {
		if float64(ages[i]) >= limit {
			after = append(after, points[i].DaysLate)
		}
	}
	d.vals = after
	if len(before) == 0 || len(after) == 0 {
		return none
	}
	slices.Sort(before)
	slices.Sort(after)
	usualBefore, usualAfter := sortedQuantile(before, 0.5), sortedQuantile(after, 0.5)
	shift := usualAfter - usualBefore
	if (kind == ChangeWorsening && shift < p.minShiftDays) || (kind == ChangeImproving && shift > -p.minShiftDays) {
		return none
	}
	changed := points[start].DueDate.AddDays(int(math.Round(usualBefore)))
	if changed.After(asOf.Time) {
		changed = asOf
	}
	return creditflow.BehaviourChange{
		Detected:   true,
		Kind:       kind,
		ChangeDate: changed,
		DetectedOn: asOf,
		ShiftDays:  round1(shift),
		BeforeDays: round1(usualBefore),
		AfterDays:  round1(usualAfter),
		Sentence: fmt.Sprintf("Usually paid %s until %s, %s since.",
			daysLatePhrase(usualBefore), present.EN.MonthYear(changed), daysLatePhrase(usualAfter)),
	}
}

// lateBand says what is known of the median delay of period pd against the
// later limits.
func (d *changeDetector) lateBand(points []DelayPoint, pd delayPeriod, late, far float64) band {
	var beyond, within, beyondFar, withinFar int
	for i := pd.first; i < pd.end; i++ {
		pt, age := &points[i], float64(d.ages[i])
		switch {
		case !pt.Censored && pt.DaysLate > late, pt.Censored && age >= late:
			beyond++
		case !pt.Censored:
			within++
		}
		switch {
		case !pt.Censored && pt.DaysLate > far, pt.Censored && age >= far:
			beyondFar++
		case !pt.Censored:
			withinFar++
		}
	}
	n := pd.end - pd.first
	switch {
	case 2*beyondFar > n:
		return bandFar
	case 2*beyond > n && 2*withinFar >= n:
		return bandBetween
	case 2*beyond > n:
		return bandBeyond
	case 2*within >= n:
		return bandWithin
	}
	return bandUnknown
}

// earlyBand says what is known of the median delay of period pd against the
// earlier limit.
func (d *changeDetector) earlyBand(points []DelayPoint, pd delayPeriod, early float64) band {
	var beyond, within int
	for i := pd.first; i < pd.end; i++ {
		pt, age := &points[i], float64(d.ages[i])
		switch {
		case !pt.Censored && pt.DaysLate < early:
			beyond++
		case !pt.Censored, age >= early:
			within++
		}
	}
	n := pd.end - pd.first
	switch {
	case 2*beyond > n:
		return bandBeyond
	case 2*within >= n:
		return bandWithin
	}
	return bandUnknown
}

// silence tests for a regular payer who has stopped paying.
func (d *changeDetector) silence(p changeParams, points []DelayPoint, lastPayment, asOf creditflow.Date, currency string) (creditflow.BehaviourChange, bool) {
	none := creditflow.BehaviourChange{}
	if lastPayment.IsZero() {
		for i := range points {
			if !points[i].Censored && points[i].SettledOn.After(lastPayment.Time) {
				lastPayment = points[i].SettledOn
			}
		}
		if lastPayment.IsZero() {
			return none, false
		}
	}
	if asOf.DaysSince(lastPayment) <= p.silenceMinDays {
		return none, false
	}
	days := d.days[:0]
	delays := d.vals[:0]
	for i := range points {
		if !points[i].Censored {
			days = append(days, points[i].SettledOn.DaysSince(lastPayment))
			delays = append(delays, points[i].DaysLate)
		}
	}
	d.days, d.vals = days, delays
	if len(delays) < p.silenceMinPayments {
		return none, false
	}
	slices.Sort(delays)
	usual := int(math.Ceil(max(sortedQuantile(delays, p.usualQuantile), p.minUsualDays)))

	// The invoices unpaid beyond the usual delay whose payment was due
	// after the last payment, and the first due date among them.
	var unpaid int
	var unpaidAmount creditflow.Money
	var firstDue creditflow.Date
	pastDue := d.scrap[:0]
	for i := range points {
		pt := &points[i]
		if !pt.Censored || d.ages[i] <= usual || pt.DueDate.AddDays(usual).Before(lastPayment.Time) {
			continue
		}
		if unpaid == 0 {
			firstDue = pt.DueDate
		}
		unpaid++
		unpaidAmount += pt.Amount
		pastDue = append(pastDue, pt.DaysLate)
	}
	d.scrap = pastDue
	if unpaid < p.silenceMinUnpaid {
		return none, false
	}
	silentSince := lastPayment
	if firstDue.After(silentSince.Time) {
		silentSince = firstDue
	}
	silent := asOf.DaysSince(silentSince)

	// The usual gap between payment days.
	slices.Sort(days)
	days = slices.Compact(days)
	gaps := d.gaps[:0]
	for i := 1; i < len(days); i++ {
		gaps = append(gaps, float64(days[i]-days[i-1]))
	}
	d.gaps = gaps
	slices.Sort(gaps)
	gap := min(p.silenceGapFactor*sortedQuantile(gaps, 0.5), p.silenceGapCap)
	if silent <= p.silenceMinDays || float64(silent) <= gap {
		return none, false
	}

	// Regular: of the invoices whose payment was due while the customer was
	// still paying (due at least their median delay before the last
	// payment), a high share was paid.
	cutoff := lastPayment.AddDays(-max(0, int(math.Ceil(sortedQuantile(delays, 0.5)))))
	var due, paid int
	for i := range points {
		if points[i].DueDate.After(cutoff.Time) {
			break
		}
		due++
		if !points[i].Censored {
			paid++
		}
	}
	if due < p.silenceMinPayments || float64(paid) < p.silenceMinShare*float64(due) {
		return none, false
	}
	slices.Sort(pastDue)
	before, after := sortedQuantile(delays, 0.5), sortedQuantile(pastDue, 0.5)
	invoices := "invoices"
	if unpaid == 1 {
		invoices = "invoice"
	}
	return creditflow.BehaviourChange{
		Detected:   true,
		Kind:       ChangeSilence,
		ChangeDate: lastPayment,
		DetectedOn: asOf,
		ShiftDays:  round1(after - before),
		BeforeDays: round1(before),
		AfterDays:  round1(after),
		Sentence: fmt.Sprintf("Paid regularly until %s; nothing paid since, while %d %s (%s %s) fell due.",
			present.EN.LongDate(lastPayment), unpaid, invoices, currency, present.EN.TextAmount(unpaidAmount)),
	}, true
}

// daysLatePhrase says x days late in words: "4 days late", "on time",
// "3 days early".
func daysLatePhrase(x float64) string {
	n := int(math.Round(x))
	switch {
	case n == 0:
		return "on time"
	case n == 1:
		return "1 day late"
	case n == -1:
		return "1 day early"
	case n < 0:
		return strconv.Itoa(-n) + " days early"
	}
	return strconv.Itoa(n) + " days late"
}

// sortedQuantile returns the q-quantile (q in [0,1]) of sorted x, linearly
// interpolated; 0 for an empty x.
func sortedQuantile(x []float64, q float64) float64 {
	if len(x) == 0 {
		return 0
	}
	pos := q * float64(len(x)-1)
	i := int(pos)
	if i >= len(x)-1 {
		return x[len(x)-1]
	}
	f := pos - float64(i)
	return x[i] + f*(x[i+1]-x[i])
}

// readDelays runs payment_delays.sql and calls fn for each row, in order.
// On a connection it can take over (*sql.DB, *store.DB, *sql.Conn) it
// reads the driver's values directly: for a million rows, database/sql's
// Scan conversions cost more than the query.
func readDelays(ctx context.Context, q store.Querier, asOf creditflow.Date, cur, customerID string,
	fn func(customerID string, pt DelayPoint, lastPayment creditflow.Date) error) error {
	query := store.Query("payment_delays")
	var conn *sql.Conn
	switch c := q.(type) {
	case *sql.Conn:
		conn = c
	case interface {
		Conn(context.Context) (*sql.Conn, error)
	}:
		var err error
		if conn, err = c.Conn(ctx); err != nil {
			return err
		}
		defer conn.Close()
	}
	if conn != nil {
		err := conn.Raw(func(dc any) error {
			qc, ok := dc.(driver.QueryerContext)
			if !ok {
				return errNoRawQuery
			}
			args := []driver.NamedValue{{Ordinal: 1, Value: asOf.Time}, {Ordinal: 2, Value: cur}, {Ordinal: 3, Value: customerID}}
			rows, err := qc.QueryContext(ctx, query, args)
			if err != nil {
				return err
			}
			defer rows.Close()
			dst := make([]driver.Value, 8)
			for n := 0; ; n++ {
				if n%4096 == 0 {
					if err := ctx.Err(); err != nil {
						return err
					}
				}
				if err := rows.Next(dst); err == io.EOF {
					return nil
				} else if err != nil {
					return err
				}
				var r delayRow
				if err := r.fromValues(dst); err != nil {
					return err
				}
				if err := fn(r.customerID, r.point, r.lastPayment); err != nil {
					return err
				}
			}
		})
		if !errors.Is(err, errNoRawQuery) {
			return err
		}
	}
	rows, err := q.QueryContext(ctx, query, asOf, cur, customerID)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var r delayRow
		var open bool
		var days int
		var cents int64
		if err := rows.Scan(&r.customerID, &r.point.InvoiceID, &r.point.DueDate, &r.point.SettledOn,
			&open, &days, &cents, &r.lastPayment); err != nil {
			return err
		}
		r.point.Censored, r.point.DaysLate, r.point.Amount = open, float64(days), creditflow.Money(cents)
		if err := fn(r.customerID, r.point, r.lastPayment); err != nil {
			return err
		}
	}
	return rows.Err()
}

var errNoRawQuery = errors.New("driver connection cannot query")

// delayRow is one row of payment_delays.sql.
type delayRow struct {
	customerID  string
	point       DelayPoint
	lastPayment creditflow.Date
}

// fromValues fills r from the driver values of one row: customer_id,
// invoice_id, due_date, settled_on, open, days_late, amount_cents,
// last_payment_on.
func (r *delayRow) fromValues(v []driver.Value) error {
	var ok [6]bool
	var due time.Time
	var days int32
	var cents int64
	r.customerID, ok[0] = v[0].(string)
	r.point.InvoiceID, ok[1] = v[1].(string)
	due, ok[2] = v[2].(time.Time)
	r.point.Censored, ok[3] = v[4].(bool)
	days, ok[4] = v[5].(int32)
	cents, ok[5] = v[6].(int64)
	for i, col := range [...]int{0, 1, 2, 4, 5, 6} {
		if !ok[i] {
			return fmt.Errorf("payment_delays column %d: unexpected %T", col+1, v[col])
		}
	}
	r.point.DueDate = creditflow.NewDate(due.UTC())
	r.point.DaysLate = float64(days)
	r.point.Amount = creditflow.Money(cents)
	if t, isTime := v[3].(time.Time); isTime {
		r.point.SettledOn = creditflow.NewDate(t.UTC())
	}
	if t, isTime := v[7].(time.Time); isTime {
		r.lastPayment = creditflow.NewDate(t.UTC())
	}
	return nil
}

// ChangeEvaluation measures the change test against a ledger with known
// behaviour (the demo ledger's truth.csv), replayed over a span of as-of
// dates. Rates are fractions in [0,1]; delays and errors are days.
type ChangeEvaluation struct {
	Customers, Worsening, Stopped, Stable int
	// RecallWorsening is the share of worsening customers flagged as
	// worsening on or after their change date; RecallStopped the share of
	// stopped_paying customers flagged as silent on or after their default
	// date. FalseAlarmRate is the share of stable customers flagged (any
	// kind) on any date of the replay.
	RecallWorsening, RecallStopped, FalseAlarmRate float64
	// MedianDelayDays and P90DelayDays are taken over the detected worsening
	// and stopped customers: days from the planted date to the first flag
	// of the planted kind.
	MedianDelayDays, P90DelayDays float64
	// MedianChangeDateErrorDays and MedianShiftErrorDays compare the
	// estimates of the first worsening flag with the planted change date
	// and shift (absolute errors).
	MedianChangeDateErrorDays, MedianShiftErrorDays float64
	// StoppedObservable counts the stopped_paying customers whose silence
	// can be seen in the ledger at all by the last date of the replay: at
	// least two invoices, due no earlier than 30 days before the default
	// date, open and 30 days or more past due then. The others were not
	// invoiced enough after they stopped paying. RecallStoppedObservable
	// is the share of those flagged as silent on or after the default date.
	StoppedObservable       int
	RecallStoppedObservable float64
}

// TruthRow is one row of the demo ledger's truth.csv.
type TruthRow struct {
	CustomerID, Behaviour   string
	ChangeDate, DefaultDate creditflow.Date
	ShiftDays               float64
}

// Behaviours of truth.csv.
const (
	truthStable    = "stable"
	truthWorsening = "worsening"
	truthStopped   = "stopped_paying"
)

// ReadTruth reads a truth.csv of the demo ledger (customer_id, behaviour,
// change_date, shift_days, default_date; other columns are ignored).
func ReadTruth(r io.Reader) ([]TruthRow, error) {
	cr := csv.NewReader(r)
	header, err := cr.Read()
	if err != nil {
		return nil, fmt.Errorf("truth: header: %w", err)
	}
	col := make(map[string]int)
	for i, h := range header {
		col[h] = i
	}
	for _, need := range []string{"customer_id", "behaviour", "change_date", "shift_days", "default_date"} {
		if _, ok := col[need]; !ok {
			return nil, fmt.Errorf("%w: truth: no column %s", creditflow.ErrInvalid, need)
		}
	}
	var out []TruthRow
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			return out, nil
		}
		if err != nil {
			return nil, fmt.Errorf("%w: truth: %v", creditflow.ErrInvalid, err)
		}
		line, _ := cr.FieldPos(0)
		t := TruthRow{CustomerID: rec[col["customer_id"]], Behaviour: rec[col["behaviour"]]}
		if s := rec[col["change_date"]]; s != "" {
			if t.ChangeDate, err = creditflow.ParseDate(s); err != nil {
				return nil, fmt.Errorf("truth line %d: change_date: %w", line, err)
			}
		}
		if s := rec[col["default_date"]]; s != "" {
			if t.DefaultDate, err = creditflow.ParseDate(s); err != nil {
				return nil, fmt.Errorf("truth line %d: default_date: %w", line, err)
			}
		}
		if s := rec[col["shift_days"]]; s != "" {
			if t.ShiftDays, err = strconv.ParseFloat(s, 64); err != nil {
				return nil, fmt.Errorf("%w: truth line %d: shift_days %q: expected a number", creditflow.ErrInvalid, line, s)
			}
		}
		out = append(out, t)
	}
}

// EvaluateChangeDetection replays DetectChanges every stepDays days from
// from up to to, each run seeing only what was known on its date, and
// compares the flags with the truth.
func EvaluateChangeDetection(ctx context.Context, q store.Querier, truth []TruthRow, from, to creditflow.Date, stepDays int) (ChangeEvaluation, error) {
	r, err := replayChanges(ctx, q, from, to, stepDays, defaultChangeParams())
	if err != nil {
		return ChangeEvaluation{}, err
	}
	e := r.evaluate(truth)
	if err := r.observeStopped(ctx, q, truth, &e); err != nil {
		return ChangeEvaluation{}, err
	}
	return e, nil
}

// changeReplay holds the flags of each customer over a replay, in date
// order.
type changeReplay struct {
	last  creditflow.Date // the last as-of date replayed
	flags map[string][]creditflow.BehaviourChange
}

func replayChanges(ctx context.Context, q store.Querier, from, to creditflow.Date, stepDays int, p changeParams) (changeReplay, error) {
	if stepDays <= 0 {
		return changeReplay{}, fmt.Errorf("%w: step of %d days: expected 1 or more", creditflow.ErrInvalid, stepDays)
	}
	if from.IsZero() || to.Before(from.Time) {
		return changeReplay{}, fmt.Errorf("%w: replay from %s to %s: expected from on or before to", creditflow.ErrInvalid, from, to)
	}
	r := changeReplay{flags: make(map[string][]creditflow.BehaviourChange)}
	for d := from; !d.After(to.Time); d = d.AddDays(stepDays) {
		found, err := detectChanges(ctx, q, d, p)
		if err != nil {
			return changeReplay{}, err
		}
		for id, ch := range found {
			r.flags[id] = append(r.flags[id], ch)
		}
		r.last = d
	}
	return r, nil
}

// firstOnOrAfter returns the first flag of kind for customer on or after day.
func (r changeReplay) firstOnOrAfter(customer, kind string, day creditflow.Date) (creditflow.BehaviourChange, bool) {
	for _, ch := range r.flags[customer] {
		if ch.Kind == kind && !ch.DetectedOn.Before(day.Time) {
			return ch, true
		}
	}
	return creditflow.BehaviourChange{}, false
}

func (r changeReplay) evaluate(truth []TruthRow) ChangeEvaluation {
	var e ChangeEvaluation
	var hitsW, hitsS, alarms int
	var delays, dateErr, shiftErr []float64
	for _, t := range truth {
		e.Customers++
		switch t.Behaviour {
		case truthWorsening:
			e.Worsening++
			if ch, ok := r.firstOnOrAfter(t.CustomerID, ChangeWorsening, t.ChangeDate); ok {
				hitsW++
				delays = append(delays, float64(ch.DetectedOn.DaysSince(t.ChangeDate)))
				dateErr = append(dateErr, math.Abs(float64(ch.ChangeDate.DaysSince(t.ChangeDate))))
				shiftErr = append(shiftErr, math.Abs(ch.ShiftDays-t.ShiftDays))
			}
		case truthStopped:
			e.Stopped++
			if ch, ok := r.firstOnOrAfter(t.CustomerID, ChangeSilence, t.DefaultDate); ok {
				hitsS++
				delays = append(delays, float64(ch.DetectedOn.DaysSince(t.DefaultDate)))
			}
		case truthStable:
			e.Stable++
			if len(r.flags[t.CustomerID]) > 0 {
				alarms++
			}
		}
	}
	e.RecallWorsening = ratio(hitsW, e.Worsening)
	e.RecallStopped = ratio(hitsS, e.Stopped)
	e.FalseAlarmRate = ratio(alarms, e.Stable)
	e.MedianDelayDays = quantileOf(delays, 0.5)
	e.P90DelayDays = quantileOf(delays, 0.9)
	e.MedianChangeDateErrorDays = quantileOf(dateErr, 0.5)
	e.MedianShiftErrorDays = quantileOf(shiftErr, 0.5)
	return e
}

// observeStopped fills StoppedObservable and RecallStoppedObservable from
// the delays on the last date of the replay.
func (r changeReplay) observeStopped(ctx context.Context, q store.Querier, truth []TruthRow, e *ChangeEvaluation) error {
	defaults := make(map[string]creditflow.Date)
	for _, t := range truth {
		if t.Behaviour == truthStopped {
			defaults[t.CustomerID] = t.DefaultDate
		}
	}
	cur, err := reportCurrency(ctx, q)
	if err != nil {
		return err
	}
	unpaid := make(map[string]int)
	err = readDelays(ctx, q, r.last, cur, "", func(customerID string, pt DelayPoint, _ creditflow.Date) error {
		if dflt, ok := defaults[customerID]; ok && pt.Censored && pt.DaysLate >= 30 && !pt.DueDate.Before(dflt.AddDays(-30).Time) {
			unpaid[customerID]++
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("evaluate changes: %w", err)
	}
	hits := 0
	for id, dflt := range defaults {
		if unpaid[id] < 2 {
			continue
		}
		e.StoppedObservable++
		if _, ok := r.firstOnOrAfter(id, ChangeSilence, dflt); ok {
			hits++
		}
	}
	e.RecallStoppedObservable = ratio(hits, e.StoppedObservable)
	return nil
}

func ratio(n, d int) float64 {
	if d == 0 {
		return 0
	}
	return float64(n) / float64(d)
}

// quantileOf returns the q-quantile of x rounded to 0.1, 0 for an empty x.
func quantileOf(x []float64, q float64) float64 {
	s := slices.Clone(x)
	slices.SortFunc(s, cmp.Compare[float64])
	return round1(sortedQuantile(s, q))
}
