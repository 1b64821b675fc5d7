package present

import (
	"errors"
	"testing"

	"github.com/creditflow/creditflow"
)

func TestParseAmount(t *testing.T) {
	for _, tc := range []struct {
		lang Lang
		in   string
		want creditflow.Money
		err  string // a part of the error, "" when it parses
	}{
		{NL, "1.234,56", 123456, ""},
		{NL, "1234,56", 123456, ""},
		{NL, "1234,5", 123450, ""},
		{NL, "1234", 123400, ""},
		{NL, "1.234", 123400, ""},
		{NL, "1.234.567,89", 123456789, ""},
		{NL, "€ 1.234,56", 123456, ""},
		{NL, "0,01", 1, ""},
		{NL, " 12 345,6 ", 1234560, ""},
		{NL, "-25,00", -2500, ""},
		{NL, "1,234", 0, "dubbelzinnig"},
		{NL, "12.50", 0, "decimaalteken"},
		{NL, "1,234.56", 0, "omgewisseld"},
		{NL, "1,2345", 0, "meer dan twee decimalen"},
		{NL, "12.34.5", 0, "groepen van drie"},
		{NL, "1234.567", 0, "groepen van drie"},
		{NL, "12,", 0, "eindigt op een scheidingsteken"},
		{NL, "", 0, "Vul een bedrag in"},
		{NL, "twaalf", 0, "geen bedrag"},
		{NL, ",50", 0, "geen cijfers"},
		{EN, "1,234.56", 123456, ""},
		{EN, "1234.56", 123456, ""},
		{EN, "1,234", 123400, ""},
		{EN, "EUR 1,234.5", 123450, ""},
		{EN, "0.07", 7, ""},
		{EN, "999,999,999,999.99", 99999999999999, ""},
		{EN, "1.234", 0, "ambiguous"},
		{EN, "12,50", 0, "not the decimal separator"},
		{EN, "1.234,56", 0, "the other way round"},
		{EN, "1.999", 0, "ambiguous"},
		{EN, "1,23,456", 0, "groups of three"},
		{EN, "1234567890123456", 0, "too large"},
	} {
		got, err := tc.lang.ParseAmount(tc.in)
		switch {
		case tc.err == "" && err != nil:
			t.Errorf("%s %q: %v", tc.lang, tc.in, err)
		case tc.err == "" && got != tc.want:
			t.Errorf("%s %q = %d cents, want %d", tc.lang, tc.in, got, tc.want)
		case tc.err != "" && err == nil:
			t.Errorf("%s %q = %d cents, want an error with %q", tc.lang, tc.in, got, tc.err)
		case tc.err != "" && (!errors.Is(err, ErrAmount) || !contains(err.Error(), tc.err)):
			t.Errorf("%s %q: error %q, want one with %q", tc.lang, tc.in, err, tc.err)
		}
	}
}

// TestParseAmountRoundTrip parses what Amount writes, in both languages.
func TestParseAmountRoundTrip(t *testing.T) {
	for _, l := range []Lang{NL, EN} {
		for _, m := range []creditflow.Money{0, 1, 10, 99, 100, 123456, 100000000, 98765432101} {
			got, err := l.ParseAmount(l.Amount(m))
			if err != nil || got != m {
				t.Errorf("%s: %q read back as %d (%v), want %d", l, l.Amount(m), got, err, m)
			}
		}
	}
}

func contains(s, sub string) bool {
	for i := 0; i+len(sub) <= len(s); i++ {
		if s[i:i+len(sub)] == sub {
			return true
		}
	}
	return false
}
