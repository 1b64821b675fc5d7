package demo

import (
	"math"
	"time"
)

// dueMargin is how many days past End the calendar formats, so that due dates
// of the last invoices (up to the longest payment term) can be written.
const dueMargin = 120

// growthPerYear is the mild trend in invoicing volume (log growth per year).
const growthPerYear = 0.06

// monthFactor is the yearly seasonality of invoicing: peaks in March and
// November/December, a dip in the July/August holidays (bouwvak).
var monthFactor = [13]float64{0, 0.95, 1.00, 1.20, 1.00, 1.00, 0.95, 0.70, 0.72, 1.05, 1.10, 1.25, 1.30}

// calendar maps day numbers (0 = the first day of history, last = End) to
// their text and to the invoicing density used to draw invoice dates.
type calendar struct {
	first time.Time // day 0
	last  int32     // day number of End
	text  [][10]byte
	year  []int16
	month []uint8
	week  []uint8 // ISO week
	// cum[kind][d] is the summed invoicing density of days [0, d) for
	// business (0) and consumer (1) customers.
	cum [2][]float64
}

func newCalendar(end time.Time, years int) *calendar {
	first := end.AddDate(-years, 0, 0)
	last := int32(end.Sub(first).Hours()/24 + 0.5)
	n := int(last) + 1 + dueMargin
	c := &calendar{
		first: first,
		last:  last,
		text:  make([][10]byte, n),
		year:  make([]int16, n),
		month: make([]uint8, n),
		week:  make([]uint8, n),
	}
	c.cum[0] = make([]float64, last+2)
	c.cum[1] = make([]float64, last+2)
	for d := range n {
		t := first.AddDate(0, 0, d)
		y, m, dd := t.Date()
		_, w := t.ISOWeek()
		c.year[d], c.month[d], c.week[d] = int16(y), uint8(m), uint8(w)
		// b shares the array of c.text[d]: the appends write the date in place.
		b := c.text[d][:0]
		b = appendPadded(b, int64(y), 4)
		b = append(b, '-')
		b = appendPadded(b, int64(m), 2)
		b = append(b, '-')
		appendPadded(b, int64(dd), 2)
		if d > int(last) {
			continue
		}
		base := monthFactor[m] * math.Exp(growthPerYear*float64(d)/365.25)
		weekdayB2B, weekdayB2C := 1.0, 1.0
		switch t.Weekday() {
		case time.Saturday:
			weekdayB2B, weekdayB2C = 0.06, 0.8
		case time.Sunday:
			weekdayB2B, weekdayB2C = 0.02, 0.7
		}
		c.cum[0][d+1] = c.cum[0][d] + base*weekdayB2B
		c.cum[1][d+1] = c.cum[1][d] + base*weekdayB2C
	}
	return c
}

// mass returns the invoicing density summed over days [lo, hi].
func (c *calendar) mass(kind int, lo, hi int32) float64 {
	if hi < lo {
		return 0
	}
	return c.cum[kind][hi+1] - c.cum[kind][lo]
}

// activeMass is the density a customer's invoices are drawn from: days
// [lo, hi], with the rate multiplied by after from day cut on.
func (c *calendar) activeMass(kind int, lo, hi, cut int32, after float64) float64 {
	if cut > hi {
		return c.mass(kind, lo, hi)
	}
	return c.mass(kind, lo, min(hi, cut-1)) + after*c.mass(kind, max(lo, cut), hi)
}

// sampleDay draws a day from the density of activeMass given u in [0, 1).
func (c *calendar) sampleDay(kind int, lo, hi, cut int32, after, u float64) int32 {
	if cut > hi {
		return c.invert(kind, lo, hi, u*c.mass(kind, lo, hi))
	}
	m1 := c.mass(kind, lo, min(hi, cut-1))
	m2 := after * c.mass(kind, max(lo, cut), hi)
	x := u * (m1 + m2)
	if x < m1 {
		return c.invert(kind, lo, min(hi, cut-1), x)
	}
	return c.invert(kind, max(lo, cut), hi, (x-m1)/after)
}

// invert returns the first day d in [lo, hi] whose cumulative density since
// lo exceeds x.
func (c *calendar) invert(kind int, lo, hi int32, x float64) int32 {
	cum := c.cum[kind]
	target := cum[lo] + x
	a, b := lo, hi // answer in [a, b]
	for a < b {
		m := a + (b-a)/2
		if cum[m+1] > target {
			b = m
		} else {
			a = m + 1
		}
	}
	return a
}
