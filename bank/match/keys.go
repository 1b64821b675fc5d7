package match

import (
	"strings"

	"github.com/creditflow/creditflow"
)

// dayOf is the day number of d, counted from 1970-01-01.
func dayOf(d creditflow.Date) int32 {
	u := d.Unix()
	if u < 0 {
		return int32((u - 86399) / 86400)
	}
	return int32(u / 86400)
}

// alnumUpper keeps the letters and digits of s, upper-cased, so that
// "inv-2024-000123" finds "INV-2024-000123".
func alnumUpper(s string) string {
	clean := true
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'A' && c <= 'Z' || c >= '0' && c <= '9') {
			clean = false
			break
		}
	}
	if clean {
		return s
	}
	return string(appendAlnumUpper(nil, s))
}

func appendAlnumUpper(b []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= 'a' && c <= 'z':
			b = append(b, c-'a'+'A')
		case c >= 'A' && c <= 'Z', c >= '0' && c <= '9':
			b = append(b, c)
		}
	}
	return b
}

// digitKey is the number made of all digits of an invoice id, leading
// zeros stripped ("INV-2024-000123" → 2024000123).
func digitKey(id string) (uint64, bool) {
	var n uint64
	nd := 0
	for i := 0; i < len(id); i++ {
		c := id[i]
		if c < '0' || c > '9' {
			continue
		}
		if n == 0 && c == '0' {
			continue
		}
		nd++
		if nd > 19 {
			return 0, false
		}
		n = n*10 + uint64(c-'0')
	}
	return n, n > 0
}

// parseDigits reads a string of digits (leading zeros allowed) as a number
// of at most 19 significant digits.
func parseDigits(s string) (uint64, bool) {
	if !allDigits(s) {
		return 0, false
	}
	return digitKey(s)
}

// tokenDigits reads a token that is an invoice number written as digits,
// possibly with dashes ("2024-000123"): at least 6 digits, so that days,
// counts and amounts are not taken for invoice numbers.
func tokenDigits(tok string) (uint64, bool) {
	nd := 0
	for i := 0; i < len(tok); i++ {
		switch c := tok[i]; {
		case c >= '0' && c <= '9':
			nd++
		case c == '-' || c == '_':
		default:
			return 0, false
		}
	}
	if nd < 6 {
		return 0, false
	}
	return digitKey(tok)
}

// invoicePrefixes are the words payers put before an invoice number,
// longest first so that "factuurnr" is stripped whole.
var invoicePrefixes = [...]string{
	"factuurnummer", "factuurnr", "facturen", "factuur", "factnr", "invoice",
	"fact", "fac", "inv", "nummer", "nr", "no",
}

// stripInvoicePrefix removes words such as "factuur" or "nr." from the
// start of tok, with the punctuation after them.
func stripInvoicePrefix(tok string) string {
	for range 3 {
		stripped := false
		for _, p := range invoicePrefixes {
			if len(tok) > len(p) && strings.EqualFold(tok[:len(p)], p) {
				tok = tok[len(p):]
				stripped = true
				break
			}
		}
		tok = strings.TrimLeft(tok, ".:-#_")
		if !stripped {
			break
		}
	}
	return tok
}

// nextToken splits off the first token of text: tokens are separated by
// spaces, commas, semicolons, slashes, colons and brackets; trailing dots
// are dropped.
func nextToken(text string) (tok, rest string) {
	i := 0
	for i < len(text) && isSep(text[i]) {
		i++
	}
	j := i
	for j < len(text) && !isSep(text[j]) {
		j++
	}
	tok = strings.TrimRight(text[i:j], ".")
	return tok, text[j:]
}

func isSep(c byte) bool {
	switch c {
	case ' ', '\t', '\n', '\r', ',', ';', '/', ':', '(', ')', '[', ']', '|', '"', '\'', '+', '&':
		return true
	}
	return false
}
