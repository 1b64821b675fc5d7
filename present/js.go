package present

import (
	"strconv"
	"strings"
	"unicode/utf8"
)

// MoneyJS returns a JavaScript expression that writes the number expr (an
// expression such as "Number(v)") as Money writes an amount in cur, with
// two decimals:
//
//	'EUR ' + Number(v).toLocaleString('en-US', {minimumFractionDigits: 2, maximumFractionDigits: 2})
//
// for a chart's tooltip. cur is escaped for a JavaScript string; expr is
// written as it is.
func (l Lang) MoneyJS(cur, expr string) string {
	c := l.loc()
	if cur == "EUR" {
		cur = c.euro
	}
	return jsString(cur+" ") + " + " + expr + ".toLocaleString('" + c.jsLocale +
		"', {minimumFractionDigits: 2, maximumFractionDigits: 2})"
}

// CompactJS returns a JavaScript function that writes a chart axis value
// compactly: 1.2M, 35M, 350k, 12; in Dutch with a decimal comma (1,2M).
func (l Lang) CompactJS() string {
	dec := ""
	if l.loc().decimal != "." {
		dec = ".replace('.', " + jsString(l.loc().decimal) + ")"
	}
	return `function (v) {
	var a = Math.abs(v);
	if (a >= 1e6) { return (v / 1e6).toFixed(a >= 1e7 ? 0 : 1)` + dec + ` + 'M'; }
	if (a >= 1e3) { return (v / 1e3).toFixed(0) + 'k'; }
	return String(v)` + dec + `;
}`
}

// jsString quotes s as a single-quoted JavaScript string that is also safe
// inside an HTML script element.
func jsString(s string) string {
	var b strings.Builder
	b.WriteByte('\'')
	for _, r := range s {
		switch {
		case r == '\\' || r == '\'' || r == '"' || r == '<' || r == '>' || r == '&' ||
			r < ' ' || r == 0x7f || r == '\u2028' || r == '\u2029' || r == utf8.RuneError:
			b.WriteString(`\u`)
			h := strconv.FormatInt(int64(r), 16)
			b.WriteString(strings.Repeat("0", 4-len(h)) + h)
		default:
			b.WriteRune(r)
		}
	}
	b.WriteByte('\'')
	return b.String()
}
