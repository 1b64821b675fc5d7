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

// CompactFormatter writes axis values short: 1.2M, 350k.
var CompactFormatter = opts.FuncOpts(present.EN.CompactJS())

// MoneyFormatter writes tooltip values as the pages write money. cur must
// have come through CurrencyCode.
func MoneyFormatter(cur string) types.FuncStr {
	return opts.FuncOpts(`function (v) {
	return ` + present.EN.MoneyJS(cur, "Number(v)") + `;
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

// BucketTitle names an aging bucket for a person.
func BucketTitle(label string) string {
	switch label {
	case "current":
		return "Not yet due"
	case "90+":
		return "90+ days"
	case "":
		return ""
	}
	return label + " days"
}

// MeterWidth is a share in percent as the CSS width of a meter, clamped to
// [0, 100]; "" for NaN.
func MeterWidth(x float64) string {
	if math.IsNaN(x) {
		return ""
	}
	return strconv.FormatFloat(math.Max(0, math.Min(100, x)), 'f', 1, 64) + "%"
}
