package dialect

import (
	"math"
	"strconv"
	"strings"
	"time"
)

// The number styles: which of comma and dot is the decimal separator.
const (
	DecimalComma = "1.234,56"
	DecimalPoint = "1,234.56"
)

// numberEvidence counts, over amount cells, the ones that show a decimal
// comma (1234,56 or 1.234,5) and a decimal point (1234.56 or 1,234.5).
func numberEvidence(v string) (comma, point bool) {
	v = strings.TrimRight(strings.TrimSpace(v), ")-")
	c, d := strings.LastIndexByte(v, ','), strings.LastIndexByte(v, '.')
	switch {
	case c > d && len(v)-c-1 != 3: // 1234,56 or 1.234,5
		return true, false
	case c > d && d >= 0: // 1.234,567: a comma after a dot
		return true, false
	case d > c && len(v)-d-1 != 3: // 1234.56 or 1,234.5
		return false, true
	case d > c && c >= 0:
		return false, true
	}
	return false, false
}

// parseAmount reads an amount in the given style: currency signs and
// spaces are dropped, a minus before or after or parentheses make it
// negative, thousands separators go. It returns the amount with a decimal
// point, or ok false.
func parseAmount(v, style string) (string, bool) {
	s := strings.TrimSpace(v)
	for _, sym := range []string{"€", "EUR", "eur", "$", "£", "\u00a0", " ", "'"} {
		s = strings.ReplaceAll(s, sym, "")
	}
	neg := false
	if strings.HasPrefix(s, "(") && strings.HasSuffix(s, ")") {
		neg, s = true, s[1:len(s)-1]
	}
	if strings.HasSuffix(s, "-") {
		neg, s = !neg, s[:len(s)-1]
	}
	if strings.HasPrefix(s, "-") {
		neg, s = !neg, s[1:]
	} else {
		s = strings.TrimPrefix(s, "+")
	}
	thousands, decimal := ",", "."
	if style == DecimalComma {
		thousands, decimal = ".", ","
	}
	s = strings.ReplaceAll(s, thousands, "")
	whole, frac, hasFrac := strings.Cut(s, decimal)
	if whole == "" && !hasFrac || !digits(whole) || hasFrac && (frac == "" || !digits(frac)) {
		return "", false
	}
	if whole == "" {
		whole = "0"
	}
	out := whole
	if hasFrac {
		out += "." + frac
	}
	if neg {
		out = "-" + out
	}
	return out, true
}

// roundCell rounds a number as Excel stores it (1234.5599999999999) to
// cents; other text is returned as it is.
func roundCell(v string) string {
	if i := strings.IndexByte(v, '.'); i < 0 || len(v)-i-1 <= 2 {
		return v
	}
	f, err := strconv.ParseFloat(v, 64)
	if err != nil || math.Abs(f) > 1e15 {
		return v
	}
	return strconv.FormatFloat(math.Round(f*100)/100, 'f', 2, 64)
}

func digits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// The date styles, as DateStyles names them.
const (
	isoDate   = "yyyy-mm-dd"
	dayFirst  = "dd-mm-yyyy"
	monthFrst = "mm-dd-yyyy"
	excelDate = "excel"
)

// excelEpoch is day 0 of Excel's serial dates (1900 system, after its
// fictitious 29 February 1900).
var excelEpoch = time.Date(1899, 12, 30, 0, 0, 0, 0, time.UTC)

// parseDate reads a date in a style and returns it as YYYY-MM-DD. It is
// called for every date cell in every style while detecting, so it does
// not allocate but for its result.
func parseDate(v, style string) (string, bool) {
	v = strings.TrimSpace(v)
	switch style {
	case isoDate:
		if len(v) > 10 && (v[10] == ' ' || v[10] == 'T') {
			v = v[:10] // a date with a time of day
		}
		p, ok := splitDate(v)
		return ymd(p, ok, 0, 1, 2)
	case dayFirst:
		p, ok := splitDate(v)
		return ymd(p, ok, 2, 1, 0)
	case monthFrst:
		p, ok := splitDate(v)
		return ymd(p, ok, 2, 0, 1)
	case excelDate:
		if v == "" || v[0] < '0' || v[0] > '9' {
			return "", false
		}
		f, err := strconv.ParseFloat(v, 64)
		if err != nil || f < 1 || f > 2958465 {
			return "", false
		}
		y, m, d := excelEpoch.Add(time.Duration(f) * 24 * time.Hour).Date()
		return formatDate(y, int(m), d), true
	}
	return "", false
}

// splitDate splits a date on -, / or . into three runs of digits.
func splitDate(v string) (parts [3]string, ok bool) {
	n, from := 0, 0
	for i := 0; i <= len(v); i++ {
		if i < len(v) && v[i] >= '0' && v[i] <= '9' {
			continue
		}
		if i < len(v) && v[i] != '-' && v[i] != '/' && v[i] != '.' || i == from || n == 3 {
			return parts, false
		}
		parts[n], n, from = v[from:i], n+1, i+1
	}
	return parts, n == 3
}

var daysIn = [13]int{0, 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31}

func ymd(parts [3]string, ok bool, y, m, d int) (string, bool) {
	if !ok || len(parts[y]) != 4 || len(parts[m]) > 2 || len(parts[d]) > 2 {
		return "", false
	}
	yy, mm, dd := atoi(parts[y]), atoi(parts[m]), atoi(parts[d])
	if mm < 1 || mm > 12 || dd < 1 || dd > daysIn[mm] || mm == 2 && dd == 29 && !(yy%4 == 0 && (yy%100 != 0 || yy%400 == 0)) {
		return "", false
	}
	return formatDate(yy, mm, dd), true
}

// atoi reads a run of at most four digits.
func atoi(s string) int {
	n := 0
	for i := 0; i < len(s); i++ {
		n = n*10 + int(s[i]-'0')
	}
	return n
}

func formatDate(y, m, d int) string {
	b := [10]byte{byte('0' + y/1000%10), byte('0' + y/100%10), byte('0' + y/10%10), byte('0' + y%10), '-',
		byte('0' + m/10), byte('0' + m%10), '-', byte('0' + d/10), byte('0' + d%10)}
	return string(b[:])
}

// parseBool reads the yes/no words of Dutch and English exports.
func parseBool(v string) (string, bool) {
	switch strings.ToLower(strings.TrimSpace(v)) {
	case "true", "yes", "y", "1", "ja", "j", "waar", "x":
		return "true", true
	case "false", "no", "n", "0", "nee", "onwaar":
		return "false", true
	}
	return "", false
}
