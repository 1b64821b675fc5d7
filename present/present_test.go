package present

import (
	"math"
	"testing"
	"time"

	"github.com/creditflow/creditflow"
)

func TestMoney(t *testing.T) {
	const maxM, minM = creditflow.Money(math.MaxInt64), creditflow.Money(math.MinInt64)
	cases := []struct {
		m                                      creditflow.Money
		amount, money, text, textMoney, plain  string
		euro                                   string
		nlAmount, nlMoney, nlText, nlTextMoney string
		nlPlain, nlEuro                        string
	}{
		{0, "0.00", "EUR 0.00", "0.00", "EUR 0", "0.00", "€0.00",
			"0,00", "€ 0,00", "0,00", "€ 0", "0,00", "€ 0,00"},
		{5, "0.05", "EUR 0.05", "0.05", "EUR 0.05", "0.05", "€0.05",
			"0,05", "€ 0,05", "0,05", "€ 0,05", "0,05", "€ 0,05"},
		{-7, "−0.07", "EUR −0.07", "-0.07", "EUR -0.07", "-0.07", "-€0.07",
			"−0,07", "€ −0,07", "-0,07", "€ -0,07", "-0,07", "-€ 0,07"},
		{99999, "999.99", "EUR 999.99", "999.99", "EUR 999.99", "999.99", "€999.99",
			"999,99", "€ 999,99", "999,99", "€ 999,99", "999,99", "€ 999,99"},
		{100000, "1,000.00", "EUR 1,000.00", "1,000.00", "EUR 1,000", "1000.00", "€1,000.00",
			"1.000,00", "€ 1.000,00", "1.000,00", "€ 1.000", "1000,00", "€ 1.000,00"},
		{123456, "1,234.56", "EUR 1,234.56", "1,234.56", "EUR 1,234.56", "1234.56", "€1,234.56",
			"1.234,56", "€ 1.234,56", "1.234,56", "€ 1.234,56", "1234,56", "€ 1.234,56"},
		{-1234000, "−12,340.00", "EUR −12,340.00", "-12,340.00", "EUR -12,340", "-12340.00", "-€12,340.00",
			"−12.340,00", "€ −12.340,00", "-12.340,00", "€ -12.340", "-12340,00", "-€ 12.340,00"},
		{123456789, "1,234,567.89", "EUR 1,234,567.89", "1,234,567.89", "EUR 1,234,567.89", "1234567.89", "€1,234,567.89",
			"1.234.567,89", "€ 1.234.567,89", "1.234.567,89", "€ 1.234.567,89", "1234567,89", "€ 1.234.567,89"},
		{62609235, "626,092.35", "EUR 626,092.35", "626,092.35", "EUR 626,092.35", "626092.35", "€626,092.35",
			"626.092,35", "€ 626.092,35", "626.092,35", "€ 626.092,35", "626092,35", "€ 626.092,35"},
		{-100000050, "−1,000,000.50", "EUR −1,000,000.50", "-1,000,000.50", "EUR -1,000,000.50", "-1000000.50", "-€1,000,000.50",
			"−1.000.000,50", "€ −1.000.000,50", "-1.000.000,50", "€ -1.000.000,50", "-1000000,50", "-€ 1.000.000,50"},
		{maxM, "92,233,720,368,547,758.07", "EUR 92,233,720,368,547,758.07", "92,233,720,368,547,758.07",
			"EUR 92,233,720,368,547,758.07", "92233720368547758.07", "€92,233,720,368,547,758.07",
			"92.233.720.368.547.758,07", "€ 92.233.720.368.547.758,07", "92.233.720.368.547.758,07",
			"€ 92.233.720.368.547.758,07", "92233720368547758,07", "€ 92.233.720.368.547.758,07"},
		{minM, "−92,233,720,368,547,758.08", "EUR −92,233,720,368,547,758.08", "-92,233,720,368,547,758.08",
			"EUR -92,233,720,368,547,758.08", "-92233720368547758.08", "-€92,233,720,368,547,758.08",
			"−92.233.720.368.547.758,08", "€ −92.233.720.368.547.758,08", "-92.233.720.368.547.758,08",
			"€ -92.233.720.368.547.758,08", "-92233720368547758,08", "-€ 92.233.720.368.547.758,08"},
	}
	for _, c := range cases {
		for _, g := range []struct {
			name, got, want string
		}{
			{"EN.Amount", EN.Amount(c.m), c.amount},
			{"EN.Money", EN.Money("EUR", c.m), c.money},
			{"EN.TextAmount", EN.TextAmount(c.m), c.text},
			{"EN.TextMoney", EN.TextMoney("EUR", c.m), c.textMoney},
			{"EN.Plain", EN.Plain(c.m), c.plain},
			{"EN.Euro", EN.Euro(c.m), c.euro},
			{"NL.Amount", NL.Amount(c.m), c.nlAmount},
			{"NL.Money", NL.Money("EUR", c.m), c.nlMoney},
			{"NL.TextAmount", NL.TextAmount(c.m), c.nlText},
			{"NL.TextMoney", NL.TextMoney("EUR", c.m), c.nlTextMoney},
			{"NL.Plain", NL.Plain(c.m), c.nlPlain},
			{"NL.Euro", NL.Euro(c.m), c.nlEuro},
		} {
			if g.got != g.want {
				t.Errorf("%s(%d) = %q, want %q", g.name, int64(c.m), g.got, g.want)
			}
		}
	}
}

func TestMoneyCurrency(t *testing.T) {
	cases := []struct {
		got, want string
	}{
		{EN.Money("USD", 123456), "USD 1,234.56"},
		{NL.Money("USD", 123456), "USD 1.234,56"},
		{EN.Money("", 123456), " 1,234.56"},
		{EN.TextMoney("", 1200000), "EUR 12,000"},
		{NL.TextMoney("", 1200000), "€ 12.000"},
		{EN.TextMoney("GBP", -1250), "GBP -12.50"},
		{NL.TextMoney("GBP", -1250), "GBP -12,50"},
		// Plain is Money's own String in English.
		{EN.Plain(-123456), creditflow.Money(-123456).String()},
		// Any other language writes English.
		{Lang("de").Money("EUR", 123456), "EUR 1,234.56"},
		{Lang("").Euro(123456), "€1,234.56"},
	}
	for i, c := range cases {
		if c.got != c.want {
			t.Errorf("case %d: got %q, want %q", i, c.got, c.want)
		}
	}
}

func TestCount(t *testing.T) {
	cases := []struct {
		n      int
		en, nl string
	}{
		{0, "0", "0"},
		{7, "7", "7"},
		{999, "999", "999"},
		{1000, "1,000", "1.000"},
		{-1000, "−1,000", "−1.000"},
		{1234567, "1,234,567", "1.234.567"},
		{-12, "−12", "−12"},
		{math.MinInt64, "−9,223,372,036,854,775,808", "−9.223.372.036.854.775.808"},
	}
	for _, c := range cases {
		if got := EN.Count(c.n); got != c.en {
			t.Errorf("EN.Count(%d) = %q, want %q", c.n, got, c.en)
		}
		if got := NL.Count(c.n); got != c.nl {
			t.Errorf("NL.Count(%d) = %q, want %q", c.n, got, c.nl)
		}
	}
}

func TestNumbers(t *testing.T) {
	nan, inf := math.NaN(), math.Inf(1)
	cases := []struct {
		x                           float64
		number, days, percent       string
		nlNumber, nlDays, nlPercent string
	}{
		{0, "0.0", "0.0 days", "0.0%", "0,0", "0,0 dagen", "0,0%"},
		{12.5, "12.5", "12.5 days", "12.5%", "12,5", "12,5 dagen", "12,5%"},
		{12.25, "12.2", "12.2 days", "12.2%", "12,2", "12,2 dagen", "12,2%"}, // 12.25 is exact: FormatFloat rounds half to even
		{12.26, "12.3", "12.3 days", "12.3%", "12,3", "12,3 dagen", "12,3%"},
		{-3.04, "−3.0", "−3.0 days", "−3.0%", "−3,0", "−3,0 dagen", "−3,0%"},
		{-0.04, "0.0", "0.0 days", "0.0%", "0,0", "0,0 dagen", "0,0%"},
		{1234.56, "1,234.6", "1,234.6 days", "1,234.6%", "1.234,6", "1.234,6 dagen", "1.234,6%"},
		{-1234567.8, "−1,234,567.8", "−1,234,567.8 days", "−1,234,567.8%", "−1.234.567,8", "−1.234.567,8 dagen", "−1.234.567,8%"},
		{999.96, "1,000.0", "1,000.0 days", "1,000.0%", "1.000,0", "1.000,0 dagen", "1.000,0%"},
		{nan, "–", "–", "–", "–", "–", "–"},
		{inf, "–", "–", "–", "–", "–", "–"},
		{-inf, "–", "–", "–", "–", "–", "–"},
	}
	for _, c := range cases {
		for _, g := range []struct{ name, got, want string }{
			{"EN.Number", EN.Number(c.x), c.number},
			{"EN.Days", EN.Days(c.x), c.days},
			{"EN.Percent", EN.Percent(c.x), c.percent},
			{"NL.Number", NL.Number(c.x), c.nlNumber},
			{"NL.Days", NL.Days(c.x), c.nlDays},
			{"NL.Percent", NL.Percent(c.x), c.nlPercent},
		} {
			if g.got != g.want {
				t.Errorf("%s(%v) = %q, want %q", g.name, c.x, g.got, g.want)
			}
		}
	}
}

func TestProbability(t *testing.T) {
	cases := []struct {
		p      float64
		en, nl string
	}{
		{0, "0%", "0%"},
		{0.0004, "0%", "0%"},
		{0.0006, "0.1%", "0,1%"},
		{0.04, "4%", "4%"},
		{0.0451, "4.5%", "4,5%"},
		{0.0999, "10%", "10%"},
		{0.1, "10%", "10%"},
		{0.234, "23%", "23%"},
		{0.2351, "24%", "24%"},
		{1, "100%", "100%"},
		{math.NaN(), "–", "–"},
	}
	for _, c := range cases {
		if got := EN.Probability(c.p); got != c.en {
			t.Errorf("EN.Probability(%v) = %q, want %q", c.p, got, c.en)
		}
		if got := NL.Probability(c.p); got != c.nl {
			t.Errorf("NL.Probability(%v) = %q, want %q", c.p, got, c.nl)
		}
	}
}

func TestDates(t *testing.T) {
	day := func(y int, m time.Month, d int) creditflow.Date {
		return creditflow.Date{Time: time.Date(y, m, d, 0, 0, 0, 0, time.UTC)}
	}
	cases := []struct {
		d                       creditflow.Date
		date, long, month       string
		nlDate, nlLong, nlMonth string
	}{
		{day(2026, time.December, 7), "2026-12-07", "7 December 2026", "December 2026", "07-12-2026", "7 december 2026", "december 2026"},
		{day(2025, time.March, 2), "2025-03-02", "2 March 2025", "March 2025", "02-03-2025", "2 maart 2025", "maart 2025"},
		{day(2024, time.February, 29), "2024-02-29", "29 February 2024", "February 2024", "29-02-2024", "29 februari 2024", "februari 2024"},
		{day(2027, time.January, 31), "2027-01-31", "31 January 2027", "January 2027", "31-01-2027", "31 januari 2027", "januari 2027"},
		{day(2026, time.May, 15), "2026-05-15", "15 May 2026", "May 2026", "15-05-2026", "15 mei 2026", "mei 2026"},
		{creditflow.Date{}, "", "", "", "", "", ""},
	}
	for _, c := range cases {
		for _, g := range []struct{ name, got, want string }{
			{"EN.Date", EN.Date(c.d), c.date},
			{"EN.LongDate", EN.LongDate(c.d), c.long},
			{"EN.MonthYear", EN.MonthYear(c.d), c.month},
			{"NL.Date", NL.Date(c.d), c.nlDate},
			{"NL.LongDate", NL.LongDate(c.d), c.nlLong},
			{"NL.MonthYear", NL.MonthYear(c.d), c.nlMonth},
		} {
			if g.got != g.want {
				t.Errorf("%s(%v) = %q, want %q", g.name, c.d, g.got, g.want)
			}
		}
	}
	// A Date read in another zone keeps its calendar day.
	ams, err := time.LoadLocation("Europe/Amsterdam")
	if err == nil {
		d := creditflow.NewDate(time.Date(2026, time.December, 7, 0, 30, 0, 0, ams))
		if got := NL.LongDate(d); got != "7 december 2026" {
			t.Errorf("NL.LongDate(%v) = %q", d, got)
		}
	}
}

func TestJS(t *testing.T) {
	cases := []struct {
		got, want string
	}{
		{EN.MoneyJS("EUR", "Number(v)"),
			`'EUR ' + Number(v).toLocaleString('en-US', {minimumFractionDigits: 2, maximumFractionDigits: 2})`},
		{EN.MoneyJS("USD", "x"),
			`'USD ' + x.toLocaleString('en-US', {minimumFractionDigits: 2, maximumFractionDigits: 2})`},
		{NL.MoneyJS("EUR", "Number(p.value)"),
			`'€ ' + Number(p.value).toLocaleString('nl-NL', {minimumFractionDigits: 2, maximumFractionDigits: 2})`},
		{EN.MoneyJS(`'</script>`, "v"),
			`'\u0027\u003c/script\u003e ' + v.toLocaleString('en-US', {minimumFractionDigits: 2, maximumFractionDigits: 2})`},
		{EN.CompactJS(), `function (v) {
	var a = Math.abs(v);
	if (a >= 1e6) { return (v / 1e6).toFixed(a >= 1e7 ? 0 : 1) + 'M'; }
	if (a >= 1e3) { return (v / 1e3).toFixed(0) + 'k'; }
	return String(v);
}`},
		{NL.CompactJS(), `function (v) {
	var a = Math.abs(v);
	if (a >= 1e6) { return (v / 1e6).toFixed(a >= 1e7 ? 0 : 1).replace('.', ',') + 'M'; }
	if (a >= 1e3) { return (v / 1e3).toFixed(0) + 'k'; }
	return String(v).replace('.', ',');
}`},
	}
	for i, c := range cases {
		if c.got != c.want {
			t.Errorf("case %d:\n got %s\nwant %s", i, c.got, c.want)
		}
	}
}
