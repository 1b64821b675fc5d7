package dunning

import (
	"fmt"
	"math/big"
	"time"

	"github.com/creditflow/creditflow"
)

// Statutory interest: *wettelijke rente* for consumers (art. 6:119 BW) and
// *handelsrente* for businesses (art. 6:119a BW).

// InterestLine is one period of an interest calculation with one rate, one
// base and one year length.
type InterestLine struct {
	From creditflow.Date `json:"from"`
	// To is the last day of the period, included.
	To   creditflow.Date `json:"to"`
	Days int             `json:"days"`
	// YearDays is 365, or 366 when the period lies in a leap year.
	YearDays    int     `json:"year_days"`
	RatePercent Percent `json:"rate_percent"`
	// RateSource is the source of the rate in the rate table.
	RateSource string `json:"rate_source"`
	// Base is the principal plus the interest compounded so far.
	Base     creditflow.Money `json:"base"`
	Interest creditflow.Money `json:"interest"`
	// Compounded is true on the first line after an anniversary, whose base
	// took up the interest of the year before.
	Compounded bool `json:"compounded"`
}

// InterestCalculation is the statutory interest of one invoice with the
// calculation line by line. Interest is the sum of the lines.
type InterestCalculation struct {
	Principal creditflow.Money        `json:"principal"`
	Kind      creditflow.CustomerKind `json:"kind"`
	// Law names the article.
	Law string `json:"law"`
	// DueDate is the from argument; interest runs from the day after it.
	DueDate  creditflow.Date `json:"due_date"`
	FirstDay creditflow.Date `json:"first_day"`
	// To is the last day of interest, included.
	To       creditflow.Date  `json:"to"`
	Days     int              `json:"days"`
	Lines    []InterestLine   `json:"lines"`
	Interest creditflow.Money `json:"interest"`
	// Total is Principal + Interest.
	Total     creditflow.Money `json:"total"`
	DayCount  string           `json:"day_count"`
	Rounding  string           `json:"rounding"`
	Compounds string           `json:"compounding"`
}

// Conventions of StatutoryInterest, as the calculation reports them.
const (
	interestDayCount = "actual days / actual year: each day earns rate/365, or rate/366 in a leap year; " +
		"periods are split at 1 January, at every rate change and at every compounding anniversary"
	interestRounding = "the interest of each line is rounded half up to the cent; the total is the sum of the lines"
	interestCompound = "after each full year from the first day, the interest of that year is added to the base " +
		"(art. 6:119 lid 2 / 6:119a lid 3 BW)"
)

// StatutoryInterest returns the statutory interest on principal (EUR cents)
// of an invoice due on from, for every day from the day after from up to
// and including to: wettelijke rente for kind b2c, handelsrente for b2b,
// at the rates of rates. Each day earns rate/365 (rate/366 in a leap year);
// after each full year the year's interest is added to the base.
//
// The years run from the first day; a year that starts on 29 February ends
// on 28 February, so its anniversary is 1 March.
//
// to equal to from gives no interest; to before from, a negative principal,
// an unknown kind or a day without a rate in the table is invalid.
func StatutoryInterest(principal creditflow.Money, from, to creditflow.Date, kind creditflow.CustomerKind, rates RateTable) (InterestCalculation, error) {
	if _, err := legalKind(string(kind)); err != nil {
		return InterestCalculation{}, err
	}
	if principal < 0 {
		return InterestCalculation{}, fmt.Errorf("%w: principal %s is negative", creditflow.ErrInvalid, principal)
	}
	if from.IsZero() || to.IsZero() {
		return InterestCalculation{}, fmt.Errorf("%w: from and to are both needed", creditflow.ErrInvalid)
	}
	if to.Before(from.Time) {
		return InterestCalculation{}, fmt.Errorf("%w: to %s is before from %s", creditflow.ErrInvalid, to, from)
	}
	start := from.AddDays(1)
	c := InterestCalculation{
		Principal: principal, Kind: kind, Law: "art. 6:119a BW (handelsrente)",
		DueDate: from, FirstDay: start, To: to, Days: to.DaysSince(from), Lines: []InterestLine{},
		DayCount: interestDayCount, Rounding: interestRounding, Compounds: interestCompound,
	}
	if kind == creditflow.B2C {
		c.Law = "art. 6:119 BW (wettelijke rente)"
	}
	a := newAccrual(principal, from, kind, rates)
	if err := a.runTo(to); err != nil {
		return InterestCalculation{}, err
	}
	c.Lines = a.lines
	if c.Lines == nil {
		c.Lines = []InterestLine{}
	}
	c.Interest = a.accrued
	c.Total = principal + c.Interest
	return c, nil
}

// accrual is the statutory interest of one invoice accruing day by day,
// with the principal and the interest still owed after payments. Interest
// accrues on the principal plus the interest compounded into it
// (capitalised) and not paid since.
type accrual struct {
	kind  creditflow.CustomerKind
	rates RateTable
	// day is the next day to accrue; start the first day of interest.
	day, start creditflow.Date
	principal  creditflow.Money
	// capitalised is compounded interest still owed; current the interest
	// of the running year still owed.
	capitalised, current creditflow.Money
	// accrued is all the interest accrued, paid or not.
	accrued     creditflow.Money
	years       int
	anniversary creditflow.Date
	compounded  bool
	lines       []InterestLine
}

// newAccrual starts the interest on principal of an invoice due on due:
// from the day after it.
func newAccrual(principal creditflow.Money, due creditflow.Date, kind creditflow.CustomerKind, rates RateTable) *accrual {
	start := due.AddDays(1)
	return &accrual{kind: kind, rates: rates, day: start, start: start, principal: principal, years: 1,
		anniversary: creditflow.Date{Time: start.AddDate(1, 0, 0)}}
}

// owed is the interest still owed.
func (a *accrual) owed() creditflow.Money { return a.capitalised + a.current }

// runTo accrues every day from a.day up to and including to, in lines of
// one rate, one year length and one base; to before a.day accrues nothing.
// After each full year from the first day, the interest of that year still
// owed is added to the base.
func (a *accrual) runTo(to creditflow.Date) error {
	for !a.day.After(to.Time) {
		day := a.day
		rate, ok := a.rates.At(a.kind, day)
		if !ok {
			return fmt.Errorf("%w: no %s rate in the rates table for %s; the table starts later: add the rates (rates file) "+
				"or leave the claim out", creditflow.ErrInvalid, a.kind, day)
		}
		end := to
		if last := a.anniversary.AddDays(-1); last.Before(end.Time) {
			end = last
		}
		if last := creditflow.NewDate(time.Date(day.Year(), time.December, 31, 0, 0, 0, 0, time.UTC)); last.Before(end.Time) {
			end = last
		}
		if next, ok := a.rates.nextChange(a.kind, day); ok && next.AddDays(-1).Before(end.Time) {
			end = next.AddDays(-1)
		}
		base := a.principal + a.capitalised
		line := InterestLine{From: day, To: end, Days: end.DaysSince(day) + 1, YearDays: yearDays(day.Year()),
			RatePercent: rate.RatePercent, RateSource: rate.Source, Base: base, Compounded: a.compounded}
		line.Interest = divRoundHalfUp(
			bigMul(big.NewInt(int64(max(base, 0))), big.NewInt(int64(rate.RatePercent)), big.NewInt(int64(line.Days))),
			bigMul(big.NewInt(int64(percentHundred)), big.NewInt(int64(line.YearDays))))
		a.lines = append(a.lines, line)
		a.accrued += line.Interest
		a.current += line.Interest
		a.compounded = false
		a.day = end.AddDays(1)
		if a.day.Equal(a.anniversary.Time) {
			a.capitalised += a.current
			a.current = 0
			a.compounded = true
			a.years++
			a.anniversary = creditflow.Date{Time: a.start.AddDate(a.years, 0, 0)}
		}
	}
	return nil
}

// payInterest takes up to amount off the interest owed, the oldest
// (capitalised) first, and returns what it took.
func (a *accrual) payInterest(amount creditflow.Money) creditflow.Money {
	n := max(0, min(amount, a.capitalised))
	a.capitalised -= n
	m := max(0, min(amount-n, a.current))
	a.current -= m
	return n + m
}

// yearDays returns the number of days of year y.
func yearDays(y int) int {
	if y%4 == 0 && (y%100 != 0 || y%400 == 0) {
		return 366
	}
	return 365
}
