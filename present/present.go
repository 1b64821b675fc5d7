package present

import (
	"math"
	"strconv"
	"strings"

	"github.com/creditflow/creditflow"
)

// Lang is the language of the output. Any value other than NL writes
// English.
type Lang string

// The languages.
const (
	EN Lang = "en"
	NL Lang = "nl"
)

const (
	minusSign = "−" // U+2212, for pages
	dash      = "–" // a number that is not one
)

type locale struct {
	group, decimal string
	// euro is how the currency code EUR is written before an amount.
	euro string
	// euroSign is the euro sign and what follows it before an amount in a
	// letter.
	euroSign string
	days     string
	months   [12]string
	// dateLayout is the time layout of a short date.
	dateLayout string
	jsLocale   string
}

var (
	english = locale{
		group: ",", decimal: ".", euro: "EUR", euroSign: "€", days: "days",
		months:     [...]string{"January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"},
		dateLayout: creditflow.DateLayout, jsLocale: "en-US",
	}
	dutch = locale{
		group: ".", decimal: ",", euro: "€", euroSign: "€ ", days: "dagen",
		months:     [...]string{"januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus", "september", "oktober", "november", "december"},
		dateLayout: "02-01-2006", jsLocale: "nl-NL",
	}
)

func (l Lang) loc() *locale {
	if l == NL {
		return &dutch
	}
	return &english
}

// Amount writes m grouped by thousands with two decimals and no currency,
// for tables that name the currency once: "1,234.56", "−1,234.56" (minus
// sign U+2212); in Dutch "1.234,56".
func (l Lang) Amount(m creditflow.Money) string {
	return string(l.loc().appendMoney(nil, m, minusSign, true, true))
}

// Money writes m as Amount does, after the currency code and a space:
// "EUR 1,234.56", "EUR −1,234.56". Dutch writes EUR as the euro sign
// ("€ 1.234,56") and other codes as they are ("USD 1.234,56"). The code is
// written as given.
func (l Lang) Money(cur string, m creditflow.Money) string {
	c := l.loc()
	if cur == "EUR" {
		cur = c.euro
	}
	return string(c.appendMoney(append([]byte(cur), ' '), m, minusSign, true, true))
}

// TextAmount writes m as Amount does, with the ASCII hyphen-minus, for plain
// text and terminals: "1,234.56", "-1,234.56".
func (l Lang) TextAmount(m creditflow.Money) string {
	return string(l.loc().appendMoney(nil, m, "-", true, true))
}

// TextMoney writes m for a sentence: the currency code, a space and the
// amount grouped by thousands, with the cents only when there are any:
// "EUR 12,000", "EUR 12,345.67", "EUR -5". An empty code is written as EUR;
// Dutch writes EUR as the euro sign ("€ 12.000").
func (l Lang) TextMoney(cur string, m creditflow.Money) string {
	c := l.loc()
	if cur == "" || cur == "EUR" {
		cur = c.euro
	}
	return string(c.appendMoney(append([]byte(cur), ' '), m, "-", true, m%100 != 0))
}

// Plain writes m with two decimals, not grouped, as in a reason text:
// "1234.56", "-1234.56"; in Dutch "1234,56". In English it is m.String().
func (l Lang) Plain(m creditflow.Money) string {
	return string(l.loc().appendMoney(nil, m, "-", false, true))
}

// Euro writes m in euro as a letter does: "€1,234.56", "-€1,234.56"; in
// Dutch "€ 1.234,56", "-€ 1.234,56".
func (l Lang) Euro(m creditflow.Money) string {
	c := l.loc()
	var b []byte
	if m < 0 {
		b = append(b, '-')
	}
	b = append(b, c.euroSign...)
	return string(c.appendMoney(b, abs(m), "", true, true))
}

// appendMoney appends m: minus when it is negative, the whole units grouped
// by thousands when grouped, and the decimal separator and the cents when
// cents. It is exact for every int64.
func (c *locale) appendMoney(b []byte, m creditflow.Money, minus string, grouped, cents bool) []byte {
	if m < 0 {
		b = append(b, minus...)
	}
	u := uint64(m)
	if m < 0 {
		u = -u
	}
	var d [20]byte
	whole := strconv.AppendUint(d[:0], u/100, 10)
	if grouped {
		b = appendGrouped(b, whole, c.group)
	} else {
		b = append(b, whole...)
	}
	if cents {
		b = append(b, c.decimal...)
		b = append(b, byte('0'+u%100/10), byte('0'+u%10))
	}
	return b
}

func abs(m creditflow.Money) creditflow.Money {
	if m < 0 {
		return -m
	}
	return m
}

// appendGrouped appends the digits with sep between groups of three.
func appendGrouped(b, digits []byte, sep string) []byte {
	for i, d := range digits {
		if i > 0 && (len(digits)-i)%3 == 0 {
			b = append(b, sep...)
		}
		b = append(b, d)
	}
	return b
}

// Count writes n grouped by thousands: "1,234", "−1,234"; in Dutch "1.234".
func (l Lang) Count(n int) string {
	var b []byte
	u := uint64(n)
	if n < 0 {
		b, u = append(b, minusSign...), -u
	}
	var d [20]byte
	return string(appendGrouped(b, strconv.AppendUint(d[:0], u, 10), l.loc().group))
}

// Number writes x grouped by thousands with one decimal: "1,234.5",
// "−0.5", and "0.0" for a negative x that rounds to zero; in Dutch
// "1.234,5". Not a number (NaN, ±Inf) is a dash: "–".
func (l Lang) Number(x float64) string {
	if math.IsNaN(x) || math.IsInf(x, 0) {
		return dash
	}
	c := l.loc()
	s := strconv.FormatFloat(math.Abs(x), 'f', 1, 64)
	whole, frac, _ := strings.Cut(s, ".")
	var b []byte
	if x < 0 && s != "0.0" {
		b = append(b, minusSign...)
	}
	b = appendGrouped(b, []byte(whole), c.group)
	b = append(b, c.decimal...)
	return string(append(b, frac...))
}

// Days writes a number of days as Number does: "12.5 days"; in Dutch
// "12,5 dagen". Not a number is "–".
func (l Lang) Days(x float64) string {
	if math.IsNaN(x) || math.IsInf(x, 0) {
		return dash
	}
	return l.Number(x) + " " + l.loc().days
}

// Percent writes x, already in percent, as Number does: "12.5%"; in Dutch
// "12,5%". Not a number is "–".
func (l Lang) Percent(x float64) string {
	if math.IsNaN(x) || math.IsInf(x, 0) {
		return dash
	}
	return l.Number(x) + "%"
}

// Probability writes p in [0,1] for a sentence: as a whole percentage, with
// one decimal below 10% ("23%", "4.5%", "4%"); in Dutch "4,5%". NaN is "–".
func (l Lang) Probability(p float64) string {
	switch {
	case math.IsNaN(p):
		return dash
	case p < 0.1:
		s := strconv.FormatFloat(math.Round(p*1000)/10, 'f', -1, 64)
		return strings.Replace(s, ".", l.loc().decimal, 1) + "%"
	}
	return strconv.Itoa(int(math.Round(p*100))) + "%"
}

// Date writes d in a table: ISO "2026-12-07" in English, which no English
// reader misreads, "07-12-2026" in Dutch. The zero Date is "".
func (l Lang) Date(d creditflow.Date) string {
	if d.IsZero() {
		return ""
	}
	return d.Format(l.loc().dateLayout)
}

// LongDate writes d in words: "7 December 2026", in Dutch "7 december
// 2026". The zero Date is "".
func (l Lang) LongDate(d creditflow.Date) string {
	if d.IsZero() {
		return ""
	}
	return strconv.Itoa(d.Day()) + " " + l.loc().months[d.Month()-1] + " " + strconv.Itoa(d.Year())
}

// MonthYear writes d's month: "December 2026", in Dutch "december 2026".
// The zero Date is "".
func (l Lang) MonthYear(d creditflow.Date) string {
	if d.IsZero() {
		return ""
	}
	return l.loc().months[d.Month()-1] + " " + strconv.Itoa(d.Year())
}
