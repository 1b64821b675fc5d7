package view

import (
	"errors"
	"html/template"
	"math"
	"regexp"
	"strconv"
	"strings"

	"github.com/creditflow/creditflow"
	"github.com/creditflow/creditflow/present"
	"github.com/go-echarts/go-echarts/v2/opts"
	"github.com/go-echarts/go-echarts/v2/render"
	"github.com/go-echarts/go-echarts/v2/types"
)

// Card is one indicator at the top of a page.
type Card struct {
	ID     string // stable hook for tests and styling
	Label  string
	Value  string
	Detail string
	Hint   string // the definition, as a tooltip
	Meter  string // optional share for a small bar, as a CSS width ("42.0%")
}

// Chart is a rendered go-echarts chart: its container and its script.
type Chart struct {
	Element template.HTML
	Script  template.HTML
}

// Render renders a chart into its container and its script.
//
// go-echarts writes the options as JSON without HTML escaping, so a "<" in a
// segment name could close the script element early. Inside the script "<"
// only occurs within string literals of that JSON (the formatters of this
// package have none), so it is replaced by the escape \u003c, which
// JavaScript reads as the same character.
func Render(c interface{ RenderSnippet() render.ChartSnippet }) (Chart, error) {
	sn := c.RenderSnippet()
	const open, end = `<script type="text/javascript">`, `</script>`
	body, ok := strings.CutPrefix(strings.TrimSpace(sn.Script), open)
	body, ok2 := strings.CutSuffix(body, end)
	if !ok || !ok2 {
		return Chart{}, errors.New("unexpected script from go-echarts")
	}
	body = strings.ReplaceAll(body, "<", `\u003c`)
	return Chart{Element: template.HTML(sn.Element), Script: template.HTML(open + body + end)}, nil
}

// Text makes text from the ledger safe for go-echarts, which turns anything
// between "__f__" markers into raw JavaScript.
func Text(s string) string {
	for strings.Contains(s, "__f__") {
		s = strings.ReplaceAll(s, "__f__", "_\u200b_f_\u200b_")
	}
	return s
}

var currencyPattern = regexp.MustCompile(`^[A-Z]{3}$`)

// CurrencyCode returns an ISO 4217 code, EUR when there is none; the result
// is safe inside a chart's script.
func CurrencyCode(c string) string {
	if currencyPattern.MatchString(c) {
		return c
	}
	return "EUR"
}

// CompactFormatter writes axis values short in l: 1.2M, 350k; in Dutch
// 1,2M.
func CompactFormatter(l present.Lang) types.FuncStr { return opts.FuncOpts(l.CompactJS()) }

// MoneyFormatter writes tooltip values as the pages of l write money. cur
// must have come through CurrencyCode.
func MoneyFormatter(l present.Lang, cur string) types.FuncStr {
	return opts.FuncOpts(`function (v) {
	return ` + l.MoneyJS(cur, "Number(v)") + `;
}`)
}

// BucketColors are the colours of the aging buckets, current to 90+, from
// green to dark red.
var BucketColors = []string{"#3f9a6b", "#e0b43c", "#ee8a35", "#d4513d", "#8c1d2f"}

// BucketAmounts returns the amounts of the aging buckets in the order of
// creditflow.AgingBucketLabels, whatever order or subset bs has.
func BucketAmounts(bs []creditflow.AgingBucket) []creditflow.Money {
	out := make([]creditflow.Money, len(creditflow.AgingBucketLabels))
	for _, b := range bs {
		for i, l := range creditflow.AgingBucketLabels {
			if b.Label == l {
				out[i] += b.Amount
			}
		}
	}
	return out
}

// BucketTitle names an aging bucket for a person in l: "Not yet due",
// "1-30 days", "90+ days"; in Dutch "Nog niet vervallen", "1-30 dagen".
func BucketTitle(l present.Lang, label string) string {
	switch label {
	case "current":
		return l.T("Not yet due")
	case "":
		return ""
	}
	return l.Tf("%s days", label)
}

// BucketShort names an aging bucket in a column head: "Not due", "1-30".
func BucketShort(l present.Lang, label string) string {
	if label == "current" {
		return l.T("Not due")
	}
	return label
}

// MeterWidth is a share in percent as the CSS width of a meter, clamped to
// [0, 100]; "" for NaN.
func MeterWidth(x float64) string {
	if math.IsNaN(x) {
		return ""
	}
	return strconv.FormatFloat(math.Max(0, math.Min(100, x)), 'f', 1, 64) + "%"
}

// shortMonths are the months as the axes of the charts write them.
var shortMonths = map[present.Lang][12]string{
	present.EN: {"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"},
	present.NL: {"jan", "feb", "mrt", "apr", "mei", "jun", "jul", "aug", "sep", "okt", "nov", "dec"},
}

func shortMonth(l present.Lang, d creditflow.Date) string {
	if l != present.NL {
		l = present.EN
	}
	return shortMonths[l][d.Month()-1]
}

// DayMonth writes a date short, for a chart's axis: "7 Dec"; in Dutch
// "7 dec".
func DayMonth(l present.Lang, d creditflow.Date) string {
	return strconv.Itoa(d.Day()) + " " + shortMonth(l, d)
}

// MonthLabel writes a date's month short, for a chart's axis: "Dec '26";
// in Dutch "dec '26".
func MonthLabel(l present.Lang, d creditflow.Date) string {
	return shortMonth(l, d) + " '" + d.Format("06")
}

// CurrencyName names a currency in a sentence such as "amounts in EUR": the
// code in English, "euro" for EUR in Dutch.
func CurrencyName(l present.Lang, cur string) string {
	if l == present.NL && cur == "EUR" {
		return "euro"
	}
	return cur
}
