package search

import (
	"strings"
	"unicode"

	"golang.org/x/text/runes"
	"golang.org/x/text/transform"
	"golang.org/x/text/unicode/norm"
)

// stripAccents decomposes s and drops the accents: "Café Müller" is
// "Cafe Muller", as DuckDB's strip_accents makes it.
func stripAccents(s string) string {
	for _, r := range s {
		if r >= 0x80 {
			out, _, err := transform.String(transform.Chain(norm.NFD, runes.Remove(runes.In(unicode.Mn)), norm.NFC), s)
			if err != nil {
				return s
			}
			return out
		}
	}
	return s
}

// Words is s as names compare: lower case, without accents, a dot or an
// apostrophe dropped ("B.V." is "bv", "'t" is "t") and any other run of
// signs one space, trimmed. "Café 't Hoekje B.V." is "cafe t hoekje bv".
func Words(s string) string {
	s = stripAccents(strings.ToLower(s))
	var b strings.Builder
	b.Grow(len(s))
	space := false
	for _, r := range s {
		switch {
		case r == '.' || r == '\'' || r == '’':
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			if space && b.Len() > 0 {
				b.WriteByte(' ')
			}
			space = false
			b.WriteRune(r)
		default:
			space = true
		}
	}
	return b.String()
}

// loose is s as references compare: lower case, without accents, runs of
// white space one space, trimmed; the other signs stay ("inv-2026-0120").
func loose(s string) string {
	return strings.Join(strings.Fields(stripAccents(strings.ToLower(s))), " ")
}

// CompactIBAN is the letters and digits of s in upper case: "nl68 rabo
// 0300 0000 01" is "NL68RABO0300000001".
func CompactIBAN(s string) string {
	var b strings.Builder
	for _, r := range strings.ToUpper(s) {
		if r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' {
			b.WriteRune(r)
		}
	}
	return b.String()
}

// ibanLike is the compact form of q when it can be (part of) an IBAN: at
// least minIBAN letters and digits, a digit among them, nothing but
// letters, digits and spaces. Else "".
func ibanLike(q string) string {
	for _, r := range q {
		if !(r == ' ' || r >= 'A' && r <= 'Z' || r >= 'a' && r <= 'z' || r >= '0' && r <= '9') {
			return ""
		}
	}
	c := CompactIBAN(q)
	if len(c) < minIBAN || !strings.ContainsAny(c, "0123456789") {
		return ""
	}
	return c
}
