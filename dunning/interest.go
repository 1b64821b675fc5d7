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
	base := principal
	var yearInterest creditflow.Money
	years := 1
	anniversary := creditflow.Date{Time: start.AddDate(years, 0, 0)}
	compounded := false
	for day := start; !day.After(to.Time); {
		rate, ok := rates.At(kind, day)
		if !ok {
			return InterestCalculation{}, fmt.Errorf("%w: no %s rate in the table for %s", creditflow.ErrInvalid, kind, day)
		}
		end := to
		if last := anniversary.AddDays(-1); last.Before(end.Time) {
			end = last
		}
		if last := creditflow.NewDate(time.Date(day.Year(), time.December, 31, 0, 0, 0, 0, time.UTC)); last.Before(end.Time) {
			end = last
		}
		if next, ok := rates.nextChange(kind, day); ok && next.AddDays(-1).Before(end.Time) {
			end = next.AddDays(-1)
		}
		line := InterestLine{From: day, To: end, Days: end.DaysSince(day) + 1, YearDays: yearDays(day.Year()),
			RatePercent: rate.RatePercent, RateSource: rate.Source, Base: base, Compounded: compounded}
		line.Interest = divRoundHalfUp(
			bigMul(big.NewInt(int64(base)), big.NewInt(int64(rate.RatePercent)), big.NewInt(int64(line.Days))),
			bigMul(big.NewInt(int64(percentHundred)), big.NewInt(int64(line.YearDays))))
		c.Lines = append(c.Lines, line)
		c.Interest += line.Interest
		yearInterest += line.Interest
		compounded = false
		day = end.AddDays(1)
		if day.Equal(anniversary.Time) {
			base += yearInterest
			yearInterest = 0
			compounded = true
			years++
			anniversary = creditflow.Date{Time: start.AddDate(years, 0, 0)}
		}
	}
	c.Total = principal + c.Interest
	return c, nil
}

// yearDays returns the number of days of year y.
func yearDays(y int) int {
	if y%4 == 0 && (y%100 != 0 || y%400 == 0) {
		return 366
	}
	return 365
}
