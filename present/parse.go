package present

import (
	"errors"
	"strings"

	"github.com/creditflow/creditflow"
)

// ErrAmount is the error of an amount that ParseAmount cannot read; its
// message says why, in the language of the parse.
var ErrAmount = errors.New("not an amount")

// amountError is an ErrAmount with its message in a language.
type amountError struct{ msg string }

func (e *amountError) Error() string { return e.msg }
func (e *amountError) Unwrap() error { return ErrAmount }

// ParseAmount reads an amount as a person types it in the language, exactly
// to the cent: Dutch "1.234,56", "1234,5", "€ 1.234"; English "1,234.56",
// "1234.5", "EUR 1,234". The thousands separator (Dutch '.', English ',';
// a space also, in both) is optional but, where given, separates groups of
// three digits; at most two decimals follow the decimal separator. Input
// that reads differently in the other language is refused rather than
// guessed: Dutch "1,234" (three decimals, or English one thousand?) and
// English "1.234", or a decimal separator of the other language ("12.50"
// in Dutch). A leading minus is kept; the caller decides whether a
// negative amount makes sense. The error wraps ErrAmount and says in the
// language what is wrong.
func (l Lang) ParseAmount(s string) (creditflow.Money, error) {
	fail := func(format string, args ...any) (creditflow.Money, error) {
		return 0, &amountError{l.Tf(format, args...)}
	}
	in := strings.TrimSpace(s)
	t := in
	for _, p := range []string{"EUR", "eur", "€"} {
		t = strings.TrimSpace(strings.TrimPrefix(t, p))
	}
	neg := false
	if r, ok := strings.CutPrefix(t, "-"); ok {
		neg, t = true, strings.TrimSpace(r)
	} else if r, ok := strings.CutPrefix(t, "−"); ok {
		neg, t = true, strings.TrimSpace(r)
	}
	if t == "" {
		return fail("Type an amount, for example %s.", l.example())
	}
	loc := l.loc()
	group, decimal := loc.group, loc.decimal
	t = strings.NewReplacer("\u00a0", " ", "\u202f", " ").Replace(t)
	for _, r := range t {
		if (r < '0' || r > '9') && r != '.' && r != ',' && r != ' ' {
			return fail("%q is not an amount: only digits and separators, for example %s.", in, l.example())
		}
	}
	whole, frac, hasFrac := cutLast(t, decimal)
	if strings.Contains(frac, group) || strings.Contains(frac, " ") {
		// "1,234.56" in Dutch: the separators are the other way round.
		return fail("%q is written the other way round; in this language write %s.", in, l.example())
	}
	if hasFrac {
		switch {
		case len(frac) == 3 && !strings.ContainsAny(whole, group+" "):
			return fail("%q is ambiguous: three digits after %q. Write cents with two digits (%s), or leave out the separator for thousands.", in, decimal, l.example())
		case len(frac) > 2:
			return fail("%q has more than two decimals; amounts are in cents, for example %s.", in, l.example())
		case len(frac) == 0:
			return fail("%q ends in a separator; write it as %s.", in, l.example())
		}
	}
	// The whole part: digits, optionally grouped by three with the
	// language's thousands separator or a space.
	var digits strings.Builder
	groups := strings.FieldsFunc(whole, func(r rune) bool { return string(r) == group || r == ' ' })
	grouped := len(groups) > 1
	if whole == "" {
		return fail("%q has no digits before %q; write it as %s.", in, decimal, l.example())
	}
	if last := groups[len(groups)-1]; len(groups) == 2 && !hasFrac && len(last) < 3 && strings.HasSuffix(whole, group+last) {
		// "12.50" in Dutch, "12,50" in English.
		return fail("%q uses %q, which is not the decimal separator in this language; write it as %s.", in, group, l.example())
	}
	for i, g := range groups {
		if g == "" || (grouped && ((i == 0 && len(g) > 3) || (i > 0 && len(g) != 3))) {
			return fail("%q: the thousands separator must stand between groups of three digits, for example %s.", in, l.example())
		}
		digits.WriteString(g)
	}
	if len(groups) == 0 || strings.HasPrefix(whole, group) || strings.HasSuffix(whole, group) {
		return fail("%q: the thousands separator must stand between groups of three digits, for example %s.", in, l.example())
	}
	num := digits.String()
	if len(num) > 15 {
		return fail("%q is too large an amount.", in)
	}
	for len(frac) < 2 {
		frac += "0"
	}
	var cents int64
	for _, r := range num + frac {
		cents = cents*10 + int64(r-'0')
	}
	if neg {
		cents = -cents
	}
	return creditflow.Money(cents), nil
}

// cutLast cuts s around the last sep.
func cutLast(s, sep string) (before, after string, found bool) {
	if i := strings.LastIndex(s, sep); i >= 0 {
		return s[:i], s[i+len(sep):], true
	}
	return s, "", false
}

// otherDecimal is the decimal separator of the other language.
func otherDecimal(decimal string) string {
	if decimal == "," {
		return "."
	}
	return ","
}

// example is an amount written in the language: 1.234,56 or 1,234.56.
func (l Lang) example() string { return l.Amount(123456) }

func init() {
	AddDutch(map[string]string{
		"Type an amount, for example %s.":                                                                                     "Vul een bedrag in, bijvoorbeeld %s.",
		"%q is not an amount: only digits and separators, for example %s.":                                                    "%q is geen bedrag: alleen cijfers en scheidingstekens, bijvoorbeeld %s.",
		"%q is written the other way round; in this language write %s.":                                                       "In %q staan punt en komma omgewisseld; schrijf bijvoorbeeld %s.",
		"%q is ambiguous: three digits after %q. Write cents with two digits (%s), or leave out the separator for thousands.": "%q is dubbelzinnig: drie cijfers na %q. Schrijf centen met twee cijfers (%s), of laat het scheidingsteken voor duizendtallen weg.",
		"%q has more than two decimals; amounts are in cents, for example %s.":                                                "%q heeft meer dan twee decimalen; bedragen zijn in centen, bijvoorbeeld %s.",
		"%q ends in a separator; write it as %s.":                                                                             "%q eindigt op een scheidingsteken; schrijf het als %s.",
		"%q has no digits before %q; write it as %s.":                                                                         "%q heeft geen cijfers voor %q; schrijf het als %s.",
		"%q uses %q, which is not the decimal separator in this language; write it as %s.":                                    "%q gebruikt %q, maar in het Nederlands is de komma het decimaalteken; schrijf het als %s.",
		"%q: the thousands separator must stand between groups of three digits, for example %s.":                              "%q: het scheidingsteken voor duizendtallen staat tussen groepen van drie cijfers, bijvoorbeeld %s.",
		"%q is too large an amount.":                                                                                          "%q is een te groot bedrag.",
	})
}
