package report

import (
	"github.com/creditflow/creditflow"
	"github.com/creditflow/creditflow/present"
)

// kpiKind says how a KPI is written and which way is better.
type kpiKind int

const (
	kpiMoney   kpiKind = iota // currency units
	kpiDays                   // days
	kpiPercent                // percent
	kpiCount                  // a count
)

// kpiDelta is one KPI now and a week earlier. Values are in the units of
// Kind (money in currency units).
type kpiDelta struct {
	ID, Label    string
	Kind         kpiKind
	Now, Before  float64
	HigherIsGood bool
}

func (k kpiDelta) change() float64 { return k.Now - k.Before }

func (d *reportData) kpiDeltas() []kpiDelta {
	a, b := d.kpis, d.kpisPrev
	return []kpiDelta{
		{"open", "Open receivables", kpiMoney, a.OpenTotal.Float64(), b.OpenTotal.Float64(), false},
		{"overdue", "Overdue", kpiMoney, a.OverdueTotal.Float64(), b.OverdueTotal.Float64(), false},
		{"overdue_share", "Overdue share", kpiPercent, round1(100 * a.OverdueShare), round1(100 * b.OverdueShare), false},
		{"unapplied", "Unapplied credit", kpiMoney, a.UnappliedCredit.Float64(), b.UnappliedCredit.Float64(), false},
		{"open_items", "Open items", kpiCount, float64(a.OpenItems), float64(b.OpenItems), false},
		{"dso", "DSO (countback)", kpiDays, a.DSO, b.DSO, false},
		{"bpdso", "Best-possible DSO", kpiDays, a.BestPossibleDSO, b.BestPossibleDSO, false},
		{"add", "ADD (days delinquent)", kpiDays, a.ADD, b.ADD, false},
		{"cei30", "CEI 30 days", kpiPercent, a.CEI30, b.CEI30, true},
		{"cei90", "CEI 90 days", kpiPercent, a.CEI90, b.CEI90, true},
		{"dtp", "Weighted days to pay", kpiDays, a.WeightedDaysToPay, b.WeightedDaysToPay, false},
		{"dlate", "Weighted days beyond terms", kpiDays, a.WeightedDaysLate, b.WeightedDaysLate, false},
	}
}

// format writes a value of the KPI's kind in l; money without the
// currency, which the table names once.
func (k kpiDelta) format(l present.Lang, x float64) string {
	switch k.Kind {
	case kpiMoney:
		return l.Amount(creditflow.Money(roundCents(x)))
	case kpiDays:
		return l.Days(x)
	case kpiPercent:
		return l.Percent(x)
	default:
		return l.Count(int(x))
	}
}

// formatChange writes the change with its sign, in l.
func (k kpiDelta) formatChange(l present.Lang) string {
	c := k.change()
	switch k.Kind {
	case kpiMoney:
		m := creditflow.Money(roundCents(c))
		if m > 0 {
			return "+" + l.Amount(m)
		}
		return l.Amount(m)
	case kpiDays:
		return signedDays(l, c)
	case kpiPercent:
		return signed(l, c) + " " + l.T("pp")
	default:
		if c > 0 {
			return "+" + l.Count(int(c))
		}
		return l.Count(int(c))
	}
}

// trend is the CSS class of a change: better, worse or flat.
func (k kpiDelta) trend() string {
	c := k.change()
	if k.Kind == kpiMoney {
		c = float64(roundCents(c))
	} else {
		c = round1(c)
	}
	switch {
	case c == 0:
		return "flat"
	case (c > 0) == k.HigherIsGood:
		return "better"
	}
	return "worse"
}

// signed writes x with one decimal and a sign, in l: "+1.5", "−0.5".
func signed(l present.Lang, x float64) string {
	x = round1(x)
	if x > 0 {
		return "+" + l.Number(x)
	}
	return l.Number(x)
}

// signedDays writes x days with one decimal and a sign, in l: "+1.5 days";
// in Dutch "+1,5 dagen".
func signedDays(l present.Lang, x float64) string {
	x = round1(x)
	if x > 0 {
		return "+" + l.Days(x)
	}
	return l.Days(x)
}

func round1(x float64) float64 {
	if x != x { // NaN
		return x
	}
	return float64(int64(x*10+copysignHalf(x))) / 10
}

func copysignHalf(x float64) float64 {
	if x < 0 {
		return -0.5
	}
	return 0.5
}

// roundCents returns x currency units as cents.
func roundCents(x float64) int64 { return int64(x*100 + copysignHalf(x)) }
