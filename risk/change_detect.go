package risk

import (
	"fmt"
	"math"
	"slices"

	"github.com/creditflow/creditflow"
	"github.com/creditflow/creditflow/present"
)

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
			pd.median = SortedQuantile(vals, 0.5)
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
	mu0 := SortedQuantile(base, 0.5)
	dev := d.vals[:0]
	for _, x := range base {
		dev = append(dev, math.Abs(x-mu0))
	}
	d.vals = dev
	slices.Sort(dev)
	sigma := 1.4826 * SortedQuantile(dev, 0.5)
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
	usualBefore, usualAfter := SortedQuantile(before, 0.5), SortedQuantile(after, 0.5)
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
	usual := int(math.Ceil(max(SortedQuantile(delays, p.usualQuantile), p.minUsualDays)))

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
	gap := min(p.silenceGapFactor*SortedQuantile(gaps, 0.5), p.silenceGapCap)
	if silent <= p.silenceMinDays || float64(silent) <= gap {
		return none, false
	}

	// Regular: of the invoices whose payment was due while the customer was
	// still paying (due at least their median delay before the last
	// payment), a high share was paid.
	cutoff := lastPayment.AddDays(-max(0, int(math.Ceil(SortedQuantile(delays, 0.5)))))
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
	before, after := SortedQuantile(delays, 0.5), SortedQuantile(pastDue, 0.5)
	invoices := "invoices"
	if unpaid == 1 {
		invoices = "invoice"
	}
	return creditflow.BehaviourChange{
		Detected:       true,
		Kind:           ChangeSilence,
		ChangeDate:     lastPayment,
		DetectedOn:     asOf,
		ShiftDays:      round1(after - before),
		BeforeDays:     round1(before),
		AfterDays:      round1(after),
		UnpaidInvoices: unpaid, UnpaidAmount: unpaidAmount,
		Sentence: fmt.Sprintf("Paid regularly until %s; nothing paid since, while %d %s (%s %s) fell due.",
			present.EN.LongDate(lastPayment), unpaid, invoices, currency, present.EN.TextAmount(unpaidAmount)),
	}, true
}

// SortedQuantile returns the q-quantile (q in [0,1]) of sorted x, linearly
// interpolated; 0 for an empty x.
func SortedQuantile(x []float64, q float64) float64 {
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
